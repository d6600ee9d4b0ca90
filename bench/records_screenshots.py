"""Screenshots of the records' pages for docs/records.md: the dashboard, a report with its charts, the voicemail
inbox, the heat map on the canvas and the heat map beside the tests (the hotline's tests cut to a few), over a
month of the hotline's mix of calls (the calls of `bench/records_speed.py`, written through the same `RecordBook`)
and a few of today's.

Run: `.venv/bin/python bench/records_screenshots.py`.
"""

from __future__ import annotations

import io
import random
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

from designer_screenshots import ARGS, OUT
from flow_service import CALLFLOW, running_service
from playwright.sync_api import Browser, Page, expect, sync_playwright
from records_speed import SHANGHAI, call_like, moments, templates
from ruamel.yaml import YAML

from callflow.runtime.call_record import CallOrigin
from callflow.runtime.service.records import RecordBook
from callflow.runtime.store.call_records import packed_text

MONTH_CALLS = 3000
TODAY_CALLS = 240
TESTED = ("greeting", "main menu: 1 ", "queue")
"""The hotline's test cases kept for the heat map beside the tests (the greeting, key 1 and the agent queues), as if
the others were not written yet: what callers take beyond them stands out."""
MESSAGES = (
    ("13800000004", "路灯坏了，请派人修理。", "zh-CN"),
    ("057188881234", "我想预约下周的门诊。", "zh-CN"),
    ("13900000011", "The bus stop sign on Main Street has fallen down.", "en"),
)


def fill(data: Path) -> None:
    """November's calls by a hotline's hours, today's calls so far, three messages with their audio, and a year's
    retention."""
    rng = random.Random(12345)
    mix = templates()
    for template in mix:
        template["packed_events"] = packed_text(template.pop("events"))
    now = datetime.now(SHANGHAI)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    today = sorted(midnight + (now - midnight) * rng.random() for _ in range(TODAY_CALLS))
    book = RecordBook(data)
    for number, start in enumerate([*moments(MONTH_CALLS, rng), *today], 1):
        book.writer.submit("call", call_like(rng.choice(mix), number, start))
    origin = CallOrigin("default", "hotline_12345", 1, "live")
    for index, (caller, words, language) in enumerate(MESSAGES):
        audio = data / f"message-{index}.wav"
        voice = "cmn" if language == "zh-CN" else "en"
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(audio), words], check=True)
        time = (now - timedelta(hours=3 * index + 1)).isoformat(timespec="seconds")
        message = {"mailbox": "mayor", "caller": caller, "time": time, "seconds": 4.0, "language": language}
        book.voicemail(origin, {**message, "call_id": f"message-{index}", "file": str(audio)})
    assert book.flush(120), "the records were not written"
    book.close()
    # a year kept, and pruned once (nothing that old yet): the dashboard's "keeping records"
    for command in (["retention", "365"], ["prune"]):
        subprocess.run([CALLFLOW, "records", *command, "--data", str(data)], check=True, capture_output=True)


def publish(page: Page, url: str) -> None:
    """Publish the imported hotline as version 1, the version the month's calls ran."""
    answer = page.request.post(
        f"{url}/api/flows/hotline_12345/publish", headers={"Origin": url}, data={"comment": "as imported"}
    )
    assert answer.ok, answer.text()


def cut_tests(page: Page, url: str) -> None:
    """Keep only the TESTED cases of the hotline's main suite, and drop its other suites."""
    origin = {"Origin": url, "Content-Type": "application/yaml"}
    for suite in page.request.get(f"{url}/api/flows/hotline_12345/tests").json()["suites"]:
        where = f"{url}/api/flows/hotline_12345/tests?suite={suite['suite']}"
        headers = {**origin, "If-Match": f'"{suite["revision"]}"'}
        if suite["suite"]:
            deleted = page.request.delete(where, headers=headers)
            assert deleted.ok, deleted.text()
            continue
        yaml = YAML()
        data = yaml.load(suite["text"])
        data["cases"] = [case for case in data["cases"] if str(case["name"]).startswith(TESTED)]
        text = io.StringIO()
        yaml.dump(data, text)
        saved = page.request.put(where, headers=headers, data=text.getvalue().encode())
        assert saved.ok, saved.text()


def photograph(page: Page, url: str) -> None:
    """Each records page in turn."""
    page.get_by_test_id("nav-dashboard").click()
    expect(page.get_by_test_id("figure-calls")).to_be_visible()
    page.screenshot(path=OUT / "records-dashboard.png")
    page.get_by_test_id("nav-reports").click()
    page.get_by_test_id("report-tab-queues").click()
    page.get_by_test_id("report-from").fill("2026-11-01")
    page.get_by_test_id("report-to").fill("2026-11-30")
    expect(page.get_by_test_id("report-scope")).to_contain_text("2026-11-01")
    expect(page.get_by_test_id("report-line").locator("svg path").first).to_be_attached()
    page.wait_for_timeout(800)  # the charts' entry animation; a picture, not a test
    page.screenshot(path=OUT / "records-report.png")
    page.get_by_test_id("nav-voicemail").click()
    expect(page.get_by_test_id("voicemail-table")).to_be_visible()
    page.screenshot(path=OUT / "records-voicemail.png")
    page.goto(f"{url}/#/flows/hotline_12345")
    expect(page.locator("[data-testid=editor][data-laid-out=yes]")).to_be_visible()
    page.get_by_test_id("open-heatmap").click()
    page.get_by_test_id("heatmap-from").fill("2026-11-01")
    page.get_by_test_id("heatmap-to").fill("2026-11-30")
    expect(page.get_by_test_id("node-main_menu")).to_have_attribute("data-visits", re.compile(r"[1-9]\d*"))
    page.get_by_role("button", name="放大").click()
    page.screenshot(path=OUT / "records-heatmap.png")
    cut_tests(page, url)
    page.get_by_test_id("heatmap-coverage-toggle").check()
    expect(page.get_by_test_id("heat-coverage")).to_have_attribute("data-state", "ready")
    page.screenshot(path=OUT / "records-heatmap-coverage.png")


def shoot(browser: Browser, url: str, password: str) -> None:
    """Log in as the admin, publish the hotline, and photograph."""
    page = browser.new_page(viewport={"width": 1600, "height": 960}, locale="zh-CN")
    page.goto(url + "/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("flows")).to_be_visible()
    publish(page, url)
    photograph(page, url)
    browser.close()


def main() -> None:
    """Serve the examples with a month of records, log in, and photograph each records page."""
    OUT.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp())
    with running_service(data) as service:
        fill(data)  # before Playwright's event loop starts: the templates are simulated with asyncio
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            shoot(browser, service.url, service.passwords["admin"])
    print(f"wrote screenshots into {OUT}")


if __name__ == "__main__":
    main()
