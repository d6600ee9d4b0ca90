"""The designer shows the tenant's flows and draws them as the flow lists them; roles and languages are respected."""

from __future__ import annotations

import re

from designer_browser import Designer
from flow_service import REPOSITORY
from playwright.sync_api import expect

from callflow.flowlang.loader import load_file


def test_logging_in_shows_the_tenants_flows(designer: Designer) -> None:
    """After logging in, the flow list names every imported example flow."""
    page = designer.page()
    for name in ("hotline_12345", "bank_balance", "clinic_appointments", "post_call_survey", "verify_pin"):
        expect(page.locator(f"tr[data-flow={name}]")).to_be_visible()


def test_the_hotline_is_drawn_with_one_node_per_node_and_one_edge_per_edge(designer: Designer) -> None:
    """Opening the hotline draws exactly its nodes and edges, each node with one handle per exit it wires."""
    flow = load_file(REPOSITORY / "examples" / "hotline_12345.flow").flow
    assert flow is not None
    page = designer.page()
    designer.open_flow(page, "hotline_12345")
    expect(page.locator(".react-flow__node")).to_have_count(len(flow.nodes))
    expect(page.locator(".react-flow__edge")).to_have_count(len(flow.edges))
    menu = page.get_by_test_id("node-main_menu")
    for key in ("key 1", "key 2", "key 3", "key 9"):
        expect(menu.locator(f'[data-handleid="{key}"]')).to_have_count(1)


def test_searching_by_node_id_selects_the_match_and_opens_its_form(designer: Designer) -> None:
    """Ctrl+F finds a node by its id; Enter selects it on the canvas and its form opens."""
    page = designer.page()
    designer.open_flow(page, "hotline_12345")
    page.keyboard.press("Control+f")
    page.get_by_test_id("search").fill("case_lookup")
    page.get_by_test_id("search").press("Enter")
    expect(page.locator(".react-flow__node.selected")).to_have_attribute("data-id", "case_lookup")
    expect(page.get_by_test_id("inspector")).to_have_attribute("data-node", "case_lookup")


def test_the_interface_switches_to_english_and_back(designer: Designer) -> None:
    """A zh-CN browser gets the Chinese interface; the language menu switches to English and back."""
    page = designer.page(locale="zh-CN")
    expect(page.get_by_role("heading", name="流程")).to_be_visible()
    page.get_by_test_id("language").select_option("en")
    expect(page.get_by_role("heading", name="Flows")).to_be_visible()
    page.get_by_test_id("language").select_option("zh-CN")
    expect(page.get_by_role("heading", name="流程")).to_be_visible()


def test_a_viewer_sees_no_edit_or_publish_controls(designer: Designer) -> None:
    """A viewer can open a flow but is offered no palette, no undo, no publish and no delete."""
    page = designer.page("viewer")
    expect(page.get_by_test_id("new-flow")).to_have_count(0)
    designer.open_flow(page, "hotline_12345")
    expect(page.get_by_test_id("palette")).to_have_count(0)
    expect(page.get_by_test_id("publish")).to_have_count(0)
    expect(page.get_by_test_id("undo")).to_have_count(0)
    expect(page.get_by_test_id("user")).to_have_text(re.compile("viewer"))
