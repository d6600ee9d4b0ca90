"""Golden files of the flow language: good flows round-trip exactly, bad flows fail with the expected messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from callflow.flowlang.check.files import check_file
from callflow.flowlang.cli import cli
from callflow.flowlang.diagnostics import CODES
from callflow.flowlang.environment import FILENAME, find_environment
from callflow.flowlang.loader import Loaded, dump, load_file
from callflow.flowlang.registry import default_registry

GOLDEN = Path(__file__).parent / "golden"
GOOD = GOLDEN / "good"
BAD = GOLDEN / "bad"

GOOD_FLOWS = sorted(GOOD.glob("*.flow"))
CALLEES = {"member_check.flow"}
"""Well-formed flows in bad/ that the subflow_* bad files call."""
BAD_FLOWS = sorted(p for p in [*BAD.glob("*.flow"), *BAD.glob("*.flow.json")] if p.name not in CALLEES)


def ids(paths: list[Path]) -> list[str]:
    return [path.name for path in paths]


def name_of(path: Path) -> str:
    """A flow file's name without `.flow` or `.flow.json`."""
    return path.name.removesuffix(".json").removesuffix(".flow")


def loaded_ok(path: Path) -> Loaded:
    loaded = load_file(path)
    assert loaded.ok, "\n".join(p.render() for p in loaded.problems)
    assert loaded.flow is not None
    return loaded


# ---------------------------------------------------------------- good files


@pytest.mark.parametrize("path", GOOD_FLOWS, ids=ids(GOOD_FLOWS))
def test_good_flow_prints_back_byte_for_byte(path: Path) -> None:
    """A canonical `.flow` file is parsed and printed back unchanged, comments and all."""
    loaded = loaded_ok(path)
    assert dump(loaded.flow, "dsl") == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", GOOD_FLOWS, ids=ids(GOOD_FLOWS))
def test_good_flow_converts_to_the_committed_json(path: Path) -> None:
    """A `.flow` file converts to exactly the `.flow.json` committed next to it."""
    loaded = loaded_ok(path)
    assert dump(loaded.flow, "json") == path.with_name(path.name + ".json").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", GOOD_FLOWS, ids=ids(GOOD_FLOWS))
def test_committed_json_converts_back_to_the_flow(path: Path) -> None:
    """A committed `.flow.json` converts back to exactly its `.flow` file."""
    loaded = loaded_ok(path.with_name(path.name + ".json"))
    assert dump(loaded.flow, "dsl") == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", GOOD_FLOWS, ids=ids(GOOD_FLOWS))
def test_committed_json_is_canonical(path: Path) -> None:
    """A committed `.flow.json` is read and written back unchanged."""
    json_path = path.with_name(path.name + ".json")
    loaded = loaded_ok(json_path)
    assert dump(loaded.flow, "json") == json_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", GOOD_FLOWS, ids=ids(GOOD_FLOWS))
def test_good_flow_passes_the_strict_check(path: Path) -> None:
    """A good flow has no problem at all, not even a warning, against the good folder's environment."""
    assert find_environment(path) == GOOD / FILENAME
    report = check_file(path)
    assert [p.render() for p in report.problems] == []


def test_good_flows_and_their_json_come_in_pairs() -> None:
    """Every good `.flow` has a committed `.flow.json`, and every `.flow.json` a `.flow`."""
    json_names = {path.name for path in GOOD.glob("*.flow.json")}
    assert json_names == {path.name + ".json" for path in GOOD_FLOWS}
    assert len(GOOD_FLOWS) >= 12


def test_good_flows_use_every_node_type() -> None:
    """Together the good flows use every installed node type."""
    used = {node.type for path in GOOD_FLOWS for node in loaded_ok(path).flow.nodes}
    assert used == set(default_registry())


def test_good_flows_keep_comments_in_every_place() -> None:
    """The good flows carry comments on the flow, header, variable, prompt, node, parameter, exit and layout lines."""
    keys: set[str] = set()
    for path in GOOD_FLOWS:
        flow = loaded_ok(path).flow
        keys |= {f"flow:{key or 'line'}" for key in flow.comments}
        keys |= {"variable" for v in flow.variables if v.comments}
        keys |= {f"prompt:{key or 'line'}" for p in flow.prompts for key in p.comments}
        keys |= {f"node:{key.split(':')[0] if key else 'line'}" for n in flow.nodes for key in n.comments}
        keys |= {"end of file"} if flow.trailing_comments else set()
    expected = {"flow:line", "flow:title", "flow:languages", "flow:global_key 9", "flow:layout", "variable"}
    expected |= {"prompt:line", "prompt:zh-CN", "prompt:file", "node:line", "node:timeout_s", "node:exit"}
    assert expected | {"end of file"} <= keys


# ---------------------------------------------------------------- bad files


@pytest.mark.parametrize("path", BAD_FLOWS, ids=ids(BAD_FLOWS))
def test_bad_file_fails_the_check_with_the_expected_output(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`callflow check --strict` on a bad file prints exactly its `.err` file and exits 1."""
    monkeypatch.chdir(BAD)
    result = CliRunner().invoke(cli, ["check", "--strict", path.name])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == (BAD / f"{name_of(path)}.err").read_text(encoding="utf-8")
    assert result.exit_code == 1


@pytest.mark.parametrize("path", BAD_FLOWS, ids=ids(BAD_FLOWS))
def test_bad_file_has_one_mistake(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check_file` finds one or two problems in a bad file, rendered as its `.err` file shows them."""
    monkeypatch.chdir(BAD)
    report = check_file(Path(path.name))
    expected = (BAD / f"{name_of(path)}.err").read_text(encoding="utf-8").splitlines()[:-1]
    assert "\n".join(p.render() for p in report.problems).splitlines() == expected
    assert 1 <= len(report.problems) <= 2


def test_bad_files_and_err_files_come_in_pairs() -> None:
    """Every bad flow has an `.err` file, and every `.err` file a bad flow."""
    assert {name_of(path) for path in BAD_FLOWS} == {path.stem for path in BAD.glob("*.err")}
    assert len(BAD_FLOWS) >= 30


def test_bad_files_cover_every_code_a_file_can_produce() -> None:
    """Each diagnostic code appears in some `.err` file, except W402 (tested below) and codes not produced yet."""
    found = {code for path in BAD.glob("*.err") for code in re.findall(r"\[([EW]\d{3})\]", path.read_text("utf-8"))}
    assert found == set(CODES) - {"W402"}


def test_flow_without_an_environment_warns_that_resources_are_unchecked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flow that names a resource, with no callflow.toml next to it or above it, gets W402 at its header."""
    flow = tmp_path / "no_environment.flow"
    flow.write_text("flow no_environment\n\nwait: queue support\n  done -> bye\n\nbye: hangup\n", encoding="utf-8")
    assert find_environment(flow) is None
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--strict", "no_environment.flow"])
    assert result.stdout == (
        "no_environment.flow:1:1: warning[W402]: no callflow.toml was found next to the flow or above it,"
        " so resource names are not checked\n"
        "    flow no_environment\n"
        "    ^\n"
        "1 file checked: 0 errors, 1 warning\n"
    )
    assert result.exit_code == 1
