"""The check's diagnostics in the designer: a diagnostic's note (the service's hint or fix, `= note:` in `callflow
check`) shown under its message in the check list and in the text view's underline tooltip."""

from __future__ import annotations

from designer_browser import Designer
from playwright.sync_api import expect

FLOW = "noted_line"
TEXT = """flow noted_line
  languages zh-CN, en

prompt hello
  zh-CN "您好。"
  en "Hello."

greet: say hello -> goodby

goodbye: hangup
"""
"""`goodby` is a typo: E108 says "did you mean `goodbye`?" and notes that no call reaches `goodbye` meanwhile."""

NOTE = "no call reaches `goodbye` until this is fixed"


def test_a_diagnostics_note_is_shown_in_the_check_list_and_the_text_views_tooltip(designer: Designer) -> None:
    """E108's note, as the service words it, appears under the message in the check list (Chinese interface) and
    in the tooltip of the underlined target in the text view."""
    page = designer.page("editor")
    url = designer.service.url
    saved = page.request.put(
        f"{url}/api/flows/{FLOW}",
        headers={"Origin": url, "Content-Type": "text/x-callflow"},
        data=TEXT.encode(),
    )
    assert saved.ok, saved.text()
    designer.open_flow(page, FLOW)
    page.get_by_test_id("tab-checks").click()
    check = page.locator(".check[data-code=E108]")
    expect(check).to_have_count(1)
    expect(check.locator(".check-message")).to_contain_text("did you mean `goodbye`?")
    expect(check.get_by_test_id("check-note")).to_contain_text(NOTE)
    expect(check.get_by_test_id("check-note")).to_contain_text("提示")

    page.get_by_test_id("view-text").click()
    underline = page.locator(".cm-lintRange-error")
    expect(underline).to_have_count(1)
    expect(underline).to_have_text("goodby")
    underline.hover()
    tooltip = page.locator(".cm-tooltip-lint")
    expect(tooltip).to_contain_text("E108: there is no node `goodby`; did you mean `goodbye`?")
    expect(tooltip.locator(".cm-diagnostic-note")).to_have_text(f"提示： {NOTE}")
    page.wait_for_timeout(1000)  # the linter ran again on every update of the editor, closing the tooltip at once
    expect(tooltip).to_be_visible()
