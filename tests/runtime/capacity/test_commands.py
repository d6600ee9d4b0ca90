"""`callflow load` on the command line: tables, JSON, the report, staffing files, and clear errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from callflow.runtime.capacity.commands import load as load_command

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
HOTLINE = str(EXAMPLES / "hotline_12345.flow")
MIX = str(EXAMPLES / "load" / "hotline-callers.yaml")
MONDAY = str(EXAMPLES / "load" / "hotline-monday.csv")
STAFFING = str(EXAMPLES / "load" / "hotline-monday-staffing.csv")
BUSY_HOUR = ["--calls-per-hour", "600", "--duration", "30m", "--start", "2026-11-23T10:00"]
AGENTS = ["--agents", "hotline=12,hotline-local=4", "--aht", "240", "--patience", "120", "--callers", MIX]


def load(*arguments: str) -> tuple[int, str]:
    """Run `callflow load` with these arguments; the exit code and what it printed (errors included)."""
    result = CliRunner().invoke(load_command, list(arguments), catch_exceptions=False)
    return result.exit_code, result.output


def test_the_table_gives_calls_queues_and_traffic() -> None:
    """Outcomes, each queue per interval with the day's total, and the traffic through every node."""
    code, output = load(HOTLINE, *BUSY_HOUR, *AGENTS)
    assert code == 0, output
    assert re.search(r"hotline_12345: \d+ calls from Mon 2026-11-23 10:00 \(Asia/Shanghai\) for 30 min", output)
    assert "Queue hotline (handling exp 240 s)" in output and "Queue hotline-local" in output
    assert re.search(r"^  day +12 ", output, flags=re.M)
    assert re.search(r"^    main_menu +[\d,]+ +key 1 ", output, flags=re.M)


def test_json_is_the_result_object() -> None:
    """`--format json` prints the result as one JSON document, the same seed giving the same one."""
    code, output = load(HOTLINE, *BUSY_HOUR, *AGENTS, "--format", "json", "--seed", "5")
    assert code == 0, output
    result = json.loads(output)
    assert result["asked"]["seed"] == 5 and result["asked"]["queues"]["hotline"]["agents"] == 12
    assert sum(result["calls"]["outcomes"].values()) == result["calls"]["arrived"]
    assert load(HOTLINE, *BUSY_HOUR, *AGENTS, "--format", "json", "--seed", "5")[1] == output


def test_the_report_is_one_page_that_needs_nothing_else(tmp_path: Path) -> None:
    """`--report` writes HTML with its charts inline as SVG: no script, no file or address to fetch."""
    page = tmp_path / "load.html"
    code, output = load(HOTLINE, *BUSY_HOUR, *AGENTS, "--report", str(page))
    assert code == 0, output
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 6
    assert "<script" not in html and not re.search(r"""(src|href)=["']?(https?:|//|file:)""", html)
    assert "Queue hotline-local" in html and "Service level per interval" in html


def test_find_agents_prints_the_agents_per_interval_and_saves_them_for_a_run(tmp_path: Path) -> None:
    """`--find-agents` gives agents per interval beside Erlang C; `--save-staffing` writes them for `--staffing`."""
    staffing = tmp_path / "staffing.csv"
    arguments = [HOTLINE, *BUSY_HOUR, "--agents", "hotline-local=6", "--aht", "240", "--callers", MIX]
    page = tmp_path / "staffing.html"
    code, output = load(
        *arguments,
        "--find-agents",
        "hotline",
        "--save-staffing",
        str(staffing),
        "--interval",
        "15m",
        "--report",
        str(page),
    )
    assert code == 0, output
    assert "Agents for hotline to answer 80 % within 20 s: met in every interval" in output
    assert "Agents for hotline</h2>" in page.read_text(encoding="utf-8")
    rows = staffing.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "start,hotline" and len(rows) == 3
    code, again = load(*arguments, "--staffing", str(staffing), "--interval", "15m", "--format", "json")
    assert code == 0, again
    found = [int(row.split(",")[1]) for row in rows[1:]]
    assert json.loads(again)["asked"]["queues"]["hotline"]["agents"] == (found if len(set(found)) > 1 else found[0])


