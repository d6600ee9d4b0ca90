"""Reading flow-test files: checked against `schemas/flowtest.schema.json` with errors at `file:line:col`, and YAML
that cannot blow up (aliases that expand, recursion, nesting, huge numbers)."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from callflow.runtime.testing.flowtest import FlowTestError, read_test_file

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

HEAD = "flow: hotline_12345.flow\nat: 2026-11-20T10:00\n"
CASE = "cases:\n  - name: a call\n    input: [dtmf:1, hangup]\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with the hotline and its environment, to write test files beside."""
    for name in ("hotline_12345.flow", "callflow.toml"):
        shutil.copy(EXAMPLES / name, tmp_path)
    return tmp_path


def error_of(folder: Path, text: str) -> str:
    """The error reading a test file of this text."""
    path = folder / "hotline_12345.test.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FlowTestError) as caught:
        read_test_file(path)
    return str(caught.value).replace(str(path), "t.yaml")


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    """The flow-test schema itself passes the JSON Schema 2020-12 meta-schema."""
    text = resources.files("callflow.schemas").joinpath("flowtest.schema.json").read_text()
    Draft202012Validator.check_schema(json.loads(text))


def test_every_example_test_file_fits_the_schema() -> None:
    """The examples' test files read without an error."""
    for path in sorted(EXAMPLES.glob("*.test.yaml")):
        assert read_test_file(path).cases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            HEAD + "cases:\n  - name: a call\n    input: 5\n",
            "t.yaml:5:12: expected a list or nothing, found a whole number\n        input: 5\n               ^",
            id="input-5",
        ),
        pytest.param(
            "flow: hotline_12345.flow\nat: 5\n" + CASE,
            "t.yaml:2:5: expected a text, found a whole number\n    at: 5\n        ^",
            id="at-5",
        ),
        pytest.param(
            HEAD + "limit: abc\n" + CASE,
            "t.yaml:3:8: expected a number, found a text\n    limit: abc\n           ^",
            id="limit-abc",
        ),
        pytest.param(
            HEAD + "queue_position: -1\n" + CASE,
            "t.yaml:3:17: expected a number at least 0, found -1",
            id="queue-position-negative",
        ),
        pytest.param(HEAD + CASE + "    swiches: {a: on}\n", "t.yaml:4:5: unknown key `swiches`", id="unknown-key"),
        pytest.param(HEAD + "cases:\n  - input: [hangup]\n", "t.yaml:4:5: missing key `name`", id="no-name"),
        pytest.param(
            HEAD + CASE + "    switches: {emergency: maybe}\n", "t.yaml:6:27: expected on or off", id="switch"
        ),
        pytest.param(
            HEAD + CASE + "    expect: {heard: [{a: 1}]}\n", "t.yaml:6:22: expected a text or a number", id="heard"
        ),
        pytest.param(HEAD + CASE + "    expect: {reached: [1 2]}\n", "t.yaml:6:24: expected a node's id", id="reached"),
        pytest.param(
            HEAD + "limit: .nan\n" + CASE, "t.yaml:3:8: not valid YAML: .nan is not a number a test can use", id="nan"
        ),
        pytest.param(
            HEAD + "limit: " + "9" * 5000 + "\n" + CASE,
            "t.yaml:3:8: not valid YAML: this number is too large",
            id="5000-digits",
        ),
        pytest.param(HEAD + "from: !!int x\n" + CASE, "t.yaml:3:7: not valid YAML: `x` is not a int", id="bad-tag"),
        pytest.param(
            "flow: hotline_12345.flow\nat: 2026-13-45T10:00\n" + CASE,
            "t.yaml:2:5: `2026-13-45T10:00` is not an ISO date and time",
            id="at-not-a-date",
        ),
        pytest.param(
            HEAD + "cases:\n  - name: a call\n    input: [dtmf:x]\n",
            "t.yaml:5:12: `dtmf:x`: dtmf takes keys 0-9, * and #",
            id="bad-step",
        ),
        pytest.param("flow: [" * 40 + "]" * 40 + "\n" + CASE, "t.yaml:1:", id="deep"),
    ],
)
def test_a_test_file_of_the_wrong_shape_is_an_error_at_its_line_and_column(
    folder: Path, text: str, expected: str
) -> None:
    """Wrong types (`input: 5`, `at: 5`, `limit: abc` raised tracebacks), unknown keys, missing names, numbers no test
    can use and bad dates or steps are errors that quote the line, with a caret under the value."""
    assert error_of(folder, text).startswith(expected)


def test_aliases_that_expand_past_a_limit_are_refused_at_once(folder: Path) -> None:
    """600 bytes of "billion laughs" under `switches:` ran past 60 s and 1.9 GB; now they are refused in no time."""
    laughs = ["lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    laughs += [f"l{n}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]" for n in range(8)]
    text = HEAD + "switches:\n" + "".join(f"  {line}\n" for line in laughs) + CASE
    assert len(text.encode()) < 1000
    message = error_of(folder, text)
    assert message.startswith("t.yaml:")
    assert "the aliases in this file expand it to more than 100,000 values; write them out" in message


def test_an_alias_that_makes_a_value_contain_itself_is_refused(folder: Path) -> None:
    """A recursive alias would give a value that contains itself; it is refused where it is."""
    message = error_of(folder, HEAD + "switches: &s {a: *s}\n" + CASE)
    assert message.startswith("t.yaml:3:") and "contain itself" in message


def test_aliases_that_stay_small_are_fine(folder: Path) -> None:
    """An anchor used for shared steps is an ordinary YAML convenience and reads as the values it names."""
    path = folder / "hotline_12345.test.yaml"
    path.write_text(HEAD + "cases:\n  - name: a\n    input: &steps [dtmf:1, hangup]\n  - name: b\n    input: *steps\n")
    assert [case.steps for case in read_test_file(path).cases] == [("dtmf:1", "hangup"), ("dtmf:1", "hangup")]


def test_a_date_stays_text_and_is_read_as_the_call_s_moment(folder: Path) -> None:
    """`at: 2026-11-20` is a date YAML would turn into an object; it is kept as text, as a moment is written."""
    path = folder / "hotline_12345.test.yaml"
    path.write_text("flow: hotline_12345.flow\nat: 2026-11-20\n" + CASE)
    assert read_test_file(path).cases[0].options["at"] == "2026-11-20"
