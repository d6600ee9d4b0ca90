"""The heat map on the canvas: three hotline calls saved through the simulate API (`"save": true`) against the
published version, painted node by node and exit by exit with the drop-offs, the last calls through a node listed
and one of them opened as its path on the canvas."""

from __future__ import annotations

import re

from designer_browser import Designer
from playwright.sync_api import Page, expect

FLOW = "hotline_12345"
CALLS = (
    ("2026-11-23T10:00", "057188880001", ["dtmf:1", "agent:15", "agent-hangup:60", "dtmf:1"]),
    ("2026-11-23T10:40", "01012345678", ["dtmf:5", "hangup"]),
    ("2026-11-24T10:30", "13800000007", ["dtmf:2", "dtmf:2", "hangup"]),
)
"""A waits for an agent (the menu's key 1), C presses a wrong key and hangs up at the menu, G takes key 2 to the
self-service menu and hangs up after the policy information."""


def record_calls(page: Page, url: str) -> int:
    """Publish the hotline when it has no version yet, then save the three calls against its newest version."""
    origin = {"Origin": url}
    versions = page.request.get(f"{url}/api/flows/{FLOW}/versions").json()["versions"]
    if not versions:
        published = page.request.post(f"{url}/api/flows/{FLOW}/publish", headers=origin, data={"comment": "heat"})
        assert published.ok, published.text()
        versions = page.request.get(f"{url}/api/flows/{FLOW}/versions").json()["versions"]
    version = max(v["version"] for v in versions)
    for at, caller, steps in CALLS:
        body = {"version": version, "at": at, "from": caller, "input": steps, "save": True}
        answer = page.request.post(f"{url}/api/flows/{FLOW}/simulate", headers=origin, data=body)
        assert answer.ok, answer.text()
    return version


def test_the_heat_map_paints_calls_drops_and_opens_a_call_through_a_node(designer: Designer) -> None:
    """Three calls through the main menu (one hung up there, key 1 and key 2 taken once each); the self-service
    node lists G's call, whose path lights up on the canvas when opened."""
    page = designer.page("admin", locale="en")
    url = designer.service.url
    version = record_calls(page, url)
    designer.open_flow(page, FLOW)
    page.get_by_test_id("open-heatmap").click()
    legend = page.get_by_test_id("heatmap-legend")
    page.get_by_test_id("heatmap-from").fill("2026-11-01")
    page.get_by_test_id("heatmap-to").fill("2026-11-30")
    expect(legend.get_by_test_id("heatmap-calls")).to_contain_text(f"3 calls through v{version}")
    expect(legend.get_by_test_id("heatmap-calls")).to_contain_text("2026-11-01 to 2026-11-30")

    menu = page.get_by_test_id("node-main_menu")
    expect(menu).to_have_attribute("data-visits", "3")
    expect(menu).to_have_class(re.compile(r"(^|\s)heat-5(\s|$)"))
    page.keyboard.press("Control+f")  # centred at a zoom that shows the badges and the exits' names
    page.get_by_test_id("search").fill("main_menu")
    page.get_by_test_id("search").press("Enter")
    expect(menu.get_by_test_id("heat-drops")).to_have_text("↓1")
    expect(menu.locator(".fexit[data-taken='1']", has_text="key 1")).to_have_count(1)
    expect(menu.locator(".fexit[data-taken='1']", has_text="key 2")).to_have_count(1)

    page.keyboard.press("Control+f")
    page.get_by_test_id("search").fill("self_service")
    page.get_by_test_id("search").press("Enter")
    node = page.get_by_test_id("node-self_service")
    node.click()
    listed = page.get_by_test_id("heatmap-node-calls")
    expect(listed).to_have_attribute("data-node", "self_service")
    calls = listed.get_by_test_id("heatmap-call")
    expect(calls).to_have_count(1)
    expect(calls.first).to_contain_text("13800000007")
    calls.first.click()
    expect(node).to_have_class(re.compile(r"(^|\s)lit(\s|$)"))
    expect(menu).to_have_class(re.compile(r"(^|\s)lit(\s|$)"))
    expect(page.locator(".fnode.lit")).not_to_have_count(0)

    page.get_by_test_id("heatmap-clear").click()
    expect(page.get_by_test_id("heatmap-legend")).to_have_count(0)
    expect(menu).not_to_have_attribute("data-visits", "3")
