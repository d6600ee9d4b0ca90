"""The semantic diff painted on the canvas: a changed prompt, a rewired exit and a removed node against the
published version, the test cases whose calls change; then publishing, rolling back and the diff of the rollback."""

from __future__ import annotations

import re

from designer_browser import Designer
from designer_steps import select_node, wait_saved
from playwright.sync_api import Page, expect

OLD_GREETING = "Welcome to the 12345 citizen service hotline."
NEW_GREETING = "Welcome to the city hotline."


def has_class(name: str) -> re.Pattern[str]:
    """A class list that contains `name`."""
    return re.compile(rf"(^|\s){name}(\s|$)")


def publish(page: Page, comment: str, *, force: bool = False) -> None:
    """Publish the draft with a comment (forcing past failing tests when asked) and close the dialog."""
    page.get_by_test_id("publish").click()
    page.locator("[data-testid=publish-dialog] textarea[name=comment]").fill(comment)
    page.get_by_test_id("publish-confirm").click()
    if force:
        page.get_by_test_id("publish-force").click()
    expect(page.get_by_test_id("published")).to_be_visible()
    page.get_by_role("button", name="关闭").click()


def test_the_diff_paints_the_changes_and_a_rollback_shows_them_undone(designer: Designer) -> None:
    """A prompt text, a rewired exit and a deleted node show on the canvas against v1 with the affected cases;
    after publishing them and rolling back to v1, the diff v2 -> v3 shows the version with `english` back."""
    page = designer.page("admin")
    designer.open_flow(page, "hotline_12345")
    publish(page, "as imported")

    select_node(page, "greet")
    page.get_by_test_id("prompt-greeting-en").fill(NEW_GREETING)
    select_node(page, "main_menu")
    page.locator('[data-testid=exits] select[data-exit="key 9"]').select_option("closed_notice")
    select_node(page, "english")
    page.get_by_test_id("delete-node").click()
    wait_saved(page)

    page.get_by_test_id("tab-versions").click()
    page.get_by_test_id("diff-draft").click()
    summary = page.get_by_test_id("diff-summary")
    expect(summary).to_have_attribute("data-to", "draft")
    expect(page.get_by_test_id("node-main_menu")).to_have_class(has_class("diff-rewired"))
    expect(page.locator(".fedge.diff-rewired")).to_have_count(1)
    expect(page.locator(".fedge.diff-removed").first).to_be_attached()
    greet = page.get_by_test_id("node-greet")
    expect(greet).to_have_class(has_class("diff-changed"))
    page.locator("[data-testid=prompt-changes] li[data-prompt=greeting] button[data-node=greet]").click()
    expect(greet.get_by_test_id("text-change")).to_contain_text(NEW_GREETING)
    expect(greet.get_by_test_id("text-change")).to_contain_text(OLD_GREETING)
    expect(page.get_by_test_id("ghost-english")).to_be_visible()
    expect(summary.locator("li[data-node=english][data-status=removed]")).to_be_visible()
    prompt = page.locator("[data-testid=prompt-changes] li[data-prompt=greeting]")
    expect(prompt.locator(".old")).to_have_text(OLD_GREETING)
    expect(prompt.locator(".new")).to_contain_text(NEW_GREETING)
    expect(prompt.locator(".marked-edit ins")).to_have_text("city")
    cases = page.get_by_test_id("affected-case")
    expect(cases.filter(has_text="main menu: 9 replays the menu in English")).to_have_count(1)
    expect(cases.filter(has_text="main menu: 9 replays the menu in English")).to_contain_text("现在失败")

    page.get_by_test_id("diff-close").click()
    expect(page.get_by_test_id("ghost-english")).to_have_count(0)
    expect(page.get_by_test_id("node-main_menu")).not_to_have_class(has_class("diff-rewired"))

    # Published past its failing tests as v2, then rolled back: v3 is v1 again, and v2 -> v3 shows it.
    publish(page, "with the English line removed", force=True)
    page.get_by_test_id("tab-versions").click()
    expect(page.locator(".version-list li")).to_have_count(2)
    page.once("dialog", lambda dialog: dialog.accept("English is back"))
    page.get_by_test_id("rollback-1").click()
    expect(page.locator(".version-list li")).to_have_count(3)
    page.get_by_test_id("diff-3").click()
    expect(page.get_by_test_id("diff-summary")).to_have_attribute("data-to", "3")
    expect(page.get_by_test_id("canvas")).to_have_attribute("data-showing", "v3")
    expect(page.get_by_test_id("version-banner")).to_be_visible()
    expect(page.get_by_test_id("node-english")).to_have_class(has_class("diff-added"))
    expect(page.get_by_test_id("node-main_menu")).to_have_class(has_class("diff-rewired"))
    page.get_by_test_id("diff-close").click()
    expect(page.get_by_test_id("canvas")).to_have_attribute("data-showing", "draft")
    expect(page.get_by_test_id("node-english")).to_have_count(0)
