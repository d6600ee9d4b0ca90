"""Golden pairs of flows: each pair's diff is exactly its committed JSON and text, through the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from callflow.flowlang.check.files import check_file
from callflow.flowlang.diff import diff_flows
from callflow.flowlang.loader import load_file
from callflow.flowlang.model import Flow
from callflow.flowlang.registry import default_registry
from callflow.runtime.testing.diff_command import diff

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "diff"
PAIRS = sorted(path for path in GOLDEN.iterdir() if path.is_dir())


def side(pair: Path, name: str) -> Path:
    """The pair's `old` or `new` flow, written as `.flow` or `.flow.json`."""
    (found,) = [p for p in pair.iterdir() if p.name in (f"{name}.flow", f"{name}.flow.json")]
    return found


def flow_of(path: Path) -> Flow:
    loaded = load_file(path)
    assert loaded.ok and loaded.flow is not None, [p.render() for p in loaded.problems]
    return loaded.flow


@pytest.mark.parametrize("pair", PAIRS, ids=[p.name for p in PAIRS])
def test_pair_diffs_to_its_committed_json(pair: Path) -> None:
    """`diff_flows(old, new).to_json()` is exactly the pair's `diff.json`."""
    difference = diff_flows(flow_of(side(pair, "old")), flow_of(side(pair, "new")), default_registry())
    expected = (pair / "diff.json").read_text(encoding="utf-8")
    assert json.dumps(difference.to_json(), ensure_ascii=False, indent=2) + "\n" == expected


@pytest.mark.parametrize("pair", PAIRS, ids=[p.name for p in PAIRS])
def test_pair_diffs_to_its_committed_text(pair: Path) -> None:
    """`diff_flows(old, new).to_text()` is exactly the pair's `diff.txt`."""
    difference = diff_flows(flow_of(side(pair, "old")), flow_of(side(pair, "new")), default_registry())
    assert difference.to_text() == (pair / "diff.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("pair", PAIRS, ids=[p.name for p in PAIRS])
def test_cli_prints_the_pair_and_exits_like_diff(pair: Path) -> None:
    """`callflow diff OLD NEW` prints the text, `--format json` the JSON; exit 0 when the same, else 1."""
    old, new = str(side(pair, "old")), str(side(pair, "new"))
    text = CliRunner().invoke(diff, [old, new])
    as_json = CliRunner().invoke(diff, ["--format", "json", old, new])
    assert text.output == (pair / "diff.txt").read_text(encoding="utf-8")
    assert json.loads(as_json.output) == {"diff": json.loads((pair / "diff.json").read_text(encoding="utf-8"))}
    expected_status = 0 if json.loads(as_json.output)["diff"]["same"] else 1
    assert (text.exit_code, as_json.exit_code) == (expected_status, expected_status)


@pytest.mark.parametrize("pair", PAIRS, ids=[p.name for p in PAIRS])
def test_pair_flows_pass_the_strict_check(pair: Path) -> None:
    """Both flows of a pair are clean, so each pair shows a real edit of a working flow."""
    for name in ("old", "new"):
        assert [p.render() for p in check_file(side(pair, name)).problems] == []


def test_pairs_cover_each_kind_of_change() -> None:
    """The golden pairs show a prompt change, a rewire, a rename, layout only, header, add/remove and a parameter."""
    statuses: set[str] = set()
    seen: set[str] = set()
    for pair in PAIRS:
        data = json.loads((pair / "diff.json").read_text(encoding="utf-8"))
        statuses |= {node["status"] for node in data["nodes"]}
        seen |= {"prompt"} if data["prompts"] else set()
        seen |= {"header"} if data["header"] else set()
        seen |= {"layout only"} if data["layout"] and data["logic_same"] else set()
        seen |= {"parameter"} if any(n["params"] and n["status"] == "changed" for n in data["nodes"]) else set()
        seen |= {"same"} if data["same"] else set()
    assert {"added", "removed", "rewired", "renamed", "changed"} <= statuses
    assert {"prompt", "header", "layout only", "parameter", "same"} <= seen


def test_docs_show_a_golden_pair_as_the_cli_prints_it() -> None:
    """The text example in docs/diff.md is exactly the `added_and_removed` pair's diff."""
    docs = (GOLDEN.parents[3] / "docs" / "diff.md").read_text(encoding="utf-8")
    (example,) = [b for b in docs.split("```text\n")[1:] if b.startswith("library_line:")]
    assert example.split("```")[0] == (GOLDEN / "added_and_removed" / "diff.txt").read_text(encoding="utf-8")


def test_docs_json_example_has_the_shape_of_the_diff() -> None:
    """The JSON example in docs/diff.md has the keys `to_json()` gives, at the top and in each kind of entry."""
    docs = (GOLDEN.parents[3] / "docs" / "diff.md").read_text(encoding="utf-8")
    example = json.loads(docs.split("```json\n")[1].split("```")[0])
    real = json.loads((GOLDEN / "added_and_removed" / "diff.json").read_text(encoding="utf-8"))
    assert list(example) == list(real) and list(example["summary"]) == list(real["summary"])
    assert example["summary"]["nodes"].keys() == real["summary"]["nodes"].keys()
    for entry in example["nodes"]:
        assert {"id", "status", "type", "params", "exits"} <= set(entry)
