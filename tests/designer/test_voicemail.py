"""The voicemail inbox page: messages left by simulated calls (`callflow simulate --save`) and one with real audio,
filtered by mailbox and state, played in the browser, marked handled with a note by an editor, shown masked to a
viewer who may only listen, and deleted by an admin."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from designer_browser import Designer
from flow_service import CALLFLOW, REPOSITORY, FlowService, running_service
from playwright.sync_api import Page, expect

from callflow.runtime.call_record import CallOrigin
from callflow.runtime.service.records import RecordBook

HOTLINE = REPOSITORY / "examples" / "hotline_12345.flow"
LEFT_FOR_THE_MAYOR = (
    ("2026-11-23T11:05", "13800000004", ("dtmf:3", "say:路灯坏了请派人修理", "dtmf:#")),
    ("2026-11-24T18:00", "13800000005", ("say:小区门口的路灯坏了", "dtmf:#")),
)
CLINIC_CALLER = "057188881234"
PLAYER_HAS_SECONDS_OF_AUDIO = (
    "() => { const a = document.querySelector('[data-testid=voicemail-audio]');"
    " return a !== null && a.readyState >= 1 && a.duration > 1; }"
)


def simulate_saved(data: Path, at: str, caller: str, steps: tuple[str, ...]) -> None:
    """One hotline call through `callflow simulate --save`, its record written to the data folder."""
    inputs = [arg for step in steps for arg in ("-i", step)]
    command = [str(CALLFLOW), "simulate", str(HOTLINE), "--at", at, "--from", caller, *inputs, "--save"]
    subprocess.run([*command, "--data", str(data)], check=True, capture_output=True, text=True, cwd=REPOSITORY)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlowService]:
    """A service whose inbox holds two simulated messages for the mayor and one spoken message for the clinic."""
    data = tmp_path_factory.mktemp("callflow-data")
    with running_service(data) as running:
        for at, caller, steps in LEFT_FOR_THE_MAYOR:
            simulate_saved(data, at, caller, steps)
        audio = tmp_path_factory.mktemp("audio") / "message.wav"
        subprocess.run(["espeak-ng", "-v", "cmn", "-w", str(audio), "我想预约下周的门诊"], check=True)
        book = RecordBook(data)
        message = {"mailbox": "clinic", "caller": CLINIC_CALLER, "time": "2026-11-25T09:30:00+08:00"}
        origin = CallOrigin("default", "clinic", 1, "live")
        book.voicemail(origin, {**message, "seconds": 3.0, "language": "zh-CN", "call_id": "vm-1", "file": str(audio)})
        assert book.flush(60)
        book.close()
        yield running


def open_inbox(designer: Designer, user: str, timezone_id: str | None = None) -> Page:
    """The inbox page, logged in as `user`, in English."""
    page = designer.page(user, locale="en", timezone_id=timezone_id)
    page.get_by_test_id("nav-voicemail").click()
    expect(page.get_by_test_id("voicemail-table")).to_be_visible()
    return page


def test_an_editor_filters_plays_and_marks_a_message_handled_with_a_note(designer: Designer) -> None:
    """The three messages are listed; the clinic filter leaves the one with audio, which plays in the browser and
    becomes read; marked handled with a note it leaves the unread filter and the service keeps who did it."""
    page = open_inbox(designer, "editor")
    rows = page.locator("[data-testid=voicemail-table] tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("voicemail-delete")).to_have_count(0)
    expect(rows.filter(has_text="mayor").get_by_test_id("voicemail-play")).to_have_count(0)

    page.get_by_test_id("voicemail-mailbox").select_option("clinic")
    expect(rows).to_have_count(1)
    clinic = rows.first
    expect(clinic.get_by_test_id("voicemail-caller")).to_have_text(CLINIC_CALLER)
    clinic.get_by_test_id("voicemail-play").click()
    player = page.get_by_test_id("voicemail-audio")
    expect(player).to_have_attribute("src", re.compile(r"^blob:"))
    page.wait_for_function(PLAYER_HAS_SECONDS_OF_AUDIO)
    expect(clinic).to_have_attribute("data-state", "read")

    clinic.get_by_test_id("voicemail-note").fill("booked for Tuesday")
    clinic.get_by_test_id("voicemail-handle").click()
    expect(clinic).to_have_attribute("data-state", "handled")
    expect(clinic.get_by_test_id("voicemail-row-state")).to_contain_text("editor")
    (kept,) = page.request.get(f"{designer.service.url}/api/voicemail?mailbox=clinic").json()["messages"]
    assert (kept["state"], kept["handled_by"], kept["note"]) == ("handled", "editor", "booked for Tuesday")

    page.get_by_test_id("voicemail-mailbox").select_option("")
    page.get_by_test_id("voicemail-state").select_option("unread")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="clinic")).to_have_count(0)


def test_a_viewer_listens_to_masked_callers_but_changes_nothing(designer: Designer) -> None:
    """A viewer sees every caller's number masked but its last four digits, and is offered no marking or deleting."""
    page = open_inbox(designer, "viewer")
    callers = page.get_by_test_id("voicemail-caller")
    expect(callers).to_have_count(3)
    for text in callers.all_inner_texts():
        assert text.startswith("*") and text[-4:].isdigit(), text
    expect(page.get_by_test_id("voicemail-handle")).to_have_count(0)
    expect(page.get_by_test_id("voicemail-note")).to_have_count(0)
    expect(page.get_by_test_id("voicemail-delete")).to_have_count(0)
    page.get_by_test_id("voicemail-play").click()
    expect(page.get_by_test_id("voicemail-audio")).to_be_visible()


