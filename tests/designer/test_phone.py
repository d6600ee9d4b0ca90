"""The phone panel streams the simulated call: prompts appear as the service sends them and play one after
another (only those the caller has not heard yet), the path lights node by node and can be stepped through."""

from __future__ import annotations

import re

from designer_browser import Designer
from playwright.sync_api import Request, expect

GREETING = "您好，欢迎致电12345市民服务热线。"
SELF_SERVICE = "查询工单进度请按1，听取政策信息请按2，返回上级菜单请按0。"


def has_class(name: str) -> re.Pattern[str]:
    """A class list that contains `name`."""
    return re.compile(rf"(^|\s){name}(\s|$)")


def test_a_streamed_call_shows_and_plays_each_new_prompt_and_lights_its_path(designer: Designer) -> None:
    """The call comes as server-sent events; a key press plays only the prompts that follow it; stepping back
    unlights the last node."""
    page = designer.page("editor")
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    designer.open_flow(page, "hotline_12345")
    page.get_by_test_id("tab-phone").click()
    page.get_by_label("播放提示音").check()
    page.get_by_test_id("call-at").fill("2026-11-20T10:00")
    with (
        page.expect_response(lambda r: r.url.endswith("/prompts/greeting/zh-CN.wav")) as greeting,
        page.expect_response(lambda r: r.url.endswith("/simulate")) as simulated,
    ):
        page.get_by_test_id("call").click()
    assert simulated.value.request.headers["accept"] == "text/event-stream"
    assert simulated.value.headers["content-type"].startswith("text/event-stream")
    assert greeting.value.status in (200, 206)  # the audio element may ask for a range
    transcript = page.get_by_test_id("transcript")
    expect(transcript).to_contain_text(GREETING)
    expect(page.get_by_test_id("call-state")).to_have_attribute("data-waiting", "yes")
    expect(page.get_by_test_id("node-main_menu")).to_have_class(has_class("lit"))

    before = len(requests)
    with page.expect_response(lambda r: r.url.endswith("/prompts/self_service/zh-CN.wav")):
        page.locator(".keypad button[data-key='2']").click()
    expect(transcript.locator(".ev-new.ev-prompt")).to_have_text([re.compile(SELF_SERVICE)])
    expect(transcript.locator(".ev-prompt:not(.ev-new)").first).to_contain_text(GREETING)
    expect(page.get_by_test_id("node-self_service")).to_have_class(has_class("lit"))
    replayed = [r.url for r in requests[before:] if r.url.endswith(".wav")]
    assert not any("/prompts/greeting/" in url for url in replayed), replayed

    page.get_by_role("button", name="◀").click()
    expect(page.get_by_test_id("node-self_service")).not_to_have_class(has_class("lit"))
    expect(page.get_by_test_id("node-main_menu")).to_have_class(has_class("lit"))
