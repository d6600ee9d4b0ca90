"""A subflow can be run (and flow-tested) on its own, with values for its inputs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from callflow.runtime.testing.flowtest import FlowTestError, read_test_file, run_test_file

CHECK_AGE = """flow check_age
  languages en
  inputs    age
  outputs   verdict

var verdict = ""

start: branch
  when age >= 18 -> adult
  else           -> minor

adult: set verdict = "adult" -> grown_up

minor: set verdict = "minor" -> too_young

grown_up: return ok

too_young: return refused
"""

TESTS = """cases:
  - name: an adult is accepted
    inputs: {age: 30}
    expect:
      variables: {verdict: adult}
      ended: {reason: returned, outcome: ok}
  - name: a child is refused
    inputs: {age: 9}
    expect:
      ended: {reason: returned, outcome: refused}
"""


def test_subflow_runs_alone_with_inputs_and_ends_with_its_outcome(tmp_path: Path) -> None:
    """Flow tests give a subflow its inputs; the call ends with the outcome it returns."""
    (tmp_path / "check_age.flow").write_text(CHECK_AGE, encoding="utf-8")
    (tmp_path / "check_age.test.yaml").write_text(TESTS, encoding="utf-8")
    results = asyncio.run(run_test_file(read_test_file(tmp_path / "check_age.test.yaml")))
    assert [(r.case.name, r.failures) for r in results] == [
        ("an adult is accepted", []),
        ("a child is refused", []),
    ]
    assert results[0].simulation.end["outcome"] == "ok"


def test_unknown_inputs_are_refused(tmp_path: Path) -> None:
    """A test that gives an input the flow does not declare fails with a clear message."""
    (tmp_path / "check_age.flow").write_text(CHECK_AGE, encoding="utf-8")
    (tmp_path / "check_age.test.yaml").write_text(TESTS.replace("{age: 9}", "{years: 9}"), encoding="utf-8")
    with pytest.raises(FlowTestError, match="`check_age` has no inputs years"):
        asyncio.run(run_test_file(read_test_file(tmp_path / "check_age.test.yaml")))