def test_compare_shows_both_flows_and_the_difference(tmp_path: Path) -> None:
    """`--compare` runs the same calls through another flow and prints first, second and difference."""
    other = tmp_path / "hotline_12345.flow"
    other.write_text(Path(HOTLINE).read_text(encoding="utf-8").replace("offer_after    180s", "offer_after    60s"))
    (tmp_path / "callflow.toml").write_text((EXAMPLES / "callflow.toml").read_text(encoding="utf-8"))
    page = tmp_path / "compare.html"
    code, output = load(HOTLINE, *BUSY_HOUR, *AGENTS, "--compare", str(other), "--report", str(page))
    assert code == 0, output
    assert "<h2>The second flow</h2>" in page.read_text(encoding="utf-8")
    took = re.search(r"^  took the offer +(\d+) +(\d+) +([+-]\d+|\+0)", output, flags=re.M)
    assert took is not None and int(took.group(2)) > int(took.group(1))  # offered sooner, taken more often


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            [HOTLINE, "--aht", "240"],
            "give either calls_per_hour (--calls-per-hour N) or arrivals (--arrivals PROFILE.csv)",
        ),
        ([HOTLINE, *BUSY_HOUR, "--aht", "240"], "waits in hotline-local, hotline: give their agents (--agents"),
        ([HOTLINE, *BUSY_HOUR, "--agents", "hotline=3,hotline-local=1"], "give the average handling time (aht, --aht"),
        ([HOTLINE, *BUSY_HOUR, *AGENTS, "--agents", "nowhere=3"], "nowhere: the flow waits in no such queue"),
        ([HOTLINE, *BUSY_HOUR, *AGENTS, "--aht-dist", "gamma"], "`gamma` is not a distribution"),
        ([HOTLINE, *BUSY_HOUR, *AGENTS, "--target", "80"], "is not a service-level target"),
        ([HOTLINE, "--arrivals", MIX, *AGENTS], "the header needs a time column"),
        ([HOTLINE, "--calls-per-hour", "10", "--duration", "soon", *AGENTS], "`soon` is not a duration"),
        ([HOTLINE, *BUSY_HOUR, *AGENTS, "--start", "Monday"], "start: 'Monday' is not an ISO date"),
        ([HOTLINE, *BUSY_HOUR, *AGENTS, "--limit", "nan"], "a call's time limit is above 0 and at most a day"),
        ([HOTLINE, *BUSY_HOUR, *AGENTS, "--limit", "0"], "a call's time limit is above 0 and at most a day"),
        ([HOTLINE, *BUSY_HOUR, *AGENTS, "--sl-target", "nan"], "the seconds of a service level are 0 or more"),
        (
            [HOTLINE, *BUSY_HOUR, *AGENTS, "--interval", "15m", "--staffing", STAFFING],
            "a count, or one per interval (2 at",
        ),
        ([HOTLINE, "--calls-per-hour", "inf", *AGENTS], "calls per hour must be a positive number"),
        ([HOTLINE, *BUSY_HOUR, *AGENTS, "--patience", "nan"], "patience: the mean must be a positive number"),
    ],
)
def test_mistakes_are_refused_with_a_clear_message(arguments: list[str], message: str) -> None:
    """Bad options end with a message and exit code 2 or 1, never a traceback."""
    code, output = load(*arguments)
    assert code in (1, 2) and message in output, output
    assert "Traceback" not in output


def test_a_monday_profile_runs_on_the_calendar() -> None:
    """A profile of half hours placed on a Monday: before nine and after half past five the hotline is closed, so
    every caller then reaches the mailbox and no queue."""
    code, output = load(
        HOTLINE,
        "--arrivals",
        MONDAY,
        "--start",
        "2026-11-23",
        "--duration",
        "2h30m",
        *AGENTS,
        "--format",
        "json",
        "--interval",
        "1h",
    )
    assert code == 0, output
    result = json.loads(output)
    early = [row for row in result["intervals"] if row["start"].startswith("2026-11-23T0")]
    assert [row["start"][11:16] for row in early] == ["07:00", "08:00", "09:00"]
    assert all(row["outcomes"]["voicemail"] == row["arrived"] for row in early[:2])
    assert early[2]["outcomes"]["answered"] > 0
