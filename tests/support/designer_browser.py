"""The designer in a browser for tests: contexts logged in as a user, page errors recorded, flows opened."""

from __future__ import annotations

from flow_service import FlowService
from playwright.sync_api import Browser, BrowserContext, Page, expect

DEADLINE_MS = 60_000
"""How long an element may take to appear on a loaded machine; a deadline, not a measurement."""

expect.set_options(timeout=DEADLINE_MS)


class Designer:
    """Opens browser contexts on the service, each logged in as one user, and records page errors."""

    def __init__(self, browser: Browser, service: FlowService) -> None:
        self.browser = browser
        self.service = service
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []

    def page(self, user: str = "admin", locale: str = "zh-CN", timezone_id: str | None = None) -> Page:
        """A new context's page, logged in through the login form (the browser's time zone `timezone_id`, when
        given, else the machine's)."""
        context = self.browser.new_context(
            locale=locale, viewport={"width": 1600, "height": 1000}, timezone_id=timezone_id
        )
        context.set_default_timeout(DEADLINE_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda m: self.errors.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(self.service.url + "/")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", self.service.passwords[user])
        page.click("button[type=submit]")
        expect(page.get_by_test_id("flows")).to_be_visible()
        return page

    def open_flow(self, page: Page, name: str) -> None:
        """Open a flow and wait until it is laid out on the canvas."""
        page.goto(f"{self.service.url}/#/flows/{name}")
        expect(page.locator("[data-testid=editor][data-laid-out=yes]")).to_be_visible()
        expect(page.locator(".react-flow__node").first).to_be_visible()

    def close(self) -> None:
        """Close every context this test opened."""
        for context in self.contexts:
            context.close()