def test_an_admin_deletes_a_message_with_its_audio(designer: Designer) -> None:
    """The admin's delete, confirmed, removes the clinic's message from the page, the service and the disk."""
    page = open_inbox(designer, "admin")
    page.get_by_test_id("voicemail-mailbox").select_option("clinic")
    rows = page.locator("[data-testid=voicemail-table] tbody tr")
    expect(rows).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    rows.first.get_by_test_id("voicemail-delete").click()
    expect(page.get_by_test_id("voicemail-empty")).to_be_visible()
    expect(page.get_by_test_id("voicemail-message")).to_have_attribute("role", "status")
    left = page.request.get(f"{designer.service.url}/api/voicemail").json()["messages"]
    assert [m["mailbox"] for m in left] == ["mayor", "mayor"]
    assert not list((designer.service.data / "voicemail").rglob("*.wav"))


def test_messages_are_timed_in_the_tenants_time_zone_wherever_the_browser_is(designer: Designer) -> None:
    """Each message's time as the tenant's reports and dashboard count it (Shanghai, the examples' time zone), in a
    browser in New York (thirteen hours behind): the mayor's message of 18:0x on November 24 says so, not 05:0x."""
    page = open_inbox(designer, "viewer", timezone_id="America/New_York")
    table = page.get_by_test_id("voicemail-table")
    messages = page.request.get(f"{designer.service.url}/api/voicemail?mailbox=mayor").json()["messages"]
    assert len(messages) == 2, messages
    for message in messages:
        local = datetime.fromisoformat(message["time"]).astimezone(ZoneInfo("Asia/Shanghai"))
        hour = local.hour % 12 or 12
        shown = rf"{local:%b} {local.day}, {local.year}, {hour}:{local:%M}\s?{local:%p}"
        expect(table).to_contain_text(re.compile(shown))


def test_the_top_bar_counts_the_messages_waiting_and_follows_the_inbox(designer: Designer) -> None:
    """The Voicemail link carries the count of messages not yet handled (the dashboard's figure) on every page; a
    message marked handled in the inbox takes one off at once, and marking it unread again puts it back."""
    page = designer.page("editor", locale="en")
    badge = page.get_by_test_id("nav-voicemail-waiting")
    waiting = page.request.get(f"{designer.service.url}/api/dashboard").json()["voicemail_waiting"]
    assert waiting >= 1
    expect(badge).to_have_text(str(waiting))
    page.get_by_test_id("nav-voicemail").click()
    unread = page.locator("[data-testid=voicemail-table] tbody tr[data-state=unread]").first
    row = page.locator(f"[data-testid=voicemail-table] tbody tr[data-id='{unread.get_attribute('data-id')}']")
    row.get_by_test_id("voicemail-handle").click()
    expect(row).to_have_attribute("data-state", "handled")
    if waiting > 1:
        expect(badge).to_have_text(str(waiting - 1))
    else:
        expect(badge).to_have_count(0)
    row.get_by_test_id("voicemail-unread").click()
    expect(badge).to_have_text(str(waiting))
