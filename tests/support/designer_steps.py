"""Steps a user takes in the designer, written once for the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def add_node(page: Page, node_type: str) -> str:
    """Add a node from the palette (below the selected node); the new node's id."""
    before = (
        page.get_by_test_id("inspector").get_attribute("data-node")
        if page.get_by_test_id("inspector").count()
        else None
    )
    page.locator(f".palette-item[data-type={node_type}]").click()
    inspector = page.get_by_test_id("inspector")
    expect(inspector).not_to_have_attribute("data-node", before or "")
    node_id = inspector.get_attribute("data-node")
    assert node_id and node_id.startswith(node_type)
    return node_id


def select_node(page: Page, node_id: str) -> None:
    """Click a node on the canvas and wait for its form."""
    page.get_by_test_id(f"node-{node_id}").click()
    page.get_by_test_id("tab-properties").click()
    expect(page.get_by_test_id("inspector")).to_have_attribute("data-node", node_id)


def wire(page: Page, node_id: str, exit_name: str, target: str) -> None:
    """Connect an exit from the node's form (the keyboard way)."""
    select_node(page, node_id)
    page.locator(f'[data-testid=exits] select[data-exit="{exit_name}"]').select_option(target)


def add_exit(page: Page, node_id: str, exit_name: str, target: str) -> None:
    """Add a family exit (a menu key) leading to a node."""
    select_node(page, node_id)
    form = page.locator("form.add-exit")
    form.locator("input[name=exit]").fill(exit_name)
    form.locator("select[name=target]").select_option(target)
    form.locator("button[type=submit]").click()
    expect(page.locator(f'[data-testid=exits] select[data-exit="{exit_name}"]')).to_have_value(target)


def wait_saved(page: Page) -> None:
    """Wait until autosave has the service's revision of every change."""
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-status", "saved")


def new_prompt(page: Page, prompt_id: str, texts: dict[str, str]) -> None:
    """Create a prompt from the selected node's prompt field and type its texts."""
    page.once("dialog", lambda dialog: dialog.accept(prompt_id))
    page.locator(".prompt-editor button", has_text="+").first.click()
    for language, text in texts.items():
        page.get_by_test_id(f"prompt-{prompt_id}-{language}").fill(text)
