"""The virtual clock's time limit: every simulated call ends, so a limit no call could reach (`nan`, `inf`, 0, more
than a day) is refused with a clear message wherever it is given: `--limit`, a flow test's `limit:`, a replayed
trace."""

from __future__ import annotations

import asyncio
import json
import math
import re
from datetime import datetime
from importlib.metadata import entry_points
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_fuzz import FUZZ_EXAMPLES

from callflow.flowlang.cli import COMMANDS_GROUP, cli
from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.clock import MAX_LIMIT_S, VirtualClock, checked_limit
from callflow.runtime.simulator.run import Simulator
from callflow.runtime.simulator.script import parse_script
from callflow.runtime.testing.flowtest import Case, FlowTestError, run_case

AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
REFUSED = "a time limit is a number of seconds more than 0 and at most 86400 (a day), not"

QUEUE = "flow t\n  languages en\n\nwait: queue line\n  done -> bye\n\nbye: hangup\n"
"""A caller waiting in a queue where no agent ever answers: only the time limit ends the call."""

QUICK = "flow t\n  languages en\n\nbye: hangup\n"
"""A call that ends at once: a limit it is given is refused, or it is not (it cannot hang either way)."""


def callflow(*args: str) -> Result:
    """The `callflow` command, with the commands other parts of Callflow add (as `main` adds them)."""
    for entry in entry_points(group=COMMANDS_GROUP):
        cli.add_command(entry.load(), entry.name)
    return CliRunner().invoke(cli, list(args), prog_name="callflow")


@pytest.fixture
def queue_flow(tmp_path: Path) -> Path:
    (tmp_path / "callflow.toml").write_text("[queues.line]\n", encoding="utf-8")
    (tmp_path / "t.flow").write_text(QUEUE, encoding="utf-8")
    return tmp_path / "t.flow"


@pytest.fixture
def quick_flow(tmp_path: Path) -> Path:
    (tmp_path / "callflow.toml").write_text("", encoding="utf-8")
    (tmp_path / "t.flow").write_text(QUICK, encoding="utf-8")
    return tmp_path / "t.flow"


@pytest.mark.parametrize("limit", ["nan", "inf", "-inf", "0", "-5", "1e9"])
def test_simulate_refuses_a_limit_no_call_could_reach(quick_flow: Path, limit: str) -> None:
    """`--limit nan` (or inf, 0, a negative or more than a day) is a usage error naming the option, not a call
    that never ends."""
    result = callflow("simulate", str(quick_flow), "--limit", limit)
    assert result.exit_code == 2
    assert f"Invalid value for '--limit': {REFUSED} {float(limit):g}" in result.output


def test_simulate_ends_a_waiting_call_at_its_limit(queue_flow: Path) -> None:
    """A limit within range ends a call nobody else ends, at that moment."""
    result = callflow("simulate", str(queue_flow), "--limit", "90", "--json")
    assert result.exit_code == 0, result.output
    end = json.loads(result.output.splitlines()[-1])
    assert (end["event"], end["reason"], end["t"]) == ("end", "time_limit", 90)


@pytest.mark.parametrize("written", [".nan", ".inf", "0", "abc", "100000"])
def test_a_flow_test_with_a_limit_no_call_could_reach_is_refused(quick_flow: Path, written: str) -> None:
    """`limit: .nan` in a flow test is an error at its line and column, not a test that never ends."""
    test_file = quick_flow.with_name("t.test.yaml")
    test_file.write_text(f"cases:\n  - name: waits\n    limit: {written}\n", encoding="utf-8")
    result = callflow("test", str(test_file))
    assert result.exit_code != 0
    assert "t.test.yaml:3:12: " in result.output and f"limit: {written}" in result.output


@pytest.mark.parametrize(("limit", "shown"), [(math.nan, "nan"), (math.inf, "inf"), ("abc", "'abc'")])
def test_a_case_made_in_code_with_such_a_limit_is_refused(quick_flow: Path, limit: object, shown: str) -> None:
    """A case that did not come through a test file's schema (the service makes them too) is refused by name."""
    loaded = load_file(quick_flow)
    assert loaded.flow is not None
    simulator = Simulator(load_environment(quick_flow.with_name("callflow.toml")), quick_flow.parent)
    case = Case("waits", (), {"limit": limit}, {})
    try:
        with pytest.raises(FlowTestError, match=re.escape(f"case `waits`: `limit`: {REFUSED} {shown}")):
            asyncio.run(run_case(simulator, loaded.flow, case))
    finally:
        simulator.close()


@pytest.mark.parametrize(("t", "said"), [(math.nan, "NaN"), (100_000, f"{REFUSED} 100000")])
def test_replaying_a_trace_that_ended_at_a_limit_no_call_could_reach_is_refused(
    quick_flow: Path, t: float, said: str
) -> None:
    """A trace whose call ended at its time limit at `NaN` seconds, or past a day, cannot be replayed: a clear
    error (the first from reading the trace, the second from the limit)."""
    start = {"t": 0, "event": "start", "node": None, "flow": "t", "caller": "1", "called": "2", "language": "en"}
    end = {"t": t, "event": "end", "node": "bye", "reason": "time_limit"}
    trace = quick_flow.with_name("call.jsonl")
    trace.write_text("\n".join(json.dumps(event) for event in (start, end)) + "\n", encoding="utf-8")
    result = callflow("replay", str(trace), "--flow", str(quick_flow), "--at", "2026-11-20T10:00")
    assert result.exit_code != 0
    assert said in result.output and "Traceback" not in result.output


def test_the_clock_itself_refuses_such_a_limit() -> None:
    """Code that makes a clock directly gets the same ValueError."""
    with pytest.raises(ValueError, match="not nan"):
        VirtualClock(AT, math.nan)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.one_of(st.floats(), st.integers(), st.text(max_size=5), st.none(), st.booleans()))
def test_any_limit_is_either_refused_or_ends_a_call_that_nobody_ends(limit: object) -> None:
    """Whatever a limit is written as, it is refused with the message, or it is a number of seconds in range."""
    try:
        accepted = checked_limit(limit)
    except ValueError as error:
        assert str(error).startswith(REFUSED)
        return
    assert 0 < accepted <= MAX_LIMIT_S


@pytest.mark.parametrize("limit", [0.001, 600, MAX_LIMIT_S])
def test_a_call_waiting_for_ever_ends_at_any_accepted_limit(queue_flow: Path, limit: float) -> None:
    """From a millisecond to a day, the call that nobody ends ends at the limit."""
    loaded = load_file(queue_flow)
    assert loaded.flow is not None
    simulator = Simulator(load_environment(queue_flow.with_name("callflow.toml")), queue_flow.parent)
    try:
        result = asyncio.run(simulator.call(loaded.flow, parse_script([]), at=AT, limit_s=limit))
    finally:
        simulator.close()
    assert (result.end["reason"], result.end["t"]) == ("time_limit", round(limit, 3))
