"""The report pages: three hotline calls saved from `callflow simulate --save` on two November days, drawn as bar
and line charts (SVG) with the numbers worked out by hand, the period, flow and grouping controls, and the CSV
download the same as the service's."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from designer_browser import Designer
from flow_service import CALLFLOW, REPOSITORY, FlowService, running_service
from playwright.sync_api import Locator, Page, Route, expect

HOTLINE = REPOSITORY / "examples" / "hotline_12345.flow"
CALLS = (
    ("2026-11-23T10:00", "057188880001", ("dtmf:1", "agent:15", "agent-hangup:60", "dtmf:1")),
    ("2026-11-23T10:40", "01012345678", ("dtmf:5", "hangup")),
    ("2026-11-24T10:30", "13800000007", ("dtmf:2", "dtmf:2", "hangup")),
)
"""A waits 15 s for an agent (Monday), C presses a wrong key and hangs up (Monday), G hears the policy information
and hangs up (Tuesday): one call to an agent, one abandoned, one self-served."""


def simulate_saved(data: Path, at: str, caller: str, steps: tuple[str, ...]) -> None:
    """One hotline call through `callflow simulate --save`, its record written to the data folder."""
    inputs = [arg for step in steps for arg in ("-i", step)]
    command = [str(CALLFLOW), "simulate", str(HOTLINE), "--at", at, "--from", caller, *inputs, "--save"]
    subprocess.run([*command, "--data", str(data)], check=True, capture_output=True, text=True, cwd=REPOSITORY)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlowService]:
    """A service whose records hold the three calls."""
    data = tmp_path_factory.mktemp("callflow-data")
    with running_service(data) as running:
        for at, caller, steps in CALLS:
            simulate_saved(data, at, caller, steps)
        yield running


def open_report(designer: Designer, name: str) -> Page:
    """The report's page in English, asked for the two days."""
    page = designer.page("viewer", locale="en")
    page.get_by_test_id("nav-reports").click()
    page.get_by_test_id(f"report-tab-{name}").click()
    expect(page.locator(f"[data-testid=reports][data-report={name}]")).to_be_visible()
    page.get_by_test_id("report-from").fill("2026-11-23")
    page.get_by_test_id("report-to").fill("2026-11-24")
    expect(page.get_by_test_id("report-scope")).to_contain_text("2026-11-23 to 2026-11-24")
    return page


def chart_data(chart: Locator) -> tuple[list[str], dict[str, list[float]]]:
    """The axis and the series a chart was drawn from."""
    series = json.loads(chart.get_attribute("data-series") or "[]")
    return json.loads(chart.get_attribute("data-axis") or "[]"), {s["name"]: s["values"] for s in series}


def test_the_ivr_report_charts_the_outcomes_per_day(designer: Designer) -> None:
    """The bar chart counts one call each to an agent, abandoned and self-served; the line chart draws them on
    Monday and Tuesday; containment is one call in three; both charts are drawn as SVG."""
    page = open_report(designer, "ivr")
    expect(page.get_by_test_id("summary-containment")).to_contain_text("33.3%")
    bar = page.get_by_test_id("report-bar")
    expect(bar.locator("svg path").first).to_be_attached()
    axis, series = chart_data(bar)
    outcomes = dict(zip(axis, series["calls"], strict=True))
    assert outcomes == {"self_served": 1, "agent": 1, "voicemail": 0, "transferred": 0, "abandoned": 1, "fallback": 0}
    expect(bar).to_contain_text("Self-served")

    line = page.get_by_test_id("report-line")
    expect(line.locator("svg path").first).to_be_attached()
    days, per_day = chart_data(line)
    assert days == ["2026-11-23", "2026-11-24"]
    assert (per_day["agent"], per_day["abandoned"], per_day["self_served"]) == ([1, 0], [1, 0], [0, 1])


def test_the_controls_group_filter_and_download_csv(designer: Designer) -> None:
    """Per week the calls fall in one period (Monday 23rd); another flow has no calls; the CSV download is the
    service's CSV for the same question."""
    page = open_report(designer, "calls")
    expect(page.locator("[data-testid=report-table] tbody tr")).to_have_count(2)
    page.get_by_test_id("report-by").select_option("week")
    expect(page.locator("[data-testid=report-table] tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("summary-calls")).to_contain_text("3")
    days, per_week = chart_data(page.get_by_test_id("report-line"))
    assert days == ["2026-11-23"] and per_week == {"hotline_12345 · 12345": [3]}

    with page.expect_download() as download:
        page.get_by_test_id("report-csv").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    asked = "from=2026-11-23&to=2026-11-24&by=week&format=csv"
    assert saved == page.request.get(f"{designer.service.url}/api/reports/calls?{asked}").text()
    assert "hotline_12345" in saved and download.value.suggested_filename.endswith(".csv")

    page.get_by_test_id("report-flow").select_option("bank_balance")
    expect(page.get_by_test_id("report-empty")).to_be_visible()
    expect(page.get_by_test_id("summary-calls")).to_contain_text("0")


def test_the_queues_report_shows_the_answer_rate_against_its_target_in_chinese(designer: Designer) -> None:
    """In Chinese the queues page names its figures in Chinese and shows the one call offered (to the local
    callers' queue) and answered."""
    page = designer.page("editor")
    page.goto(f"{designer.service.url}/#/reports/queues")
    page.get_by_test_id("report-from").fill("2026-11-23")
    page.get_by_test_id("report-to").fill("2026-11-24")
    expect(page.get_by_test_id("summary-answer_rate")).to_contain_text("接听率")
    expect(page.get_by_test_id("summary-answer_rate")).to_contain_text("100%")
    axis, series = chart_data(page.get_by_test_id("report-bar"))
    assert axis == ["hotline-local"] and (series["offered"], series["answered"]) == ([1], [1])


TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def test_a_late_answer_to_an_earlier_question_does_not_replace_the_newer_one(designer: Designer) -> None:
    """Grouped per month, then per week before the month's answer is back: the week's answer is shown, and the
    month's, arriving last, is dropped (the page shows the question on it, not the slowest answer)."""
    page = open_report(designer, "calls")
    expect(page.locator("[data-testid=report-table] tbody tr")).to_have_count(2)
    held: list[Route] = []
    page.route(re.compile(r"/api/reports/calls\?.*by=month"), lambda route: held.append(route))
    page.get_by_test_id("report-by").select_option("month")
    page.get_by_test_id("report-by").select_option("week")
    expect(page.locator("[data-testid=report-table] tbody tr")).to_have_count(1)
    assert chart_data(page.get_by_test_id("report-line"))[0] == ["2026-11-23"]
    assert len(held) == 1
    with page.expect_event("requestfinished", lambda request: "by=month" in request.url):
        held[0].continue_()
    page.evaluate(TWO_FRAMES)
    assert chart_data(page.get_by_test_id("report-line"))[0] == ["2026-11-23"]
    expect(page.get_by_test_id("report-by")).to_have_value("week")
