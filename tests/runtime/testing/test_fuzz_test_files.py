"""Fuzzing flow-test files and recorded traces: changed in hostile ways, they are refused with a `FlowError` that
says where, or read into values a test run and a replay can use without a traceback (`make fuzz` runs many more
examples than the suite)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mutants import FUZZ, HUGE_DIGITS, any_text, json_mutant, text_mutant

from callflow.flowlang.environment import load_environment
from callflow.flowlang.errors import FlowError
from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.run import Simulator, moment
from callflow.runtime.simulator.script import parse_script
from callflow.runtime.testing.flowtest import FlowTestError, cases_from, parse_test_text, read_test_file, run_test_file
from callflow.runtime.testing.replay import (
    ReplayError,
    call_options,
    experience,
    read_trace,
    recognizer,
    script_from_trace,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
TEST_FILES = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.test.yaml"))]

LAUGHS = "\n".join(
    ["lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"l{n}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]" for n in range(8)]
)
ODD_YAML = [
    "5",
    "abc",
    ".nan",
    ".inf",
    "-.inf",
    HUGE_DIGITS,
    "0x1F",
    "1:30",
    "[a, b]",
    "{a: 1}",
    "~",
    "yes",
    '"x"',
    "*x",
    "&a [*a]",
    "!!int x",
    "!!bool x",
    "!!timestamp x",
    "!!binary aGk=",
    "!!python/object:os.system x",
    "!!set {a}",
    "2026-13-45",
    "2026-11-20",
    "2026-11-20T10:00",
    "[" * 50 + "]" * 50,
    "[" * 5000 + "]" * 5000,
    "dtmf:x",
    "wait:-1",
    "wait:nan",
    "hangup",
    "\x00",
    "\ud800",
    "\t",
    ": ",
    "- ",
    "\n",
    "  ",
    LAUGHS,
    "switches: *i",
]


@cache
def folder() -> Path:
    """A copy of the examples (flows, environments, data) to read test files beside, made once per run."""
    target = Path(tempfile.mkdtemp(prefix="callflow-fuzz-")) / "examples"
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns("*.sqlite", "*.test.yaml"))
    return target


@FUZZ
@given(st.sampled_from(TEST_FILES).flatmap(lambda text: text_mutant(text, ODD_YAML)))
def test_any_changed_test_file_is_refused_with_where_or_runs(text: str) -> None:
    """A flow-test file changed in hostile ways raises a `FlowError` (with line and column when it is the YAML or
    its shape), or reads into cases whose first one runs to its end."""
    path = folder() / "fuzzed.test.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        test_file = read_test_file(path)
    except FlowError as error:
        assert str(error)
        return
    if test_file.cases:
        with contextlib.suppress(FlowError):
            asyncio.run(run_test_file(replace(test_file, cases=test_file.cases[:1])))


@pytest.fixture(scope="module")
def trace_lines() -> list[str]:
    """A call to the hotline that goes through its menus, a lookup and a queue, as the JSON lines of its trace."""
    flow = load_file(folder() / "hotline_12345.flow").flow
    assert flow is not None
    environment = load_environment(folder() / "callflow.toml")
    simulator = Simulator(environment, folder())
    steps = ["dtmf:2", "dtmf:1", "dtmf:20261001#", "dtmf:0", "dtmf:1", "agent:5", "agent-hangup:20"]
    try:
        simulation = simulator.run(flow, parse_script(steps), at=moment("2026-11-20T10:00", environment))
    finally:
        simulator.close()
    return [json.dumps(event, ensure_ascii=False) for event in simulation.events]


def _json(line: str) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):  # changed already, into text that is not JSON (or too deep to read)
        return None


@st.composite
def traces(draw: st.DrawFn, lines: list[str]) -> str:
    """A trace with one to three events changed, removed, doubled or moved, as JSON lines."""
    lines = list(lines)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["event", "event", "text", "drop", "double", "move"]))
        if how == "event" and (event := _json(lines[index])) is not None:
            lines[index] = draw(json_mutant(event))
        elif how == "text":
            lines[index] = draw(text_mutant(lines[index]))
        elif how == "drop" and len(lines) > 1:
            lines.pop(index)
        elif how in ("double", "move"):
            line = lines.pop(index) if how == "move" else lines[index]
            lines.insert(draw(st.integers(0, len(lines))), line)
    return "\n".join(lines)


@FUZZ
@given(st.data())
def test_any_changed_trace_is_refused_with_where_or_replays(trace_lines: list[str], data: st.DataObject) -> None:
    """A trace changed in hostile ways raises a `FlowError` naming its line, or gives a caller's script, a lived
    call and call options without a traceback."""
    text = data.draw(traces(trace_lines))
    try:
        events = read_trace(text, "fuzzed.jsonl")
    except FlowError as error:
        assert str(error).startswith("fuzzed.jsonl")
        return
    with contextlib.suppress(FlowError):
        script_from_trace(events)
    experience(events)
    call_options(events)
    recognizer(events)


@FUZZ
@given(any_text())
def test_any_text_at_all_is_test_cases_or_a_flow_test_error(text: str) -> None:
    """`parse_test_text` (what the service reads a suite's text with) raises nothing but `FlowTestError`."""
    with contextlib.suppress(FlowTestError):
        cases_from(parse_test_text(text, "suite.test.yaml"), "suite.test.yaml")


@FUZZ
@given(any_text())
def test_any_text_at_all_is_a_trace_or_a_replay_error(text: str) -> None:
    """`read_trace` takes any string, whatever it holds, and raises nothing but `ReplayError`."""
    with contextlib.suppress(ReplayError):
        read_trace(text, "any.jsonl")
