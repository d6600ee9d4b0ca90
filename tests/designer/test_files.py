"""The data files page, for admins: the tenant's files listed, a bad path refused before anything is sent, a file
deleted; a CSV uploaded over the one a lookup reads changes what the next call hears."""

from __future__ import annotations

from designer_browser import Designer
from playwright.sync_api import expect

NEW_TICKETS = "ticket,status_zh,status_en\n20261001,已受理,accepted\n20269999,已转交区政府,passed on to the district\n"


def test_an_admin_sees_the_data_files_and_deletes_one_while_others_see_no_such_page(designer: Designer) -> None:
    """The admin's page lists the lookups' files; a path the service would refuse is refused on the page; a
    deleted file leaves the list; an editor is offered no data files page."""
    editor = designer.page("editor")
    expect(editor.get_by_test_id("nav-files")).to_have_count(0)

    page = designer.page("admin")
    page.get_by_test_id("nav-files").click()
    table = page.get_by_test_id("file-table")
    expect(table.locator("tr[data-path='data/tickets.csv']")).to_be_visible()
    expect(table.locator("tr[data-path='testing/bank.toml']")).to_be_visible()

    page.get_by_test_id("file-input").set_input_files(
        files=[{"name": "notes.csv", "mimeType": "text/csv", "buffer": b"a,b\n"}]
    )
    expect(page.get_by_test_id("file-path")).to_have_value("data/notes.csv")
    page.get_by_test_id("file-path").fill("../callflow.db")
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("files-message")).to_contain_text("data/tickets.csv")

    victim = "testing/accounts-without-balances.csv"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id(f"delete-{victim}").click()
    expect(table.locator(f"tr[data-path='{victim}']")).to_have_count(0)
    expect(page.get_by_test_id("files-message")).to_contain_text(victim)
    listed = page.request.get(f"{designer.service.url}/api/files").json()["files"]
    assert victim not in {f["path"] for f in listed}


def test_an_uploaded_csv_replaces_what_a_lookup_reads(designer: Designer) -> None:
    """A new tickets.csv uploaded from the page is what the next simulated call's case lookup finds."""
    page = designer.page("admin")
    page.get_by_test_id("nav-files").click()
    page.get_by_test_id("file-input").set_input_files(
        files=[{"name": "tickets.csv", "mimeType": "text/csv", "buffer": NEW_TICKETS.encode()}]
    )
    expect(page.get_by_test_id("file-path")).to_have_value("data/tickets.csv")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("files-message")).to_have_attribute("role", "status")
    stored = page.request.get(f"{designer.service.url}/api/files/data/tickets.csv").text()
    assert stored == NEW_TICKETS

    call = page.request.post(
        f"{designer.service.url}/api/flows/hotline_12345/simulate",
        headers={"Origin": designer.service.url},
        data={"at": "2026-11-20T10:00", "input": ["dtmf:2", "dtmf:1", "dtmf:20269999#", "hangup"]},
    ).json()
    heard = [e["text"] for e in call["events"] if e["event"] == "prompt"]
    assert any("已转交区政府" in text for text in heard), heard
