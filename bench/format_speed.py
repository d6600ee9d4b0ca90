"""Benchmark: saying values through formats in prompts (`{balance:currency CNY}`) (`make bench`).

A prompt's text is rendered on each call that plays it: with two formatted placeholders (money and a date) and,
for comparison, the same text with plain ones. Loading Babel and a locale's CLDR data costs more, once per
process: it is measured in fresh interpreters, and is paid when a flow version is planned, before its calls. The
table goes to stdout and into docs/performance.md, between this benchmark's markers.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from callflow.flowlang.template import parse_template

if TYPE_CHECKING:
    from .check_speed import load, machine, publish
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_speed import load, machine, publish

RENDERS = 10_000
RUNS = 5
FORMATTED = {"zh-CN": "您的账户余额为{balance:currency CNY}，还款日是{due:date}。",
             "en": "Your balance is {balance:currency CNY}, due {due:date}."}  # fmt: skip
FIRST = (
    "import time; t = time.perf_counter(); from callflow.flowlang.template import parse_template; "
    "parse_template('{b:currency CNY} {d:date}').render({'b': 1, 'd': '2026-12-06'}, 'zh-CN'); "
    "print(time.perf_counter() - t)"
)


def per_render_us(text: str, language: str) -> float:
    """The median time of one render, in microseconds, over RUNS runs of RENDERS renders (new values each)."""
    template = parse_template(text)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        for i in range(RENDERS):
            template.render({"balance": str(12_580 + i), "due": "2026-12-06"}, language)
        times.append((time.perf_counter() - start) / RENDERS * 1e6)
    return statistics.median(times)


def first_format_ms() -> float:
    """The median time, in fresh interpreters, from importing the template module to a first formatted render."""
    runs = [float(subprocess.run([sys.executable, "-c", FIRST], capture_output=True, text=True, check=True).stdout)
            for _ in range(RUNS)]  # fmt: skip
    return statistics.median(runs) * 1000


def main() -> int:
    """Run the benchmark, print the table and record it in docs/performance.md."""
    load_before = load()
    rows = []
    for language, text in FORMATTED.items():
        plain = text.replace(":currency CNY", "").replace(":date", "")
        rows.append((language, per_render_us(text, language), per_render_us(plain, language)))
    first = first_format_ms()
    lines = [
        f"`bench/format_speed.py`: a prompt with a money and a date placeholder rendered {RENDERS:,} times, median",
        f"of {RUNS} runs, beside the same text with plain placeholders; {machine()}.",
        "",
        "| language | with formats | plain placeholders |",
        "|---|--:|--:|",
        *(f"| {language} | {formatted:.1f} µs | {plain:.1f} µs |" for language, formatted, plain in rows),
        "",
        f"Loading Babel and the locale's CLDR data, once per process: {first:.0f} ms (median of {RUNS} fresh",
        "interpreters). It is paid when a flow version with formats is planned, before its calls, so no call waits",
        f"for it on the driver's event loop. Load average before the run: {load_before}.",
    ]
    body = "## Saying values in prompts\n\n" + "\n".join(lines)
    print(body)
    publish("format_speed", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
