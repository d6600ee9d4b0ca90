"""Groups with a label and sticky notes on the canvas: kept in the flow's layout and comments (so the DSL keeps
them), a group drags its nodes along, and deleting one is undone like any other change."""

from __future__ import annotations

from designer_browser import Designer
from designer_steps import wait_saved
from playwright.sync_api import Page, expect

LABEL = "语言选择"
NOTE = "改问卷前先问李科长。"


def box_of(page: Page, test_id: str) -> dict[str, float]:
    """Where an element is on the screen."""
    box = page.get_by_test_id(test_id).bounding_box()
    assert box is not None
    return box


def test_a_group_and_a_note_survive_the_dsl_round_trip_move_together_and_come_back_with_undo(
    designer: Designer,
) -> None:
    """Two nodes grouped under a label and a note are written into the DSL's layout as comments, read back after
    a reload, the group drags its nodes, and a deleted group comes back with Ctrl+Z."""
    page = designer.page("editor")
    designer.open_flow(page, "post_call_survey")
    page.get_by_test_id("node-chinese").click()
    page.get_by_test_id("node-english").click(modifiers=["Shift"])
    page.once("dialog", lambda dialog: dialog.accept(LABEL))
    page.get_by_test_id("group-nodes").click()
    group = page.locator(".group-box")
    expect(group).to_have_count(1)
    expect(group).to_contain_text(LABEL)

    page.get_by_test_id("add-note").click()
    expect(page.get_by_test_id("annotation-inspector")).to_be_visible()
    page.get_by_test_id("note-text").fill(NOTE)
    expect(page.locator(".note")).to_contain_text(NOTE)
    wait_saved(page)

    stored = page.request.get(
        f"{designer.service.url}/api/flows/post_call_survey", headers={"Accept": "text/x-callflow"}
    ).text()
    layout = stored[stored.index("\nlayout\n") :]
    assert f"  # {LABEL}\n  group.1 " in layout, layout
    assert "# chinese, english\n" in layout, layout
    assert f"  # {NOTE}\n  note.1 " in layout, layout

    page.reload()
    expect(page.locator("[data-testid=editor][data-laid-out=yes]")).to_be_visible()
    group = page.locator(".group-box")
    expect(group).to_contain_text(LABEL)
    expect(page.locator(".note")).to_contain_text(NOTE)

    node_before = box_of(page, "node-chinese")
    group_box = group.bounding_box()
    assert group_box is not None
    grab_x, grab_y = group_box["x"] + group_box["width"] - 8, group_box["y"] + 8
    page.mouse.move(grab_x, grab_y)
    page.mouse.down()
    page.mouse.move(grab_x + 60, grab_y + 90, steps=8)
    page.mouse.up()
    wait_saved(page)
    node_after = box_of(page, "node-chinese")
    assert node_after["y"] > node_before["y"] + 20, (node_before, node_after)
    assert node_after["x"] > node_before["x"] + 10, (node_before, node_after)

    group.click(position={"x": group_box["width"] - 8, "y": 8})
    page.keyboard.press("Delete")
    expect(page.locator(".group-box")).to_have_count(0)
    expect(page.get_by_test_id("node-chinese")).to_be_visible()
    page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    expect(page.locator(".group-box")).to_contain_text(LABEL)
    wait_saved(page)
