"""Zoomed out past reading, the flow is drawn on one canvas (the far view); it still selects, finds and badges."""

from __future__ import annotations

import re

import httpx
from designer_browser import Designer
from flow_service import REPOSITORY
from playwright.sync_api import Page, expect

from callflow.flowlang.loader import load_file

SETTLED = """() => new Promise((answer) => {
  const now = () => document.querySelector('.react-flow__viewport').style.transform;
  const before = now();
  requestAnimationFrame(() => requestAnimationFrame(() => answer(before === now())));
})"""
"""True once the viewport did not move over two frames (the zoom buttons animate)."""

BADGES_FLOW = """flow far_badges
  title     "Far view badges"
  languages en

prompt hello
  en "Hello."

start: say hello -> menu1

menu1: menu hello
  key 1 -> bye

bye: hangup
"""
"""A flow whose menu has an error: its required `failed` exit leads nowhere."""


def viewport(page: Page) -> tuple[float, float, float]:
    """React Flow's viewport as (x, y, zoom)."""
    style = page.locator(".react-flow__viewport").get_attribute("style") or ""
    found = re.search(r"translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([-\d.e]+)\)", style)
    assert found, style
    x, y, zoom = found.groups()
    return float(x), float(y), float(zoom)


def flow_box(page: Page, node: str) -> tuple[float, float, float, float]:
    """A drawn node's box in the flow's coordinates (x, y, width, height), from where it is on the screen."""
    pane = page.locator(".react-flow__pane").bounding_box()
    box = page.get_by_test_id(f"node-{node}").bounding_box()
    assert pane and box
    x, y, zoom = viewport(page)
    return (
        (box["x"] - pane["x"] - x) / zoom,
        (box["y"] - pane["y"] - y) / zoom,
        box["width"] / zoom,
        box["height"] / zoom,
    )


def on_screen(page: Page, point: tuple[float, float]) -> tuple[float, float]:
    """Where a point of the flow is on the page now."""
    pane = page.locator(".react-flow__pane").bounding_box()
    assert pane
    x, y, zoom = viewport(page)
    return pane["x"] + x + point[0] * zoom, pane["y"] + y + point[1] * zoom


def zoom_out_far(page: Page) -> None:
    """Press the zoom-out button until the far view is drawn, then wait for the view to stop moving."""
    far = page.get_by_test_id("far-view")
    for _ in range(40):
        if far.count():
            break
        page.locator(".react-flow__controls-zoomout").click()
    expect(far).to_have_attribute("data-drawn-boxes", re.compile(r"\d+"))
    page.wait_for_function(SETTLED)


def test_zoomed_out_past_reading_the_flow_is_drawn_on_one_canvas_and_comes_back_zoomed_in(designer: Designer) -> None:
    """The far view draws a box for every node while the DOM holds none of them; zooming in brings them back."""
    flow = load_file(REPOSITORY / "examples" / "hotline_12345.flow").flow
    assert flow is not None
    page = designer.page()
    designer.open_flow(page, "hotline_12345")
    zoom_out_far(page)
    expect(page.get_by_test_id("far-view")).to_have_attribute("data-drawn-boxes", str(len(flow.nodes)))
    expect(page.locator(".react-flow__node-flow")).to_have_count(0)
    expect(page.locator(".react-flow__edge")).to_have_count(0)
    assert viewport(page)[2] < 0.3
    for _ in range(40):
        if not page.get_by_test_id("far-view").count():
            break
        page.locator(".react-flow__controls-zoomin").click()
    expect(page.get_by_test_id("far-view")).to_have_count(0)
    expect(page.locator(".react-flow__node-flow")).to_have_count(len(flow.nodes))
    expect(page.locator(".react-flow__edge")).to_have_count(len(flow.edges))
    assert designer.errors == []


