"""Screenshots of the designer's main screens for docs/designer.md and the README: the flow list, the hotline on
the canvas, the phone panel mid-call, coverage after running the tests, a capacity run's figures and its traffic on
the canvas, the semantic diff on the canvas.

Run: `.venv/bin/python bench/designer_screenshots.py`.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

from designer_steps import select_node, wait_saved
from flow_service import REPOSITORY, running_service
from playwright.sync_api import Page, expect, sync_playwright

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


def main() -> None:
    """Serve the examples, log in, and photograph each screen."""
    OUT.mkdir(parents=True, exist_ok=True)
    with running_service(Path(tempfile.mkdtemp())) as service, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 960}, locale="zh-CN")
        page.goto(service.url + "/")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", service.passwords["admin"])
        page.click("button[type=submit]")
        expect(page.get_by_test_id("flows")).to_be_visible()
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
        browser.close()
    print(f"wrote screenshots into {OUT}")


if __name__ == "__main__":
    main()
