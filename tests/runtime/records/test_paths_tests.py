"""`callflow report paths --tests`: the heat map's numbers beside the flow's test coverage, worked out by hand for a
small line whose tests take key 1 and the menu's failure while callers take key 2 three times and key 1 once."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner
from counter_line import FLOW, SUITE

from callflow.flowlang.cli import COMMANDS_GROUP, cli

NOVEMBER = ["--from", "2026-11-01", "--to", "2026-11-30"]


@pytest.fixture
def run() -> CliRunner:
    """A runner with every installed command."""
    for entry in entry_points(group=COMMANDS_GROUP):
        cli.add_command(entry.load(), entry.name)
    return CliRunner()


@pytest.fixture
def data(run: CliRunner, tmp_path: Path) -> Path:
    """The line and its tests imported as drafts; four calls of the flow file saved (version 0)."""
    source = tmp_path / "line"
    source.mkdir()
    (source / "counter_line.flow").write_text(FLOW, encoding="utf-8")
    (source / "counter_line.test.yaml").write_text(SUITE, encoding="utf-8")
    folder = tmp_path / "data"
    imported = run.invoke(cli, ["import", str(source), "--data", str(folder)])
    assert imported.exit_code == 0, imported.output
    for key in ("2", "2", "2", "1"):
        steps = ["--at", "2026-11-23T10:00", "-i", f"dtmf:{key}", "--save", "--data", str(folder)]
        saved = run.invoke(cli, ["simulate", str(source / "counter_line.flow"), *steps])
        assert saved.exit_code == 0, saved.output
    return folder


def test_paths_with_tests_adds_the_cases_per_row_and_counts_what_callers_take_untested(
    run: CliRunner, data: Path
) -> None:
    """Called: main, ask, complain, bye and key 1, key 2, both `next`s (8); untested among them: complain, key 2
    and complain's `next` (3); tested and taken by no caller: the menu's `failed` (1 exit)."""
    args = ["report", "paths", "--flow", "counter_line", "--tests", "--data", str(data), *NOVEMBER]
    answer = run.invoke(cli, [*args, "--format", "json"])
    assert answer.exit_code == 0, answer.output
    report = json.loads(answer.stdout)
    assert report["columns"][-1] == "tested"
    tested = {(r["node"], r["exit"]): (r["calls"] or r["taken"], r["tested"]) for r in report["rows"]}
    assert tested[("complain", "")] == (3, 0)
    assert tested[("main", "key 2")] == (3, 0)
    assert tested[("complain", "next")] == (3, 0)
    assert tested[("main", "key 1")] == (1, 1)
    assert tested[("main", "")] == (4, 2)
    assert tested[("bye", "")] == (4, 2)
    summary = report["summary"]
    assert (summary["tests_on"], summary["cases"], summary["failed"]) == (0, 2, 0)
    assert (summary["called"], summary["tested"], summary["untested"]) == (8, 5, 3)
    assert (summary["tested_uncalled_nodes"], summary["tested_uncalled_exits"]) == (0, 1)

    table = run.invoke(cli, args)
    assert table.exit_code == 0, table.output
    assert "flow counter_line v0" in table.stdout and "untested: 3" in table.stdout


def test_tests_need_a_flow_the_tenant_has_and_the_paths_report(run: CliRunner, data: Path) -> None:
    """`--tests` without `--flow`, with a flow the tenant does not have, or with another report, is refused with a
    message, never a traceback."""
    no_flow = run.invoke(cli, ["report", "paths", "--tests", "--data", str(data), *NOVEMBER])
    assert no_flow.exit_code != 0 and "--tests needs --flow" in no_flow.output
    unknown = run.invoke(cli, ["report", "paths", "--flow", "nosuch", "--tests", "--data", str(data), *NOVEMBER])
    assert unknown.exit_code == 2 and "--tests:" in unknown.output and "nosuch" in unknown.output, unknown.output
    assert unknown.exception is None or isinstance(unknown.exception, SystemExit), unknown.exception
    other = run.invoke(cli, ["report", "ivr", "--flow", "counter_line", "--tests", "--data", str(data)])
    assert other.exit_code != 0 and "--tests goes with the paths report" in other.output
