"""`callflow diff OLD NEW [--format text|json] [--tests FILE]`: exit status like diff, clear errors, affected tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from callflow.runtime.testing.diff_command import diff
from callflow.runtime.testing.flowtest import read_test_file

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
POLICY = "办理居住证请携带身份证和租房合同到所在街道办事处。"


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    """The hotline as it is (in a copy of the examples folder) and a new version elsewhere with another policy text."""
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.sqlite"))
    new = tmp_path / "proposed" / "hotline_12345.flow"
    new.parent.mkdir()
    new.write_text(
        EXAMPLES.joinpath("hotline_12345.flow").read_text("utf-8").replace(POLICY, "请到街道办事处。"), "utf-8"
    )
    return folder / "hotline_12345.flow", new


def test_the_tests_whose_call_changes_are_listed_with_the_caller_s_experience(versions: tuple[Path, Path]) -> None:
    """With --tests, each case whose call goes differently is listed, with what the caller hears now; exit 1."""
    old, new = versions
    tests = old.with_name("hotline_12345.test.yaml")
    result = CliRunner().invoke(diff, [str(old), str(new), "--tests", str(tests)])
    assert result.exit_code == 1
    assert result.output.startswith("hotline_12345: 1 prompt changed\n")
    assert f"      - hears {POLICY}\n      + hears 请到街道办事处。\n" in result.output
    case = "self-service: 2, the policy information, then this menu again"
    assert f"  {case}  [experience, duration, result]  passes → fails\n" in result.output


def test_docs_show_the_listed_cases_as_the_cli_prints_them(versions: tuple[Path, Path]) -> None:
    """The `--tests` example in docs/diff.md (the same edit) is what the command prints, the file's path aside."""
    old, new = versions
    tests = old.with_name("hotline_12345.test.yaml")
    output = CliRunner().invoke(diff, [str(old), str(new), "--tests", str(tests)]).output
    docs = (EXAMPLES.parent / "docs" / "diff.md").read_text(encoding="utf-8")
    (example,) = [b.split("```")[0] for b in docs.split("```text\n") if b.startswith("test cases whose call")]
    assert example.replace("examples/hotline_12345.test.yaml", str(tests)) in output


def test_json_lists_the_cases_run_and_those_that_changed(versions: tuple[Path, Path]) -> None:
    """`--format json` gives the diff, how many cases ran and the changed ones, each with both calls."""
    old, new = versions
    tests = old.with_name("hotline_12345.test.yaml")
    result = CliRunner().invoke(diff, ["--format", "json", str(old), str(new), "--tests", str(tests)])
    data = json.loads(result.output)
    assert data["cases_run"] == len(read_test_file(tests).cases)
    assert data["cases"] and all(case["file"] == str(tests) for case in data["cases"])
    assert all(any(POLICY in line for line in case["old"]["experience"]) for case in data["cases"])
    assert {"name", "differs", "old", "new", "file"} == set(data["cases"][0])
    assert data["diff"]["prompts"][0]["id"] == "policy" and result.exit_code == 1


def test_the_same_flow_with_tests_exits_0(versions: tuple[Path, Path]) -> None:
    """No difference and no case going differently: exit status 0, and the count of cases that ran."""
    old, _ = versions
    tests = old.with_name("hotline_12345.test.yaml")
    result = CliRunner().invoke(diff, [str(old), str(old), "--tests", str(tests)])
    count = len(read_test_file(tests).cases)
    assert (
        result.output
        == f"hotline_12345: no differences\n\ntest cases whose call goes differently ({tests}): none of {count}\n"
    )
    assert result.exit_code == 0


def test_a_flow_with_a_syntax_error_is_trouble(tmp_path: Path) -> None:
    """A side that cannot be read: its problems with file:line:col and a caret, exit status 2, no traceback."""
    bad = tmp_path / "bad.flow"
    bad.write_text("flow bad\n\nstart: say hello ->\n", encoding="utf-8")
    result = CliRunner().invoke(diff, [str(EXAMPLES / "hotline_12345.flow"), str(bad)])
    assert result.exit_code == 2
    assert f"callflow: error: {bad} has errors; fix them first:\n{bad}:3:" in result.output
    assert "^" in result.output and "Traceback" not in result.output


def test_a_test_file_that_cannot_be_read_is_trouble(tmp_path: Path) -> None:
    """A --tests file that is not a test file: a clear message and exit status 2."""
    tests = tmp_path / "x.test.yaml"
    tests.write_text("cases: {not: a list}\n", encoding="utf-8")
    flow = str(EXAMPLES / "hotline_12345.flow")
    result = CliRunner().invoke(diff, [flow, flow, "--tests", str(tests)])
    assert (result.exit_code, result.output) == (
        2,
        f"callflow: error: {tests}:1:8: expected a list, found a mapping\n    cases: {{not: a list}}\n           ^\n",
    )


def test_a_missing_file_is_trouble(tmp_path: Path) -> None:
    """A side that does not exist: click's usage error, exit status 2."""
    result = CliRunner().invoke(diff, [str(EXAMPLES / "hotline_12345.flow"), str(tmp_path / "nope.flow")])
    assert result.exit_code == 2 and "does not exist" in result.output
