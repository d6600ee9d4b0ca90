"""A node type from another package (`tests/support/third_party`, registered in `callflow.nodes` by its own
dist-info) reaches the designer with no change in `designer/`: in the palette under its category, with its form
generated from its schema and one handle per exit, and in flows the service checks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from designer_browser import Designer
from designer_steps import add_node, select_node, wait_saved, wire
from flow_service import REPOSITORY, FlowService, running_service
from playwright.sync_api import expect

THIRD_PARTY = REPOSITORY / "tests" / "support" / "third_party"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlowService]:
    """A service with the `callflow-sms` package installed beside Callflow."""
    data: Path = tmp_path_factory.mktemp("callflow-data")
    with running_service(data, python_path=THIRD_PARTY) as running:
        yield running


def test_the_service_lists_the_installed_node_type(designer: Designer) -> None:
    """`GET /api/nodes` has `sms` with its parameters' schema and its exits, as for a built-in type."""
    page = designer.page("editor", locale="en")
    nodes = page.request.get(f"{designer.service.url}/api/nodes").json()
    listed = {n["type"]: n for n in nodes["nodes"]}
    assert "sms" in listed, sorted(listed)
    sms = listed["sms"]
    assert [e["name"] for e in sms["exits"]] == ["sent", "failed"]
    assert set(sms["params_schema"]["properties"]) >= {"text", "sender"}
    assert (sms["label"], sms["category"], sms["key_param"]) == ("Text message", "Messaging", "text")


def test_a_third_party_node_is_added_from_the_palette_with_its_form_and_exits(designer: Designer) -> None:
    """The palette shows the type under its own category; added to a flow, it has a handle per exit, its form has
    its parameters, and the flow it is wired into checks clean."""
    page = designer.page("editor", locale="en")
    page.get_by_test_id("new-flow").click()
    page.locator("input[name=flow-name]").fill("texting")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("[data-testid=editor][data-laid-out=yes]")).to_be_visible()
    select_node(page, "start")
    page.get_by_test_id("delete-node").click()
    expect(page.locator(".react-flow__node")).to_have_count(0)
    item = page.locator(".palette-item[data-type=sms]")
    expect(item).to_contain_text("Text message")
    expect(page.locator("[data-testid=palette] section", has=item).locator("h4")).to_have_text("Messaging")

    sms = add_node(page, "sms")
    node = page.get_by_test_id(f"node-{sms}")
    expect(node.locator(".react-flow__handle.source")).to_have_count(2)
    expect(node).to_contain_text("sent")
    expect(node).to_contain_text("failed")
    form = page.get_by_test_id("inspector")
    text = form.locator("input[id$=_text], textarea[id$=_text]").first
    expect(text).to_be_visible()
    text.fill("Your case number is on its way.")
    expect(form.locator("[id$=_sender]").first).to_be_attached()

    bye = add_node(page, "hangup")
    wire(page, sms, "sent", bye)
    wait_saved(page)
    expect(node).to_contain_text("Your case number is on its way.")
    page.get_by_test_id("tab-checks").click()
    expect(page.locator(f".check[data-node={sms}]")).to_have_count(0)
    page.get_by_test_id("view-text").click()
    expect(page.locator(".cm-content")).to_contain_text('sms "Your case number is on its way."')
