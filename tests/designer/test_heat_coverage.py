"""The heat map beside the flow's test coverage: a small line whose test cases take key 1 and the menu's failure,
called three times through key 2 and once through key 1 (simulated calls saved with `"save": true`); the nodes and
exits callers take but no test does are listed, most called first, and marked dashed on the canvas, and the tested
ones are not."""

from __future__ import annotations

import re

from counter_line import FLOW as TEXT
from counter_line import SUITE
from designer_browser import Designer
from playwright.sync_api import Page, expect

FLOW = "counter_line"
CALLS = (
    ("2026-11-23T09:00", "057188880001", ["dtmf:2"]),
    ("2026-11-23T09:10", "057188880002", ["dtmf:2"]),
    ("2026-11-23T09:20", "057188880003", ["dtmf:2"]),
    ("2026-11-23T09:30", "057188880004", ["dtmf:1"]),
)
"""Three callers complain (key 2, untested), one asks (key 1, tested)."""


def prepare(page: Page, url: str) -> int:
    """The line, its one-case suite and its first version; the four calls saved against that version."""
    origin = {"Origin": url}
    saved = page.request.put(
        f"{url}/api/flows/{FLOW}", headers={**origin, "Content-Type": "text/x-callflow"}, data=TEXT.encode()
    )
    assert saved.ok, saved.text()
    suite = page.request.put(
        f"{url}/api/flows/{FLOW}/tests", headers={**origin, "Content-Type": "application/yaml"}, data=SUITE.encode()
    )
    assert suite.ok, suite.text()
    published = page.request.post(f"{url}/api/flows/{FLOW}/publish", headers=origin, data={"comment": "v1"})
    assert published.ok, published.text()
    version = int(published.json()["version"])
    for at, caller, steps in CALLS:
        body = {"version": version, "at": at, "from": caller, "input": steps, "save": True}
        answer = page.request.post(f"{url}/api/flows/{FLOW}/simulate", headers=origin, data=body)
        assert answer.ok, answer.text()
    return version


def test_the_heat_map_beside_coverage_lists_and_marks_what_callers_take_and_no_test_does(
    designer: Designer,
) -> None:
    """`complain` (3 calls) and `main`'s key 2 are listed first and marked dashed; `main`, `ask` and key 1, which
    the test case takes, are neither listed nor marked; clicking an item selects its node."""
    page = designer.page("admin", locale="en")
    url = designer.service.url
    version = prepare(page, url)
    designer.open_flow(page, FLOW)
    page.get_by_test_id("open-heatmap").click()
    page.get_by_test_id("heatmap-from").fill("2026-11-01")
    page.get_by_test_id("heatmap-to").fill("2026-11-30")
    expect(page.get_by_test_id("heatmap-calls")).to_contain_text(f"4 calls through v{version}")
    page.get_by_test_id("heatmap-coverage-toggle").check()

    panel = page.get_by_test_id("heat-coverage")
    expect(panel).to_have_attribute("data-state", "ready")
    summary = panel.get_by_test_id("heat-coverage-summary")
    expect(summary).to_have_attribute("data-cases", "2")
    expect(summary).to_contain_text(f"2 test cases run on v{version}")
    expect(summary).to_have_attribute("data-called", "8")  # main, ask, complain, bye; key 1, key 2, both `next`s
    expect(summary).to_have_attribute("data-tested", "5")  # all but complain, key 2 and complain's `next`
    items = panel.locator("[data-testid=heat-untested] li")
    expect(items).to_have_count(3)
    listed = [
        (item.get_attribute("data-node"), item.get_attribute("data-exit"), item.get_attribute("data-calls"))
        for item in items.all()
    ]
    assert listed == [("complain", "", "3"), ("complain", "next", "3"), ("main", "key 2", "3")], listed
    uncalled = panel.get_by_test_id("heat-uncalled")
    expect(uncalled).to_have_attribute("data-nodes", "0")
    expect(uncalled).to_have_attribute("data-exits", "1")  # main's `failed`

    complain = page.get_by_test_id("node-complain")
    ask = page.get_by_test_id("node-ask")
    menu = page.get_by_test_id("node-main")
    expect(complain).to_have_class(re.compile(r"(^|\s)untested(\s|$)"))
    expect(complain).to_have_class(re.compile(r"(^|\s)heat-4(\s|$)"))  # 3 of the busiest node's 4 calls
    expect(complain.get_by_test_id("badge-untested")).to_have_text("untested")
    expect(ask).not_to_have_class(re.compile(r"(^|\s)untested(\s|$)"))
    expect(ask.get_by_test_id("badge-untested")).to_have_count(0)
    expect(menu).not_to_have_class(re.compile(r"(^|\s)untested(\s|$)"))
    expect(menu.locator(".fexit[data-untested=yes]", has_text="key 2")).to_have_count(1)
    expect(menu.locator(".fexit[data-untested=yes]", has_text="key 1")).to_have_count(0)
    expect(page.locator(".react-flow__edge-path.fedge.untested")).not_to_have_count(0)

    panel.get_by_test_id("heat-untested-item").first.click()
    expect(complain).to_have_class(re.compile(r"(^|\s)selected(\s|$)"))
    expect(page.get_by_test_id("heatmap-node-calls")).to_have_attribute("data-node", "complain")

    page.get_by_test_id("heatmap-coverage-toggle").uncheck()
    expect(panel).to_have_count(0)
    expect(complain).not_to_have_class(re.compile(r"(^|\s)untested(\s|$)"))
