"""Benchmark: how long reading and checking a flow takes, and how that grows with its size (`make bench`).

For each size a realistic flow is generated (`generate.py`), checked once to make sure it is clean, then read
(`load_text`: parse and build) and checked (`check_flow`) several times. The table goes to stdout and into
docs/performance.md, between this benchmark's markers.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from callflow.flowlang.check import check_flow
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.environment import Environment, load_environment
from callflow.flowlang.expression import parse_expression, parse_variable
from callflow.flowlang.loader import load_text
from callflow.flowlang.registry import default_registry
from callflow.flowlang.template import parse_template

# bench/ is a folder of scripts, not a package; mypy, which sees it inside the repository's package, needs the
# relative import to find the generator.
if TYPE_CHECKING:
    from .generate import Generated, generate
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import generate

SIZES = (100, 1_000, 10_000)
RUNS = 5
TARGET_S = 0.5
"""A 1,000-node flow is read and checked in under this many seconds."""
TARGET_RATIO = 12.0
"""A 10,000-node flow takes at most this many times as long as a 1,000-node one."""

DOCS = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
SECTION = "check_speed"
INTRO = """# Performance

How fast Callflow reads and checks flows, measured by the scripts in `bench/`. Benchmarks are kept out of the
tests, since a timed assertion is flaky on a shared machine. Run them with `make bench`; each benchmark rewrites
only its own marked section of this page. To look at what is measured,
`.venv/bin/python bench/generate.py 1000 --out /tmp/flow` writes a generated flow and its `callflow.toml`.

<!-- bench:machine:start -->
<!-- bench:machine:end -->
"""


@dataclass(frozen=True)
class Timing:
    """The fastest and the median of several runs, in seconds."""

    best_s: float
    median_s: float

    @classmethod
    def of(cls, runs: list[float]) -> Timing:
        """The timing of these runs."""
        return cls(min(runs), statistics.median(runs))


@dataclass(frozen=True)
class Result:
    """How long one flow took to read and to check."""

    nodes: int
    lines: int
    parse: Timing
    check: Timing
    total: Timing


class BrokenFlowError(Exception):
    """A generated flow that does not check clean: timing it would measure the wrong thing."""


def measure(generated: Generated, environment: Environment, runs: int = RUNS) -> Result:
    """Read and check a generated flow `runs` times after a warm-up that proves it clean."""
    registry = default_registry()
    parse_s: list[float] = []
    check_s: list[float] = []
    total_s: list[float] = []
    for run in range(runs + 1):
        gc.collect()
        # Every run reads the flow cold: no expression or prompt text parsed by an earlier run is reused.
        parse_expression.cache_clear()
        parse_variable.cache_clear()
        parse_template.cache_clear()
        start = time.perf_counter()
        loaded = load_text(generated.text, "bench.flow", "dsl")
        parsed = time.perf_counter()
        problems = check_flow(loaded.flow, environment=environment, registry=registry) if loaded.flow else []
        checked = time.perf_counter()
        _require_clean(generated, [*loaded.problems, *problems], len(loaded.flow.nodes) if loaded.flow else 0)
        if run:  # run 0 is the warm-up: lark builds its parsers, imports settle
            parse_s.append(parsed - start)
            check_s.append(checked - parsed)
            total_s.append(checked - start)
    lines = generated.text.count("\n")
    return Result(generated.nodes, lines, Timing.of(parse_s), Timing.of(check_s), Timing.of(total_s))


def _require_clean(generated: Generated, problems: list[Diagnostic], nodes: int) -> None:
    if problems:
        shown = "\n".join(p.render() for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        count = f"{len(problems)} problem{'s' * (len(problems) != 1)}"
        raise BrokenFlowError(f"the generated {generated.nodes}-node flow has {count}:\n{shown}{more}")
    if nodes != generated.nodes:
        raise BrokenFlowError(f"the generated flow should have {generated.nodes} nodes but reads as {nodes}")


def environment_of(generated: Generated) -> Environment:
    """The generated environment, read as `callflow check` reads a `callflow.toml`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "callflow.toml"
        path.write_text(generated.environment, encoding="utf-8")
        return load_environment(path)


