"""The capacity page: a day of callers through the hotline started from the page, followed while it runs and
cancelled; a small run's figures shown as the service computed them, its report's charts in a sandboxed frame,
its traffic painted on the canvas; a viewer reads runs but starts none."""

from __future__ import annotations

import re

from designer_browser import Designer
from playwright.sync_api import Page, expect

FLOW = "hotline_12345"
MONDAY_10 = "2026-11-23T10:00"


def open_capacity(page: Page, designer: Designer) -> None:
    """From the flow's canvas to its capacity page, the form filled in from the flow and the environment."""
    designer.open_flow(page, FLOW)
    page.get_by_test_id("open-capacity").click()
    expect(page.get_by_test_id("load-form")).to_be_visible()


def fill_run(page: Page, calls_per_hour: int, duration: str, agents: dict[str, int | str]) -> None:
    """Ask for a run on Monday morning with calls at a rate and agents per queue."""
    page.get_by_test_id("calls-per-hour").fill(str(calls_per_hour))
    page.get_by_test_id("duration").fill(duration)
    page.get_by_test_id("start").fill(MONDAY_10)
    for queue, count in agents.items():
        page.get_by_test_id(f"agents-{queue}").fill(str(count))


def job_id(page: Page) -> str:
    """The job the page follows, from its address."""
    match = re.search(r"/capacity/([0-9a-f]+)$", page.url)
    assert match, page.url
    return match.group(1)


def test_a_run_started_on_the_page_shows_progress_then_cancels(designer: Designer) -> None:
    """A caller mix that is no YAML and a run the service cannot make are refused with their reasons; a long
    day started from the page shows its progress bar moving with the calls ended, and cancel stops it."""
    page = designer.page("editor")
    open_capacity(page, designer)
    expect(page.get_by_test_id("callers")).to_have_value(re.compile("case status"))  # the bundled example mix
    fill_run(page, 6000, "24h", {"hotline": 40, "hotline-local": ""})
    mix = page.get_by_test_id("callers").input_value()
    page.get_by_test_id("callers").fill("callers: [")
    page.get_by_test_id("start-run").click()  # refused on the page: the mix is no YAML
    expect(page.get_by_test_id("capacity-error")).to_be_visible()
    page.get_by_test_id("callers").fill(mix)
    page.get_by_test_id("start-run").click()  # refused at once: the service names the queue without agents
    expect(page.get_by_test_id("capacity-error")).to_contain_text("hotline-local")
    expect(page.get_by_test_id("job")).to_have_count(0)
    page.get_by_test_id("agents-hotline-local").fill("15")
    page.get_by_test_id("start-run").click()

    progress = page.get_by_test_id("job-progress")
    expect(progress).to_have_attribute("data-status", "running")
    expect(page.get_by_test_id("progress-calls")).to_have_text(re.compile(r"[1-9]"))
    expect(progress).to_have_attribute("data-progress", re.compile(r"^[1-9][0-9]*$"))
    expect(page.get_by_test_id("start-run")).to_be_disabled()
    page.get_by_test_id("cancel-run").click()
    expect(page.get_by_test_id("job")).to_have_attribute("data-status", "cancelled")
    job = page.request.get(f"{designer.service.url}/api/jobs/{job_id(page)}").json()
    assert job["status"] == "cancelled"
    assert 0 < job["calls"] < 6000 * 24