def test_a_node_clicked_in_the_far_view_is_selected_and_its_form_opens(designer: Designer) -> None:
    """Clicking a node's box on the far view's canvas selects that node, as clicking the node does up close."""
    page = designer.page()
    designer.open_flow(page, "hotline_12345")
    page.keyboard.press("Control+f")
    page.get_by_test_id("search").fill("case_lookup")
    page.get_by_test_id("search").press("Enter")
    expect(page.get_by_test_id("inspector")).to_have_attribute("data-node", "case_lookup")
    page.wait_for_function(SETTLED)
    # Another node in view up close, found where it stands in the flow before zooming out.
    shown = page.locator(".react-flow__node-flow").evaluate_all(
        "(nodes) => nodes.filter((n) => { const r = n.getBoundingClientRect(); const p ="
        " document.querySelector('.react-flow__pane').getBoundingClientRect(); return r.left > p.left && r.right <"
        " p.right && r.top > p.top && r.bottom < p.bottom; }).map((n) => n.dataset.id)"
    )
    other = next(node for node in shown if node != "case_lookup")
    x, y, width, height = flow_box(page, other)
    zoom_out_far(page)
    page.mouse.click(*on_screen(page, (x + width / 2, y + height / 2)))
    expect(page.get_by_test_id("inspector")).to_have_attribute("data-node", other)
    expect(page.get_by_test_id("far-view")).to_be_visible()
    assert designer.errors == []


def test_searching_from_the_far_view_centres_the_match_up_close(designer: Designer) -> None:
    """Ctrl+F from the far view zooms in on the match, drawn as a real node again, and selects it."""
    page = designer.page()
    designer.open_flow(page, "hotline_12345")
    zoom_out_far(page)
    page.keyboard.press("Control+f")
    page.get_by_test_id("search").fill("case_lookup")
    page.get_by_test_id("search").press("Enter")
    expect(page.locator(".react-flow__node.selected")).to_have_attribute("data-id", "case_lookup")
    expect(page.get_by_test_id("node-case_lookup")).to_be_in_viewport()
    expect(page.get_by_test_id("far-view")).to_have_count(0)
    assert designer.errors == []


def pixel(page: Page, at: tuple[float, float]) -> tuple[int, int, int]:
    """The far view's colour at a point of the page."""
    rgba = page.get_by_test_id("far-view").evaluate(
        "(canvas, [x, y]) => { const r = canvas.getBoundingClientRect(); const ratio = canvas.width / r.width;"
        " return [...canvas.getContext('2d').getImageData(Math.round((x - r.left) * ratio),"
        " Math.round((y - r.top) * ratio), 1, 1).data]; }",
        list(at),
    )
    return int(rgba[0]), int(rgba[1]), int(rgba[2])


def test_the_far_view_shows_a_nodes_errors_and_unwired_exits_at_a_glance(designer: Designer) -> None:
    """A node with an error and an exit leading nowhere carries a red and an orange dot in the far view, and the
    canvas's description counts it."""
    url = designer.service.url
    with httpx.Client(base_url=url, headers={"Origin": url}, timeout=60) as client:
        client.post("/api/login", json={"username": "admin", "password": designer.service.passwords["admin"]})
        answer = client.put(
            "/api/flows/far_badges",
            content=BADGES_FLOW.encode(),
            headers={"Content-Type": "text/x-callflow", "If-None-Match": "*"},
        )
        answer.raise_for_status()
    page = designer.page(locale="en")
    designer.open_flow(page, "far_badges")
    expect(page.get_by_test_id("node-menu1").get_by_test_id("badge-unwired")).to_be_visible()
    x, y, width, _ = flow_box(page, "menu1")
    zoom_out_far(page)
    far = page.get_by_test_id("far-view")
    expect(far).to_have_attribute("aria-label", re.compile(r"3 nodes, 1 with errors, \d+ with warnings, 1 with exits"))
    corner_x, corner_y = on_screen(page, (x + width, y))
    radius = max(4.0, min(7.0, 20 * viewport(page)[2]))
    red, green, blue = pixel(page, (corner_x + 2, corner_y - 2))
    assert red > 180 and green < 110 and blue < 110, (red, green, blue)
    red, green, blue = pixel(page, (corner_x - 2 * radius - 1, corner_y - 2))
    assert red > 200 and 100 < green < 190 and blue < 90, (red, green, blue)
    assert designer.errors == []


