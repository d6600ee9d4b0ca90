"""Designer speed in headless chromium, production build: generated flows of 100, 500 and 1,000 nodes served by a
real `callflow serve`; time from navigation to the canvas drawn, ELK's layout time in its worker, and the frame
time while panning and zooming. Targets (issue 13): 500 nodes drawn and laid out in under 1 s each; 1,000 nodes
pan at 30 frames per second or better. Writes its section of docs/performance.md."""

from __future__ import annotations

import datetime
import itertools
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from check_speed import publish
from flow_service import running_service
from generate import generate
from playwright.sync_api import Page, sync_playwright

SIZES = (100, 500, 1000)
NOTE = (
    "- Measured while other work kept the 2 CPUs loaded (see the load average): ELK layered with orthogonal "
    "routing is the cost (its thorough settings took 67 s for 500 nodes; the lighter ones used past 200 nodes, "
    "seconds). Next: a faster layout for big flows (dagre, or ELK on the part in view) and the minimap drawn less "
    "often while panning."
)
RUNS = 2
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
RECORD_FRAMES = """() => {
  window.__frames = [];
  const tick = (t) => {
    window.__frames.push(t);
    if (window.__frames.length < 100000 && !window.__stop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
DRAWN = """n => document.querySelector('[data-laid-out=yes]')
  && document.querySelectorAll('.react-flow__node').length === n"""


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
    """Navigate to the flow; (ms from navigation to every node drawn, ms ELK took in the worker)."""
    page.goto("about:blank")  # a fresh document each time: a hash change alone would not reload the page
    page.goto(f"{url}/#/flows/{name}")
    page.wait_for_function(
        DRAWN,
        arg=nodes,
        timeout=900_000,
    )
    drawn = float(page.evaluate("performance.now()"))
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
    return [b - a for a, b in itertools.pairwise(frames)]


def main() -> None:
    """Measure each size RUNS times (after one warm-up) and write docs/performance.md's designer section."""
    load_before = os.getloadavg()[0]
    rows = []
    with running_service(Path(tempfile.mkdtemp())) as service, sync_playwright() as driver:
        for size in SIZES:
            text = generate(size).text.replace("flow citizen_hotline", f"flow bench_{size}", 1)
            upload(service.url, service.passwords["admin"], f"bench_{size}", text)
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = context.new_page()
        page.goto(service.url + "/")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", service.passwords["admin"])
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=flows]")
        for size in SIZES:
            name = f"bench_{size}"
            open_flow(page, service.url, name, size)  # warm-up
            drawn, layout, frames = [], [], []
            for _ in range(RUNS):
                d, lay = open_flow(page, service.url, name, size)
                drawn.append(d)
                layout.append(lay)
            frames = pan_and_zoom(page)
            if len(frames) < 20:
                raise RuntimeError(f"only {len(frames)} animation frames recorded while panning {name}")
            p95 = sorted(frames)[int(len(frames) * 0.95)]
            rows.append((size, min(drawn), statistics.median(drawn), min(layout), statistics.median(layout),
                         statistics.median(frames), p95))  # fmt: skip
            print(size, rows[-1], flush=True)
        browser.close()
    load_after = os.getloadavg()[0]
    publish("designer_speed", section(rows, load_before, load_after))


def section(rows: list[tuple[int, float, float, float, float, float, float]], before: float, after: float) -> str:
    """The designer's section of docs/performance.md."""
    today = datetime.date.today().isoformat()
    lines = [
        "## The designer",
        "",
        f"`bench/designer_speed.py`, {today}: generated flows (`bench/generate.py`) served by `callflow serve`, "
        "opened in headless chromium (Debian's, production build, 1600×1000, no GPU); drawn = from navigation to "
        "every node on the canvas (page load and API calls included), layout = ELK in its Web Worker, each best / "
        f"median of {RUNS} after a warm-up; frame = interval between animation frames while the canvas is dragged "
        f"and zoomed (median / 95th percentile). 1-minute load average {before:.2f} before, {after:.2f} after.",
        "",
        "| nodes | drawn (ms) | layout in worker (ms) | frame (ms) | frames per second (median) |",
        "|------:|-----------:|----------------------:|-----------:|---------------------------:|",
    ]
    for size, d_best, d_med, l_best, l_med, f_med, f_p95 in rows:
        cells = [
            f"{size:,}",
            f"{d_best:.0f} / {d_med:.0f}",
            f"{l_best:.0f} / {l_med:.0f}",
            f"{f_med:.1f} / {f_p95:.1f}",
        ]
        lines.append("| " + " | ".join([*cells, f"{1000 / f_med:.0f}"]) + " |")
    by = {r[0]: r for r in rows}
    lines.append("")
    if 500 in by:
        verdict = "met" if by[500][2] < 1000 and by[500][4] < 1000 else "not met"
        lines.append(
            f"- 500 nodes drawn and laid out in under 1 s each: drawn {by[500][2]:.0f} ms, "
            f"layout {by[500][4]:.0f} ms (medians) — {verdict}"
        )
    if 1000 in by:
        fps = 1000 / by[1000][5]
        verdict = "met" if fps >= 30 else "not met"
        lines.append(
            f"- 1,000 nodes pan at 30 frames per second or better: {fps:.0f} "
            f"(median frame {by[1000][5]:.1f} ms) — {verdict}"
        )
    lines.append(NOTE)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
