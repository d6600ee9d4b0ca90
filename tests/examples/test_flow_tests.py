"""The example flows' own flow tests (`examples/*.test.yaml`): every case passes, and together they take every exit."""

from __future__ import annotations

import asyncio
import functools
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

from callflow.flowlang.loader import load_file
from callflow.runtime.testing import flowtest
from callflow.runtime.testing.coverage import coverage
from callflow.runtime.testing.flowtest import SUFFIX, CaseResult, read_test_file, run_test_file

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TEST_FILES = sorted(path.name for path in EXAMPLES.glob(f"*{SUFFIX}"))

# Wired exits that no case takes, as (flow, node, exit), and why. The list is strict: an exit listed here that a
# case does take fails the test as well, so that the list stays true.
UNCOVERED: dict[tuple[str, str, str], str] = {
    ("hotline_12345", "case_lookup", "timeout"): (
        "needs a data source slower than the lookup's 3 s in real time (the deadline is on the wall clock, not on "
        "the simulator's); no data file is slow, and tests/runtime/test_hotline.py covers it by locking the database"
    ),
    ("bank_balance", "verify", "error"): (
        "verify_pin always returns an outcome; only a missing or broken verify_pin.flow would fail the subflow node"
    ),
    ("bank_balance", "balance_lookup", "not_found"): (
        "verify_pin found the caller's account moments before; only an account deleted during the call is missing"
    ),
    ("verify_pin", "count_failure", "not_found"): (
        "`check` has just found the account; only an account deleted between the two lookups is missing"
    ),
    ("verify_pin", "reset", "not_found"): (
        "`check` has just found the account; only an account deleted between the two lookups is missing"
    ),
}

# Cases that fail because the engine is wrong, not the flow or the case, as (test file, case name), and why.
# Strict as well: a listed case that passes fails the test, so that it is taken off the list when the bug is fixed.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the examples folder without its databases: flows write to their data (verify_pin counts wrong
    PINs and locks accounts), so each run starts from the CSV files and leaves the demo's data alone."""
    folder = tmp_path_factory.mktemp("flow-tests") / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.sqlite"))
    return folder


@functools.cache
def run(folder: Path, name: str) -> tuple[flowtest.TestFile, tuple[CaseResult, ...]]:
    """The cases of one test file, run once."""
    test_file = read_test_file(folder / name)
    return test_file, tuple(asyncio.run(run_test_file(test_file)))


def is_main(test_file: flowtest.TestFile) -> bool:
    """Whether a test file is named like its flow; the others test the same flow in another environment."""
    return test_file.path.name == test_file.flow_path.stem + SUFFIX


def flows_entered(results: Iterable[CaseResult]) -> set[str]:
    """The flows the calls went through: the flow under test and the subflows it called."""
    return {flow for result in results for flow, _ in result.simulation.visited}


def case_problems(name: str, results: Iterable[CaseResult]) -> list[str]:
    """Failing cases, with what did not happen; and listed failures that pass now."""
    problems = []
    for result in results:
        known = KNOWN_FAILURES.get((name, result.case.name))
        if result.passed and known:
            problems.append(f"PASSES NOW, take it off KNOWN_FAILURES: {result.case.name}")
        elif not result.passed and not known:
            problems.append(f"FAIL {result.case.name}")
            problems.extend(f"    {failure}" for failure in result.failures)
    return problems


def coverage_problems(folder: Path, flow_name: str) -> list[str]:
    """Exits of one flow that no case of any test file takes, apart from UNCOVERED; and stale UNCOVERED entries."""
    loaded = load_file(folder / f"{flow_name}.flow")
    assert loaded.flow is not None, f"{flow_name}.flow does not load"
    results = [result for name in TEST_FILES for result in run(folder, name)[1]]
    covered = coverage(
        loaded.flow,
        [visit for result in results for visit in result.simulation.visited],
        [exit for result in results for exit in result.simulation.taken],
    )
    missing = set(covered.missing_exits)
    allowed = {(node, exit) for flow, node, exit in UNCOVERED if flow == flow_name}
    return [f"{flow_name}: not covered: {node} -> {exit}" for node, exit in sorted(missing - allowed)] + [
        f"{flow_name}: UNCOVERED lists {node} -> {exit}, which a case takes (or which is not a wired exit)"
        for node, exit in sorted(allowed - missing)
    ]


@pytest.mark.parametrize("name", TEST_FILES)
def test_flow_test_file_passes_and_covers_every_exit(examples: Path, name: str) -> None:
    """Every case of a test file passes; the file named like a flow, with the other files that test that flow,
    takes every wired exit of the flow and of the subflows it calls, except those listed in UNCOVERED."""
    test_file, results = run(examples, name)
    problems = case_problems(name, results)
    if is_main(test_file):
        for flow_name in sorted(flows_entered(results)):
            problems.extend(coverage_problems(examples, flow_name))
    assert not problems, f"{name}:\n" + "\n".join(problems)


def test_every_example_flow_has_flow_tests(examples: Path) -> None:
    """Each example flow is tested by a test file named like it, or is a subflow that such a file's calls enter."""
    tested = set()
    for name in TEST_FILES:
        test_file, results = run(examples, name)
        if is_main(test_file):
            tested |= flows_entered(results)
    assert sorted(path.stem for path in EXAMPLES.glob("*.flow")) == sorted(tested)
