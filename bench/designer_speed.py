"""Designer speed in headless chromium, production build: generated flows of 100, 500 and 1,000 nodes served by a
real `callflow serve`. Measured: the time from navigation to the canvas drawn (every node in view on the canvas,
measured and shown: the designer's `callflow:drawn` mark), the layout's time in its worker, the time to show the
whole flow (the "fit view" button until every node is on the canvas), and the frame time while the canvas is
dragged and zoomed, at the opening view and with the whole flow in view. Targets (issue 13): 500 nodes drawn and
laid out in under 1 s each; 1,000 nodes pan at 30 frames per second or better. Writes its section of
docs/performance.md, unless `--callflow` measures another checkout's build (for a before/after comparison in the
same conditions: `--callflow /path/to/other/.venv/bin/callflow`, printed only)."""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import flow_service
import httpx
from check_speed import publish
from generate import generate
from playwright.sync_api import Page, sync_playwright

SIZES = (100, 500, 1000)
RUNS = 3
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
RECORD_FRAMES = """() => {
  window.__frames = [];
  window.__stop = false;
  const tick = (t) => {
    window.__frames.push(t);
    if (window.__frames.length < 100000 && !window.__stop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
# The designer's own mark; a build without it (before it existed) draws every node at once: all of them shown.
DRAWN = """n => performance.getEntriesByName('callflow:drawn').length > 0
  || (document.querySelector('[data-laid-out=yes]') && !document.querySelector('[data-drawn]')
      && document.querySelectorAll('.react-flow__node').length === n)"""
DRAWN_AT = "() => (performance.getEntriesByName('callflow:drawn')[0] || {startTime: performance.now()}).startTime"
WHOLE_FLOW = """async (n) => {
  const started = performance.now();
  document.querySelector('.react-flow__controls-fitview').click();
  await new Promise((done) => {
    const check = () => {
      const far = document.querySelector('[data-testid=far-view]');
      const shown = document.querySelectorAll('.react-flow__node.react-flow__node-flow');
      if (far && Number(far.getAttribute('data-drawn-boxes')) >= n) done();
      else if (shown.length >= n && [...shown].every((e) => e.style.visibility !== 'hidden')) done();
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  return performance.now() - started;
}"""


@dataclass(frozen=True)
class Row:
    """One flow size's figures (milliseconds; frames as median and 95th percentile intervals)."""

    size: int
    drawn: list[float]
    layout: list[float]
    whole: list[float]
    opening_frames: list[float]
    whole_frames: list[float]
    load_before: float
    load_after: float


def upload(url: str, password: str, name: str, text: str) -> None:
    """Create the flow through the API as its DSL text."""
    with httpx.Client(base_url=url, headers={"Origin": url}, timeout=120) as client:
        client.post("/api/login", json={"username": "admin", "password": password}).raise_for_status()
        answer = client.put(
            f"/api/flows/{name}",
            content=text.encode(),
            headers={"Content-Type": "text/x-callflow", "If-None-Match": "*"},
        )
        answer.raise_for_status()


def open_flow(page: Page, url: str, name: str, nodes: int) -> tuple[float, float]:
    """Navigate to the flow; (ms from navigation to the canvas drawn, ms the layout took in the worker)."""
    page.goto("about:blank")  # a fresh document each time: a hash change alone would not reload the page
    page.goto(f"{url}/#/flows/{name}")
    page.wait_for_function(DRAWN, arg=nodes, timeout=900_000)
    drawn = float(page.evaluate(DRAWN_AT))
    layout = float(page.locator("[data-testid=editor]").get_attribute("data-layout-ms") or "nan")
    return drawn, layout


def pan_and_zoom(page: Page) -> list[float]:
    """Drag the canvas around and zoom with the wheel while recording frame intervals (ms)."""
    page.evaluate(RECORD_FRAMES)
    box = page.locator(".react-flow__pane").bounding_box()
    assert box
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for _ in range(2):
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x - 400, y - 250, steps=60)
        page.mouse.move(x + 300, y + 200, steps=60)
        page.mouse.up()
        for delta in (-300, -300, 300, 300):
            page.mouse.wheel(0, delta)
            page.wait_for_timeout(50)  # let the wheel's frames happen; a pacing of input, not an assertion
    page.evaluate("() => { window.__stop = true; }")
    frames = [float(t) for t in page.evaluate("window.__frames")]
    intervals = [b - a for a, b in itertools.pairwise(frames)]
    if len(intervals) < 20:
        raise RuntimeError(f"only {len(intervals)} animation frames recorded while panning")
    return intervals


def measure(page: Page, url: str, size: int) -> Row:
    """One size: RUNS openings after a warm-up, then the whole flow shown, then panning in both views."""
    name = f"bench_{size}"
    load_before = os.getloadavg()[0]
    open_flow(page, url, name, size)  # warm-up
    drawn, layout, whole = [], [], []
    for _ in range(RUNS):
        d, lay = open_flow(page, url, name, size)
        drawn.append(d)
        layout.append(lay)
        whole.append(float(page.evaluate(WHOLE_FLOW, size)))
    open_flow(page, url, name, size)
    opening_frames = pan_and_zoom(page)
    page.evaluate(WHOLE_FLOW, size)
    whole_frames = pan_and_zoom(page)
    return Row(size, drawn, layout, whole, opening_frames, whole_frames, load_before, os.getloadavg()[0])


def frame_cells(intervals: list[float]) -> str:
    """Median / 95th percentile frame interval, and frames per second at the median."""
    ordered = sorted(intervals)
    median = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95)]
    return f"{median:.1f} / {p95:.1f} ({1000 / median:.0f})"


def best_median(values: list[float]) -> str:
    """Best / median."""
    return f"{min(values):.0f} / {statistics.median(values):.0f}"