SHARE_OF_COLOUR = """(canvas, [left, top, right, bottom, colour]) => {
  const r = canvas.getBoundingClientRect();
  const ratio = canvas.width / r.width;
  const [x, y] = [Math.round((left - r.left) * ratio), Math.round((top - r.top) * ratio)];
  const [w, h] = [Math.max(1, Math.round((right - left) * ratio)), Math.max(1, Math.round((bottom - top) * ratio))];
  const data = canvas.getContext('2d').getImageData(x, y, w, h).data;
  let near = 0;
  for (let i = 0; i < data.length; i += 4) {
    const distance = [0, 1, 2].reduce((sum, c) => sum + Math.abs(data[i + c] - colour[c]), 0);
    if (distance < 40) near++;
  }
  return near / (data.length / 4);
}"""


def share_of_colour(page: Page, box: tuple[float, float, float, float], colour: tuple[int, int, int]) -> float:
    """The share of a flow box's pixels on the far view that are (near) a colour."""
    left, top = on_screen(page, (box[0], box[1]))
    right, bottom = on_screen(page, (box[0] + box[2], box[1] + box[3]))
    share = page.get_by_test_id("far-view").evaluate(
        SHARE_OF_COLOUR,
        [left, top, right, bottom, list(colour)],
    )
    return float(share)


def test_a_calls_path_stays_lit_in_the_far_view(designer: Designer) -> None:
    """A simulated call's path, lit on the nodes up close, paints their boxes in the far view; others stay unlit."""
    lit = (0xF2, 0xA9, 0x00)
    page = designer.page("editor")
    designer.open_flow(page, "hotline_12345")
    page.get_by_test_id("tab-phone").click()
    page.get_by_test_id("call-at").fill("2026-10-01T10:00")
    page.get_by_test_id("call").click()
    expect(page.get_by_test_id("node-closed_notice")).to_have_class(re.compile(r"(^|\s)lit(\s|$)"))
    on_path = flow_box(page, "closed_notice")
    off_path = flow_box(page, "self_service")
    zoom_out_far(page)
    assert share_of_colour(page, on_path, lit) > 0.5
    assert share_of_colour(page, off_path, lit) < 0.1
    assert designer.errors == []


def test_the_far_view_answers_the_keyboard_enter_goes_up_close_and_delete_removes_with_undo(
    designer: Designer,
) -> None:
    """A box chosen on the far view: Enter goes up close to its node (centred and selected); zoomed out again with
    it still chosen, Delete removes it from the draft (one box fewer) and Ctrl+Z brings it back; chosen again,
    Escape clears the choice."""
    flow = load_file(REPOSITORY / "examples" / "hotline_12345.flow").flow
    assert flow is not None
    page = designer.page()
    designer.open_flow(page, "hotline_12345")
    page.keyboard.press("Control+f")
    page.get_by_test_id("search").fill("case_lookup")
    page.get_by_test_id("search").press("Enter")
    page.wait_for_function(SETTLED)
    x, y, width, height = flow_box(page, "case_lookup")
    middle = (x + width / 2, y + height / 2)
    far = page.get_by_test_id("far-view")

    zoom_out_far(page)
    page.mouse.click(*on_screen(page, middle))
    expect(page.get_by_test_id("inspector")).to_have_attribute("data-node", "case_lookup")
    page.keyboard.press("Enter")
    expect(far).to_have_count(0)
    expect(page.get_by_test_id("node-case_lookup")).to_be_in_viewport()
    expect(page.locator(".react-flow__node.selected")).to_have_attribute("data-id", "case_lookup")

    zoom_out_far(page)  # still chosen; the zoom-out button has the focus, and Delete is still the canvas's
    expect(page.get_by_test_id("inspector")).to_have_attribute("data-node", "case_lookup")
    page.keyboard.press("Delete")
    expect(far).to_have_attribute("data-drawn-boxes", str(len(flow.nodes) - 1))
    expect(page.locator("[data-testid=inspector][data-node=case_lookup]")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(far).to_have_attribute("data-drawn-boxes", str(len(flow.nodes)))

    page.mouse.click(*on_screen(page, middle))
    expect(page.get_by_test_id("inspector")).to_have_attribute("data-node", "case_lookup")
    page.keyboard.press("Escape")
    expect(page.locator("[data-testid=inspector][data-node=case_lookup]")).to_have_count(0)
    assert designer.errors == []