# ---------------------------------------------------------------- report


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def table(results: list[Result]) -> str:
    """The results as a Markdown table, in milliseconds (best / median of the runs)."""
    rows = [
        "| nodes | lines | parse + build (ms) | check (ms) | total (ms) | total per node (µs) |",
        "|------:|------:|-------------------:|-----------:|-----------:|--------------------:|",
    ]
    for r in results:
        timings = " | ".join(f"{_ms(t.best_s)} / {_ms(t.median_s)}" for t in (r.parse, r.check, r.total))
        rows.append(f"| {r.nodes:,} | {r.lines:,} | {timings} | {r.total.best_s / r.nodes * 1e6:,.0f} |")
    return "\n".join(rows)


def verdicts(results: list[Result]) -> list[str]:
    """Whether each target is met, judged on the best runs (medians in brackets)."""
    by_size = {r.nodes: r for r in results}
    lines = []
    small, large = by_size.get(1_000), by_size.get(10_000)
    if small is not None:
        met = "met" if small.total.best_s < TARGET_S else "**missed**"
        lines.append(
            f"- 1,000 nodes in under {TARGET_S} s: {small.total.best_s:.3f} s "
            f"(median {small.total.median_s:.3f} s) — {met}"
        )
    if small is not None and large is not None:
        ratio = large.total.best_s / small.total.best_s
        median_ratio = large.total.median_s / small.total.median_s
        met = "met" if ratio <= TARGET_RATIO else "**missed**"
        parts = ", ".join(
            f"{name} {getattr(large, name).best_s / getattr(small, name).best_s:.1f}×" for name in ("parse", "check")
        )
        lines.append(
            f"- 10,000 nodes in at most {TARGET_RATIO:g}× the 1,000-node time: {ratio:.1f}× "
            f"(median {median_ratio:.1f}×; {parts}) — {met}"
        )
    return lines


def machine() -> str:
    """CPUs, CPU model and Python of this machine."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpus} CPUs (`nproc`), {model}, Python {platform.python_version()} ({platform.system()})"


def load() -> str:
    """The load average of the last minute (read it against the number of CPUs)."""
    return f"{os.getloadavg()[0]:.2f}"


def section(results: list[Result], runs: int, load_before: str) -> str:
    """This benchmark's part of docs/performance.md."""
    today = datetime.date.today().isoformat()
    return "\n".join(
        [
            "## Reading and checking flows",
            "",
            f"`bench/check_speed.py`, {today}: generated bilingual flows (`bench/generate.py`, seeded) read with "
            "`load_text` (parse + build) and checked with `check_flow` against their generated environment; "
            f"each flow is proven clean first, then timed {runs} times after a warm-up. "
            f"Times are best / median in milliseconds; the 1-minute load average was {load_before} before the run "
            f"and {load()} after it (other work on the machine slows the medians most).",
            "",
            table(results),
            "",
            *verdicts(results),
        ]
    )


def replace_section(text: str, name: str, body: str) -> str:
    """`text` with the section between `name`'s markers replaced by `body` (added at the end if missing)."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        return f"{before}{start}\n{body}\n{end}{after}"
    return f"{text.rstrip()}\n\n{start}\n{body}\n{end}\n"


def publish(name: str, body: str, path: Path = DOCS) -> None:
    """Put one benchmark's section into the performance page, with the date and the machine of the run."""
    text = path.read_text(encoding="utf-8") if path.exists() else INTRO
    text = replace_section(text, "machine", f"Latest run: {datetime.date.today().isoformat()}, {machine()}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(replace_section(text, name, body), encoding="utf-8")


def write_docs(results: list[Result], runs: int, load_before: str, path: Path = DOCS) -> None:
    """Put the results into their section of the performance page, creating the page if needed."""
    publish(SECTION, section(results, runs, load_before), path)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and record it in docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="flow sizes, in nodes")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs per size, after one warm-up")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args(argv)
    load_before = load()
    print(f"{machine()}; load average {load_before}")
    results = []
    for nodes in args.sizes:
        generated = generate(nodes)
        try:
            results.append(measure(generated, environment_of(generated), args.runs))
        except BrokenFlowError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"{nodes:,} nodes: total {results[-1].total.best_s:.3f} s (best of {args.runs})", flush=True)
    print()
    print(table(results))
    print("\n".join(["", *verdicts(results)]))
    if not args.no_docs:
        write_docs(results, args.runs, load_before)
        print(f"\nwritten to {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