def test_a_small_run_shows_the_figures_the_report_and_the_traffic_on_the_canvas(designer: Designer) -> None:
    """An hour of the hotline's example callers: the page's key figures per queue are the service's, containment
    and voicemail are shown, the report's charts load in a sandboxed frame, and the canvas is painted with the
    calls through each node and exit."""
    page = designer.page("editor")
    open_capacity(page, designer)
    fill_run(page, 240, "1h", {"hotline": 4, "hotline-local": 2})
    page.get_by_test_id("start-run").click()
    results = page.get_by_test_id("load-results")
    expect(results).to_be_visible()

    job = page.request.get(f"{designer.service.url}/api/jobs/{job_id(page)}").json()
    result = job["result"]
    assert result["calls"]["arrived"] > 100
    figures = page.get_by_test_id("queue-figures")
    for queue in ("hotline", "hotline-local"):
        row, total = figures.locator(f"tr[data-queue='{queue}']"), result["queues"][queue]["total"]
        assert total["offered"] > 0
        for figure in ("offered", "answered", "abandoned"):
            expect(row.locator(f"[data-figure={figure}]")).to_have_text(str(total[figure]))
        expect(row.locator("[data-figure=service_level]")).to_have_text(f"{total['service_level'] * 100:.1f} %")
        expect(row.locator("[data-figure=asa_s]")).to_have_text(f"{total['asa_s']:.1f} s")
        expect(row.locator("[data-figure=occupancy]")).to_have_text(f"{total['occupancy'] * 100:.1f} %")
    calls = page.get_by_test_id("call-figures")
    expect(calls.locator("[data-figure=arrived] .tile-value")).to_have_text(str(result["calls"]["arrived"]))
    containment = f"{result['calls']['containment'] * 100:.1f} %"
    expect(calls.locator("[data-figure=containment] .tile-value")).to_have_text(containment)
    voicemail = result["calls"]["outcomes"]["voicemail"]
    expect(calls.locator("[data-figure=voicemail] .tile-value")).to_have_text(str(voicemail))
    types = page.get_by_test_id("caller-types")
    types.locator("summary").click()
    expect(types.locator("tbody tr")).to_have_count(len(result["callers"]))
    for caller in result["callers"]:
        expect(types.locator("tbody tr", has_text=caller["name"]).first).to_contain_text(str(caller["calls"]))

    frame = page.get_by_test_id("report-frame")
    expect(frame).to_have_attribute("sandbox", "")
    expect(page.frame_locator("[data-testid=report-frame]").locator("svg").first).to_be_visible()

    page.get_by_test_id("paint-traffic").click()
    expect(page.get_by_test_id("traffic-legend")).to_be_visible()
    nodes = result["nodes"][FLOW]
    expect(page.get_by_test_id("node-start")).to_have_attribute("data-visits", str(nodes["start"]["visits"]))
    assert nodes["start"]["visits"] == result["calls"]["arrived"]
    busiest = max(nodes, key=lambda node: nodes[node]["visits"])
    expect(page.get_by_test_id(f"node-{busiest}")).to_have_class(re.compile(r"(^|\s)heat-5(\s|$)"))
    menu_exits = nodes["main_menu"]["exits"]
    key = max(menu_exits, key=lambda exit_name: menu_exits[exit_name])
    page.keyboard.press("Control+f")  # centred at a zoom that shows the exits' names
    page.get_by_test_id("search").fill("main_menu")
    page.get_by_test_id("search").press("Enter")
    taken = page.get_by_test_id("node-main_menu").locator(f".fexit[data-taken='{menu_exits[key]}']")
    expect(taken.first).to_contain_text(key)
    untouched = [node for node, traffic in nodes.items() if traffic["visits"] == 0]
    if untouched:
        expect(page.get_by_test_id(f"node-{untouched[0]}")).to_have_class(re.compile(r"(^|\s)heat-0(\s|$)"))
    page.get_by_test_id("traffic-clear").click()
    expect(page.get_by_test_id("traffic-legend")).to_have_count(0)
    expect(page.get_by_test_id("node-start")).not_to_have_attribute("data-visits", re.compile(".*"))


def test_a_viewer_reads_a_run_but_starts_none(designer: Designer) -> None:
    """A viewer reaches the capacity page and opens an editor's run from the flow's runs, with no way to start or
    cancel one; the service refuses the viewer's run as well."""
    editor = designer.page("editor")
    started = editor.request.post(
        f"{designer.service.url}/api/flows/{FLOW}/load",
        headers={"Origin": designer.service.url},
        data={"calls_per_hour": 60, "start": MONDAY_10, "agents": {"hotline": 3, "hotline-local": 2}, "aht": 200},
    )
    assert started.status == 202, started.text()
    job = started.json()["id"]

    viewer = designer.page("viewer")
    open_capacity(viewer, designer)
    expect(viewer.get_by_test_id("viewer-note")).to_be_visible()
    expect(viewer.get_by_test_id("start-run")).to_have_count(0)
    expect(viewer.get_by_test_id("calls-per-hour")).to_be_disabled()
    viewer.get_by_test_id("recent-runs").locator(f"li[data-job='{job}'] a").click()
    expect(viewer.get_by_test_id("load-results")).to_be_visible()
    expect(viewer.get_by_test_id("queue-figures").locator("tr[data-queue=hotline]")).to_be_visible()
    asked = viewer.get_by_test_id("asked")  # what the run was asked, not what the form now holds
    expect(asked).to_contain_text("2026-11-23 10:00")
    expect(asked).to_contain_text("hotline: 3")
    expect(asked).to_contain_text("hotline-local: 2")
    expect(viewer.get_by_test_id("cancel-run")).to_have_count(0)
    refused = viewer.request.post(
        f"{designer.service.url}/api/flows/{FLOW}/load",
        headers={"Origin": designer.service.url},
        data={"calls_per_hour": 60, "agents": {"hotline": 3, "hotline-local": 2}, "aht": 200},
    )
    assert refused.status == 403


