"""Editing in the designer: building from the palette, forms, the text view, undo, and saving with revisions."""

from __future__ import annotations

import re

from designer_browser import Designer
from designer_steps import add_exit, add_node, new_prompt, select_node, wait_saved, wire
from playwright.sync_api import expect


def test_a_flow_built_from_the_palette_reports_an_unwired_exit_until_it_is_wired(designer: Designer) -> None:
    """say -> menu -> two says -> hangup, wired from the forms; an unwired `next` is badged and checked, then fixed."""
    page = designer.page("editor")
    page.get_by_test_id("new-flow").click()
    page.locator("input[name=flow-name]").fill("small_line")
    page.get_by_role("button", name="创建").click()
    expect(page.locator("[data-testid=editor][data-laid-out=yes]")).to_be_visible()
    select_node(page, "start")
    page.get_by_test_id("delete-node").click()
    expect(page.locator(".react-flow__node")).to_have_count(0)

    welcome = add_node(page, "say")
    new_prompt(page, "welcome", {"zh-CN": "欢迎致电。", "en": "Welcome."})
    menu = add_node(page, "menu")
    new_prompt(page, "choices", {"zh-CN": "请按1或2。", "en": "Press 1 or 2."})
    first = add_node(page, "say")
    new_prompt(page, "one", {"zh-CN": "您按了1。", "en": "You pressed 1."})
    second = add_node(page, "say")
    new_prompt(page, "two", {"zh-CN": "您按了2。", "en": "You pressed 2."})
    bye = add_node(page, "hangup")
    wire(page, welcome, "next", menu)
    add_exit(page, menu, "key 1", first)
    add_exit(page, menu, "key 2", second)
    wire(page, first, "next", bye)
    wait_saved(page)

    unwired = page.get_by_test_id(f"node-{second}").get_by_test_id("badge-unwired")
    expect(unwired).to_be_visible()
    page.get_by_test_id("tab-checks").click()
    expect(page.locator(f".check[data-node={second}]").first).to_be_visible()

    wire(page, second, "next", bye)
    wait_saved(page)
    expect(unwired).to_have_count(0)
    page.get_by_test_id("tab-checks").click()
    expect(page.locator(f".check[data-node={second}]")).to_have_count(0)
    expect(page.locator(".react-flow__edge")).to_have_count(5)


def test_editing_a_prompt_in_the_form_changes_the_text_view(designer: Designer) -> None:
    """A prompt text typed in the form is saved, and the DSL text view shows it."""
    page = designer.page("editor")
    designer.open_flow(page, "hotline_12345")
    select_node(page, "greet")
    page.get_by_test_id("prompt-greeting-en").fill("Hello from the designer test.")
    wait_saved(page)
    page.get_by_test_id("view-text").click()
    expect(page.locator(".cm-content")).to_contain_text("Hello from the designer test.")
    page.get_by_test_id("view-canvas").click()
    expect(page.get_by_test_id("node-greet")).to_be_visible()


def test_undo_brings_back_a_deleted_node_and_its_edges(designer: Designer) -> None:
    """Deleting a node with the keyboard removes it and its edges; Ctrl+Z brings all of it back."""
    page = designer.page("editor")
    designer.open_flow(page, "post_call_survey")
    nodes = page.locator(".react-flow__node").count()
    edges = page.locator(".react-flow__edge").count()
    victim = page.locator(".react-flow__node").nth(1)
    victim_id = victim.get_attribute("data-id")
    victim.click()
    page.keyboard.press("Delete")
    expect(page.locator(".react-flow__node")).to_have_count(nodes - 1)
    expect(page.get_by_test_id(f"node-{victim_id}")).to_have_count(0)
    page.locator(".react-flow__pane").click()
    page.keyboard.press("Control+z")
    expect(page.locator(".react-flow__node")).to_have_count(nodes)
    expect(page.locator(".react-flow__edge")).to_have_count(edges)
    wait_saved(page)


def test_a_second_browser_saving_a_stale_draft_gets_the_conflict_dialog(designer: Designer) -> None:
    """Two people edit the same draft; the later save is refused and says whose change came first."""
    first = designer.page("admin")
    second = designer.page("editor")
    designer.open_flow(first, "clinic_appointments")
    designer.open_flow(second, "clinic_appointments")
    node = first.locator(".react-flow__node").first.get_attribute("data-id")
    assert node
    select_node(first, node)
    first.get_by_test_id("tidy-up").click()
    first.locator(".react-flow__node").first.click()
    first.keyboard.press("Delete")
    wait_saved(first)
    second.locator(".react-flow__node").nth(2).click()
    second.keyboard.press("Delete")
    dialog = second.get_by_test_id("conflict-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("admin")
    second.get_by_test_id("conflict-compare").click()
    expect(second.get_by_test_id("conflict-comparison")).to_contain_text(re.compile(node))
    second.get_by_test_id("conflict-reload").click()
    expect(dialog).to_have_count(0)
    expect(second.get_by_test_id(f"node-{node}")).to_have_count(0)
