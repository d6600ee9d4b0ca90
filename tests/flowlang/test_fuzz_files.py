"""Fuzzing flow files: the golden and example flows, changed in hostile ways, never make check, fmt or convert fail
with a traceback; fmt is idempotent on whatever it accepts, and convert keeps the meaning of every file check
accepts (`make fuzz` runs many more examples than the suite)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from mutants import FUZZ, any_text, json_mutant, text_mutant

from callflow.flowlang.check import check_flow
from callflow.flowlang.diagnostics import Severity
from callflow.flowlang.environment import Environment, load_environment
from callflow.flowlang.loader import Loaded, dump, load_text

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
FOLDERS = [GOLDEN / "good", GOLDEN / "bad", ROOT / "examples"]


@cache
def environment(folder: Path) -> Environment:
    """The environment beside a folder's flows."""
    return load_environment(folder / "callflow.toml")


def seeds(suffix: str) -> list[tuple[Path, str]]:
    """Every golden and example flow file with this suffix: (its folder, its text)."""
    found = [(path.parent, path.read_text(encoding="utf-8")) for f in FOLDERS for path in sorted(f.glob(f"*{suffix}"))]
    assert len(found) >= 10
    return found


def json_seeds() -> list[tuple[Path, object]]:
    """Every golden JSON graph that is JSON, and every flow that reads, as the graph `convert` makes of it."""
    found = []
    for folder, text in seeds(".flow.json"):
        loaded = load_text(text, "seed.flow.json", "json")
        if loaded.problems and loaded.problems[0].code.id == "E100":
            continue
        found.append((folder, json.loads(text)))
    for folder, text in DSL_SEEDS:
        loaded = load_text(text, "seed.flow", "dsl")
        if loaded.flow is not None and loaded.ok:
            found.append((folder, json.loads(dump(loaded.flow, "json"))))
    return found


DSL_SEEDS = seeds(".flow")
JSON_SEEDS = json_seeds()


def errors(loaded: Loaded, folder: Path) -> list[str]:
    """The errors of a loaded flow and of its check, rendered (rendering must work too)."""
    problems = list(loaded.problems)
    if loaded.flow is not None:
        problems += check_flow(loaded.flow, environment=environment(folder), directory=folder)
    rendered = [p.render() for p in problems]
    assert all(json.dumps(p.to_json()) for p in problems)
    return [text for p, text in zip(problems, rendered, strict=True) if p.severity == Severity.ERROR]


def assert_survives(text: str, form: str, folder: Path) -> None:
    """Whatever the text, reading and checking it gives problems, never an exception; what reads cleanly formats
    idempotently and converts both ways into a file that reads back as the same flow, check-clean if it was."""
    name = "fuzzed.flow" if form == "dsl" else "fuzzed.flow.json"
    loaded = load_text(text, name, form)
    found = errors(loaded, folder)
    if not loaded.ok:
        return
    assert loaded.flow is not None
    formatted = dump(loaded.flow, form)
    formatted.encode("utf-8")
    again = load_text(formatted, name, form)
    assert again.ok, [p.render() for p in again.problems]
    assert again.flow == loaded.flow
    assert again.flow is not None and dump(again.flow, form) == formatted
    other = "json" if form == "dsl" else "dsl"
    converted = dump(loaded.flow, other)
    converted.encode("utf-8")
    back = load_text(converted, "converted.flow" if other == "dsl" else "converted.flow.json", other)
    assert back.ok, [p.render() for p in back.problems]
    assert back.flow == loaded.flow
    if not found:
        assert errors(back, folder) == []


@FUZZ
@given(st.sampled_from(DSL_SEEDS).flatmap(lambda seed: st.tuples(st.just(seed[0]), text_mutant(seed[1]))))
def test_any_changed_flow_text_is_checked_formatted_and_converted_without_a_traceback(case: tuple[Path, str]) -> None:
    """A `.flow` file changed in hostile ways gets located problems, or formats and converts keeping its meaning."""
    folder, text = case
    assert_survives(text, "dsl", folder)


@FUZZ
@given(st.sampled_from(JSON_SEEDS).flatmap(lambda seed: st.tuples(st.just(seed[0]), json_mutant(seed[1]))))
def test_any_changed_json_graph_is_checked_formatted_and_converted_without_a_traceback(case: tuple[Path, str]) -> None:
    """A `.flow.json` file changed in hostile ways gets located problems, or formats and converts keeping its
    meaning."""
    folder, text = case
    assert_survives(text, "json", folder)


@FUZZ
@given(st.sampled_from(JSON_SEEDS).flatmap(lambda seed: st.tuples(st.just(seed[0]), text_mutant(json.dumps(seed[1])))))
def test_any_json_text_with_odd_characters_is_checked_without_a_traceback(case: tuple[Path, str]) -> None:
    """A `.flow.json` file with odd text written into it anywhere gets located problems, never a traceback."""
    folder, text = case
    assert_survives(text, "json", folder)


@FUZZ
@given(any_text(), st.sampled_from(["dsl", "json"]))
def test_any_text_at_all_is_read_without_a_traceback(text: str, form: str) -> None:
    """`load_text` takes any string, whatever it holds, and reports what is wrong instead of raising."""
    assert_survives(text, form, GOLDEN / "good")
