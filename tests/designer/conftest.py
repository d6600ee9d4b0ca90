"""Browser tests of the designer: Debian's chromium driven by Playwright against a real `callflow serve` with a
fresh data folder per test module. Every wait is for an element or a state, never a pause."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from designer_browser import Designer
from flow_service import REPOSITORY, FlowService, running_service
from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver, per test module: it runs an event loop in this thread while it lives, and the tests of
    other folders call `asyncio.run()`, which refuses to start inside one."""
    if not (REPOSITORY / "designer" / "dist" / "index.html").is_file():
        pytest.fail("the designer is not built: run `make setup`")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's chromium, launched by its path (Playwright downloads no browser here)."""
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlowService]:
    """A fresh service per test module, the examples imported."""
    data: Path = tmp_path_factory.mktemp("callflow-data")
    with running_service(data) as running:
        yield running


@pytest.fixture
def designer(browser: Browser, service: FlowService) -> Iterator[Designer]:
    """The designer on the module's service; fails the test on any page error or CSP violation."""
    helper = Designer(browser, service)
    yield helper
    helper.close()
    assert helper.errors == []
