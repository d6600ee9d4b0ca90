"""The dashboard page: today's calls (saved simulations in the tenant's time zone), the rates as the service
computes them, the messages waiting, and the two KPIs against their 99 % and 90 % targets."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from designer_browser import Designer
from flow_service import CALLFLOW, REPOSITORY, FlowService, running_service
from playwright.sync_api import expect

HOTLINE = REPOSITORY / "examples" / "hotline_12345.flow"
TENANT_ZONE = ZoneInfo("Asia/Shanghai")
"""The examples' time zone: the dashboard's today."""


def simulate_saved(data: Path, at: str, *steps: str) -> None:
    """One hotline call through `callflow simulate --save`, its record written to the data folder."""
    inputs = [arg for step in steps for arg in ("-i", step)]
    command = [str(CALLFLOW), "simulate", str(HOTLINE), "--at", at, *inputs, "--save", "--data", str(data)]
    subprocess.run(command, check=True, capture_output=True, text=True, cwd=REPOSITORY)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlowService]:
    """A service with two calls today that hang up at the menu, and a message for the mayor from last month; the
    tenant's records kept ten years and pruned once (nothing that old to remove)."""
    data = tmp_path_factory.mktemp("callflow-data")
    with running_service(data) as running:
        today = datetime.now(TENANT_ZONE).date().isoformat()
        simulate_saved(data, f"{today}T00:10", "hangup")
        simulate_saved(data, f"{today}T00:20", "hangup")
        simulate_saved(data, "2026-11-23T11:05", "dtmf:3", "say:路灯坏了请派人修理", "dtmf:#")
        for command in (["retention", "3650", "--tenant", "default"], ["prune", "--tenant", "default"]):
            subprocess.run([str(CALLFLOW), "records", *command, "--data", str(data)], check=True, capture_output=True)
        yield running


def test_the_dashboard_shows_today_against_the_targets(designer: Designer) -> None:
    """Two calls today, no queue offered (so no service level and no agent answer rate), the connection rate met
    at 100 % against 99 %, one message waiting that opens the inbox; every figure as the service computes it."""
    page = designer.page("viewer", locale="en")
    page.get_by_test_id("nav-dashboard").click()
    board = page.request.get(f"{designer.service.url}/api/dashboard").json()
    assert board["calls"] == 2 and board["voicemail_waiting"] == 1, board
    expect(page.get_by_test_id("figure-calls")).to_contain_text("2")
    expect(page.get_by_test_id("figure-service_level")).to_contain_text("—")
    expect(page.get_by_test_id("figure-abandonment")).to_contain_text("—")
    containment = f"{board['containment']:.0%}".replace(" ", "")
    expect(page.get_by_test_id("figure-containment")).to_contain_text(containment)

    connection = page.get_by_test_id("kpi-connection_rate")
    expect(connection).to_have_attribute("data-met", "yes")
    expect(connection).to_contain_text("100%")
    expect(connection).to_contain_text("target 99%")
    answer = page.get_by_test_id("kpi-agent_answer_rate")
    expect(answer).to_have_attribute("data-met", "none")
    expect(answer).to_contain_text("target 90%")

    page.get_by_test_id("figure-voicemail_waiting").click()
    expect(page.locator("[data-testid=voicemail-table] tbody tr")).to_have_count(1)


def test_the_dashboard_speaks_chinese(designer: Designer) -> None:
    """In Chinese the KPIs are named and their targets said in Chinese."""
    page = designer.page("editor")
    page.get_by_test_id("nav-dashboard").click()
    expect(page.get_by_test_id("kpi-connection_rate")).to_contain_text("接通率")
    expect(page.get_by_test_id("kpi-agent_answer_rate")).to_contain_text("目标 90%")


def test_the_dashboard_says_how_long_records_are_kept_and_what_the_last_prune_removed(designer: Designer) -> None:
    """The retention, the service's next prune (03:30 in the tenant's time zone, its default schedule) and the last
    prune (the one run from the command line: nothing removed) as `GET /api/records/retention` answers them."""
    page = designer.page("viewer", locale="en")
    page.get_by_test_id("nav-dashboard").click()
    answer = page.request.get(f"{designer.service.url}/api/records/retention").json()
    assert answer["days"] == 3650 and answer["schedule"] == "30 3 * * *", answer
    assert answer["last_prune"]["calls"] == 0, answer
    retention = page.get_by_test_id("dashboard-retention")
    expect(retention).to_have_attribute("data-days", "3650")
    expect(retention).to_contain_text("Records are kept 3650 days.")
    expect(retention.get_by_test_id("retention-next")).to_contain_text("3:30")
    expect(retention.get_by_test_id("retention-next")).to_contain_text("(Asia/Shanghai)")
    expect(retention.get_by_test_id("retention-last")).to_contain_text(
        "0 calls, 0 voicemail messages and 0 audio files"
    )


def test_a_dashboard_left_open_shows_a_new_call_when_it_is_looked_at_again(designer: Designer) -> None:
    """A call saved while the dashboard is open is counted once the window has the focus again (and every 30 s
    while it is seen), with no click on Refresh. Last in this module: the call stays in the records."""
    page = designer.page("viewer", locale="en")
    page.get_by_test_id("nav-dashboard").click()
    calls = page.get_by_test_id("figure-calls")
    expect(calls).to_contain_text("2")
    today = datetime.now(TENANT_ZONE).date().isoformat()
    simulate_saved(designer.service.data, f"{today}T00:30", "hangup")
    page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    expect(calls).to_contain_text("3")