def test_a_profile_from_a_file_with_a_staffing_search_shows_the_agents_found_beside_erlang_c(
    designer: Designer,
) -> None:
    """Arrivals from a CSV file chosen on the page, the fewest agents searched for one queue: the page shows, for
    each of the profile's intervals, the agents the service found and Erlang C's answer; put into the form, they
    run as agents per interval."""
    page = designer.page("editor")
    open_capacity(page, designer)
    page.get_by_test_id("arrivals-profile").click()
    page.get_by_test_id("profile-file").set_input_files(
        files=[{"name": "two.csv", "mimeType": "text/csv", "buffer": b"start,calls\n10:00,90\n10:30,120\n"}]
    )
    expect(page.get_by_test_id("profile")).to_have_value(re.compile("10:30,120"))
    page.get_by_test_id("duration").fill("")
    page.get_by_test_id("start").fill("2026-11-23T00:00")
    page.get_by_test_id("agents-hotline-local").fill("10")
    page.get_by_test_id("find-hotline").check()
    page.get_by_test_id("start-run").click()
    staffing = page.get_by_test_id("staffing")
    expect(staffing).to_be_visible()

    search = page.request.get(f"{designer.service.url}/api/jobs/{job_id(page)}").json()["result"]
    (found,) = search["queues"]
    assert found["queue"] == "hotline"
    assert [row["start"][11:16] for row in found["intervals"]] == ["10:00", "10:30"]
    rows = staffing.locator("table[data-staffing=hotline] tbody tr")
    expect(rows).to_have_count(2)
    for row in found["intervals"]:
        shown = staffing.locator(f"tr[data-start='{row['start']}']")
        expect(shown.locator("[data-figure=agents]")).to_have_text(str(row["agents"]))
        expect(shown.locator("[data-figure=erlang_c]")).to_have_text(str(row["erlang_c"]))
    expect(page.get_by_test_id("queue-figures").locator("tr[data-queue=hotline]")).to_be_visible()

    found_agents = [row["agents"] for row in found["intervals"]]
    page.get_by_test_id("adopt-staffing").click()  # the agents found, one per interval, run as a day of their own
    expect(page.get_by_test_id("agents-hotline")).to_have_value(", ".join(map(str, found_agents)))
    expect(page.get_by_test_id("find-hotline")).not_to_be_checked()
    searched = job_id(page)
    page.get_by_test_id("start-run").click()
    page.wait_for_url(lambda url: "/capacity/" in url and not url.endswith(searched))
    expect(page.get_by_test_id("load-results")).to_be_visible()
    expect(page.get_by_test_id("staffing")).to_have_count(0)
    day = page.request.get(f"{designer.service.url}/api/jobs/{job_id(page)}").json()["result"]
    assert [round(row["agents"]) for row in day["queues"]["hotline"]["intervals"]] == found_agents


def test_the_draft_compared_with_its_own_published_version_differs_in_nothing(designer: Designer) -> None:
    """The same day through the draft and the version published from it, with the same random numbers: both
    columns are shown and every difference is nil."""
    admin = designer.page("admin")
    published = admin.request.post(
        f"{designer.service.url}/api/flows/{FLOW}/publish",
        headers={"Origin": designer.service.url},
        data={"comment": "for the comparison"},
    )
    assert published.ok, published.text()
    version = published.json()["version"]
    open_capacity(admin, designer)
    fill_run(admin, 120, "1h", {"hotline": 3, "hotline-local": 2})
    admin.get_by_test_id("compare-with").select_option(str(version))
    admin.get_by_test_id("start-run").click()
    comparison = admin.get_by_test_id("comparison")
    expect(comparison).to_be_visible()
    differences = comparison.locator("[data-figure=difference]")
    assert differences.count() > 10
    for text in differences.all_inner_texts():
        assert not text.startswith(("+", "−")), text
    result = admin.request.get(f"{designer.service.url}/api/jobs/{job_id(admin)}").json()["result"]
    assert result["first"]["calls"] == result["second"]["calls"]
