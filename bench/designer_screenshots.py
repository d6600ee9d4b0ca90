"""Screenshots of the designer's main screens for docs/designer.md, docs/records.md and the README: the flow list,
the hotline on the canvas, the phone panel mid-call, coverage after running the tests, a capacity run's figures and
its traffic on the canvas, the semantic diff on the canvas; the records' heat map, alone and beside the tests.

Run: `.venv/bin/python bench/designer_screenshots.py [designer] [records]` (both by default; each on a fresh
service).
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

from designer_steps import select_node, wait_saved
from flow_service import REPOSITORY, running_service
from playwright.sync_api import Browser, Page, expect, sync_playwright
from ruamel.yaml import YAML

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
OUT = REPOSITORY / "docs" / "images"


def capacity(page: Page, url: str) -> None:
    """Two hours of a Monday morning through the hotline with its example callers: the figures, then the traffic."""
    page.goto(f"{url}/#/flows/hotline_12345/capacity")
    expect(page.get_by_test_id("load-form")).to_be_visible()
    page.get_by_test_id("calls-per-hour").fill("700")
    page.get_by_test_id("duration").fill("2h")
    page.get_by_test_id("start").fill("2026-11-23T09:00")
    page.get_by_test_id("agents-hotline").fill("30")
    page.get_by_test_id("agents-hotline-local").fill("12")
    page.get_by_test_id("start-run").click()
    expect(page.get_by_test_id("load-results")).to_be_visible()
    expect(page.frame_locator("[data-testid=report-frame]").locator("svg").first).to_be_visible()
    page.get_by_test_id("job").evaluate("element => element.scrollIntoView()")
    page.screenshot(path=OUT / "designer-capacity.png")
    page.get_by_test_id("paint-traffic").click()
    expect(page.get_by_test_id("traffic-legend")).to_be_visible()
    expect(page.get_by_test_id("node-start")).to_have_attribute("data-visits", re.compile(r"\d+"))
    page.get_by_role("button", name="放大").click()
    page.screenshot(path=OUT / "designer-traffic.png")
    page.get_by_test_id("traffic-clear").click()


HOTLINE_CALLS = (
    *[
        (f"2026-11-23T09:{10 * i:02d}", f"0571888800{i:02d}", ["dtmf:1", "agent:15", "agent-hangup:60", "dtmf:1"])
        for i in range(5)
    ],
    *[(f"2026-11-23T10:{10 * i:02d}", f"1380000{i:04d}", ["dtmf:2", "dtmf:2", "hangup"]) for i in range(4)],
    *[(f"2026-11-23T11:{10 * i:02d}", f"0101234{i:04d}", ["dtmf:3", "hangup"]) for i in range(2)],
    ("2026-11-23T14:00", "01012345678", ["dtmf:5", "hangup"]),
)
"""Five callers wait for an agent, four hear the policy information, two go to the mailbox, one hangs up."""

TESTED = ("greeting", "main menu: 1 ", "queue")
"""The hotline's test cases kept for the heat map beside the tests (the greeting, key 1 and the agent queues), as if
the others were not written yet."""


def records(browser: Browser) -> None:
    """The hotline published, a Monday's calls saved, its tests cut to the greeting, key 1 and queue cases: the
    heat map, then the heat map beside those tests."""
    with running_service(Path(tempfile.mkdtemp())) as service:
        page = logged_in(browser, service.url, service.passwords["admin"])
        url, origin = service.url, {"Origin": service.url}
        published = page.request.post(f"{url}/api/flows/hotline_12345/publish", headers=origin, data={"comment": "v1"})
        assert published.ok, published.text()
        for at, caller, steps in HOTLINE_CALLS:
            body = {"version": 1, "at": at, "from": caller, "input": steps, "save": True}
            answer = page.request.post(f"{url}/api/flows/hotline_12345/simulate", headers=origin, data=body)
            assert answer.ok, answer.text()
        for suite in page.request.get(f"{url}/api/flows/hotline_12345/tests").json()["suites"]:
            where = f"{url}/api/flows/hotline_12345/tests?suite={suite['suite']}"
            headers = {**origin, "If-Match": f'"{suite["revision"]}"'}
            if suite["suite"]:
                deleted = page.request.delete(where, headers={**headers, "Content-Type": "application/json"})
                assert deleted.ok, deleted.text()
                continue
            yaml = YAML()
            data = yaml.load(suite["text"])
            data["cases"] = [case for case in data["cases"] if str(case["name"]).startswith(TESTED)]
            text = io.StringIO()
            yaml.dump(data, text)
            saved = page.request.put(
                where, headers={**headers, "Content-Type": "application/yaml"}, data=text.getvalue().encode()
            )
            assert saved.ok, saved.text()
        page.goto(f"{url}/#/flows/hotline_12345/heatmap")
        expect(page.locator("[data-testid=editor][data-laid-out=yes]")).to_be_visible()
        page.get_by_test_id("heatmap-from").fill("2026-11-01")
        page.get_by_test_id("heatmap-to").fill("2026-11-30")
        expect(page.get_by_test_id("heatmap-calls")).to_contain_text("12")
        page.get_by_role("button", name="放大").click()
        page.screenshot(path=OUT / "designer-heatmap.png")
        page.get_by_test_id("heatmap-coverage-toggle").check()
        expect(page.get_by_test_id("heat-coverage")).to_have_attribute("data-state", "ready")
        page.screenshot(path=OUT / "designer-heatmap-coverage.png")


def logged_in(browser: Browser, url: str, password: str) -> Page:
    """A new page, logged in as the admin."""
    page = browser.new_page(viewport={"width": 1600, "height": 960}, locale="zh-CN")
    page.goto(url + "/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("flows")).to_be_visible()
    return page


def main() -> None:
    """Serve the examples, log in, and photograph each screen."""
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = set(sys.argv[1:]) or {"designer", "records"}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        if "designer" in wanted:
            designer(browser)
        if "records" in wanted:
            records(browser)
        browser.close()
    print(f"wrote screenshots into {OUT}")


def designer(browser: Browser) -> None:
    """The designer's screens on the examples."""
    with running_service(Path(tempfile.mkdtemp())) as service:
        page = logged_in(browser, service.url, service.passwords["admin"])
        page.screenshot(path=OUT / "designer-flows.png")
        page.goto(f"{service.url}/#/flows/hotline_12345")
        expect(page.locator("[data-testid=editor][data-laid-out=yes]")).to_be_visible()
        page.get_by_role("button", name="放大").click()
        page.get_by_role("button", name="放大").click()
        page.screenshot(path=OUT / "designer-canvas.png")
        page.get_by_test_id("tab-phone").click()
        page.get_by_test_id("call-at").fill("2026-11-20T17:31")
        page.get_by_test_id("call").click()
        expect(page.get_by_test_id("call-state")).to_be_visible()
        page.screenshot(path=OUT / "designer-phone.png")
        page.get_by_test_id("tab-tests").click()
        page.get_by_test_id("run-tests").click()
        expect(page.get_by_test_id("tests-summary")).to_be_visible()
        page.screenshot(path=OUT / "designer-coverage.png")
        capacity(page, service.url)
        expect(page.locator("[data-testid=editor][data-laid-out=yes]")).to_be_visible()
        page.get_by_test_id("publish").click()
        page.locator("[data-testid=publish-dialog] textarea[name=comment]").fill("as imported")
        page.get_by_test_id("publish-confirm").click()
        expect(page.get_by_test_id("published")).to_be_visible()
        page.get_by_role("button", name="关闭").click()
        select_node(page, "greet")
        page.get_by_test_id("prompt-greeting-zh-CN").fill("您好，欢迎致电市民热线。")
        select_node(page, "main_menu")
        page.locator('[data-testid=exits] select[data-exit="key 9"]').select_option("closed_notice")
        select_node(page, "english")
        page.get_by_test_id("delete-node").click()
        wait_saved(page)
        page.get_by_test_id("tab-versions").click()
        page.get_by_test_id("diff-draft").click()
        expect(page.get_by_test_id("affected-case").first).to_be_visible()
        page.locator("[data-testid=prompt-changes] li[data-prompt=greeting] button[data-node=greet]").click()
        page.wait_for_timeout(500)  # the centring's animation; a picture, not a test
        page.screenshot(path=OUT / "designer-diff.png")


if __name__ == "__main__":
    main()