def table(rows: list[Row]) -> list[str]:
    """The figures as a Markdown table."""
    lines = [
        "| nodes | drawn (ms) | layout in worker (ms) | whole flow shown (ms) | frame at opening view (ms, fps) "
        "| frame, whole flow in view (ms, fps) | load average before → after |",
        "|------:|-----------:|----------------------:|----------------------:|---:|---:|---:|",
    ]
    for r in rows:
        cells = [
            f"{r.size:,}",
            best_median(r.drawn),
            best_median(r.layout),
            best_median(r.whole),
            frame_cells(r.opening_frames),
            frame_cells(r.whole_frames),
            f"{r.load_before:.1f} → {r.load_after:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def run(callflow: Path | None) -> list[Row]:
    """Serve the generated flows with this checkout's (or another's) `callflow` and measure each size."""
    if callflow is not None:
        flow_service.CALLFLOW = callflow
    rows = []
    with flow_service.running_service(Path(tempfile.mkdtemp())) as service, sync_playwright() as driver:
        for size in SIZES:
            text = generate(size).text.replace("flow citizen_hotline", f"flow bench_{size}", 1)
            upload(service.url, service.passwords["admin"], f"bench_{size}", text)
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
        page.goto(service.url + "/")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", service.passwords["admin"])
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=flows]")
        for size in SIZES:
            rows.append(measure(page, service.url, size))
            print("\n".join(table(rows)[-1:]), flush=True)
        browser.close()
    return rows


def section(rows: list[Row]) -> str:
    """The designer's section of docs/performance.md."""
    today = datetime.date.today().isoformat()
    by = {r.size: r for r in rows}
    lines = [
        "## The designer",
        "",
        f"`bench/designer_speed.py`, {today}: generated flows (`bench/generate.py`) served by `callflow serve`, "
        "opened in headless chromium (Debian's, production build, 1600×1000, no GPU). Drawn = from navigation to "
        "every node in view on the canvas, measured and shown (page load, API calls and layout included); layout "
        "= the layout's time in its Web Worker (ELK up to 150 nodes, the tree layout past that); whole flow shown "
        "= from pressing “fit view” until every node is drawn (on the far view's canvas when the fitted zoom is below "
        "0.3, as it is for all three sizes); each best / median of "
        f"{RUNS} after a warm-up. Frame = interval between animation frames while the canvas is dragged and "
        "zoomed (median / 95th percentile, frames per second at the median), at the view a flow opens at (small "
        "flows: all of it; big flows: the start at a readable zoom) and with the whole flow in view. The "
        "1-minute load average is given for each size: the 2 CPUs are shared with other work.",
        "",
        *table(rows),
        "",
    ]
    if 500 in by:
        drawn, layout = statistics.median(by[500].drawn), statistics.median(by[500].layout)
        verdict = "met" if drawn < 1000 and layout < 1000 else "not met"
        lines.append(
            f"- 500 nodes drawn and laid out in under 1 s each: drawn {drawn:.0f} ms, layout {layout:.0f} ms "
            f"(medians) — {verdict}; the whole flow in view {statistics.median(by[500].whole):.0f} ms"
        )
    if 1000 in by:
        opening = 1000 / statistics.median(by[1000].opening_frames)
        whole = 1000 / statistics.median(by[1000].whole_frames)
        verdict = "met" if min(opening, whole) >= 30 else "met at the opening view only" if opening >= 30 else "not met"
        lines.append(
            f"- 1,000 nodes pan at 30 frames per second or better: {opening:.0f} at the opening view, {whole:.0f} "
            f"with the whole flow in view (medians) — {verdict}"
        )
    lines.append(NOTE)
    return "\n".join(lines)


NOTE = (
    "- What changed (profiled with Chrome's CPU profiler through CDP): ELK took 4–10 s for 500 nodes, and every "
    "node was rendered once just to be measured. Flows past 150 nodes are now laid out by a linear layered tree "
    "layout (d3-hierarchy) in the worker, which loads ELK only for smaller flows; every node tells React Flow "
    "where its handles are, so nodes out of view are never rendered to be measured and a big flow opens drawing "
    "only what is in view; the check no longer holds the drawing back; the form and the text view load when "
    "first shown; one zoom subscription feeds every node; the minimap is a canvas drawn when nodes change, not on "
    "each frame of a pan.\n"
    "- The whole flow in view, 1,000 nodes (a devtools timeline trace of the same drag and zoom, summed): the "
    "frame went to the DOM's bulk, not to React — 46 s rasterising the ~1,000 nodes and ~1,900 SVG edges on the "
    "raster workers, and of 60 s of main-thread tasks 16 s layerising the paint and 16 s hit testing mouse moves, "
    "against 10 s of script. Zoomed out past reading (below 0.3), the flow is now drawn on one `<canvas>` that "
    "follows the viewport (the far view: boxes coloured by type or paint, badges as dots, edges as their routed "
    "polylines, redrawn once per frame straight from React Flow's store); the flow's nodes and edges leave React "
    "Flow meanwhile (handing it a thousand hidden nodes cost more than leaving them out) and come back when zoomed "
    "in; “fit view” into the far view switches to it a render before moving the viewport, so React Flow never "
    "first draws the whole flow's DOM at the new zoom. The same trace then has 2 s of raster and 6 s of "
    "main-thread tasks."
)


def main() -> None:
    """Measure, print, and (for this checkout's build) write docs/performance.md's designer section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--callflow", type=Path, help="measure the designer another checkout's callflow serves")
    options = parser.parse_args()
    rows = run(options.callflow)
    if options.callflow is None:
        publish("designer_speed", section(rows))


if __name__ == "__main__":
    main()
