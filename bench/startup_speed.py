"""Benchmark: how long everyday `callflow` commands take as whole processes, start-up and imports included
(`make bench`).

Each command is run as the user runs it (the installed console script, a fresh process each time), once to warm
the file system cache (and, for `render-prompts`, to fill the prompt cache), then timed several times; the
median is judged against the targets. The bare interpreter (`python -c pass`) is timed beside them: what no
change to Callflow can save. The table goes to stdout and into docs/performance.md, between this benchmark's
markers. `python -X importtime -c 'from callflow.flowlang.cli import main'` shows what each import costs.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# bench/ is a folder of scripts, not a package (see check_speed.py).
if TYPE_CHECKING:
    from .check_speed import load, machine, publish
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_speed import load, machine, publish

ROOT = Path(__file__).resolve().parent.parent
HOTLINE = ROOT / "examples" / "hotline_12345.flow"
RUNS = 9
SECTION = "startup_speed"


@dataclass(frozen=True)
class Command:
    """A command line to time, and the median it should stay under (None: timed for reference only)."""

    label: str
    args: tuple[str, ...]
    target_s: float | None


@dataclass(frozen=True)
class Timing:
    """One command's runs, in seconds: wall-clock time, and the processor time it used (user + system), which a
    busy machine stretches less."""

    command: Command
    runs: list[float]
    cpu: list[float]

    @property
    def cpu_median_s(self) -> float:
        """The median processor time."""
        return statistics.median(self.cpu)

    @property
    def median_s(self) -> float:
        """The median run."""
        return statistics.median(self.runs)

    @property
    def best_s(self) -> float:
        """The fastest run."""
        return min(self.runs)


def script() -> str:
    """The installed `callflow` console script beside this interpreter."""
    beside = Path(sys.executable).parent / "callflow"
    if not beside.exists():
        raise SystemExit("the callflow console script is not installed; run `make setup`")
    return str(beside)


def commands(prompts: Path) -> list[Command]:
    """The commands timed: the interpreter alone, then the three the targets are about."""
    callflow = script()
    return [
        Command("`python -c pass` (the interpreter alone)", (sys.executable, "-c", "pass"), None),
        Command("`callflow --help`", (callflow, "--help"), 0.2),
        Command("`callflow check hotline_12345.flow`", (callflow, "check", str(HOTLINE)), 0.4),
        Command(
            "`callflow render-prompts hotline_12345.flow` (all cached)",
            (callflow, "render-prompts", str(HOTLINE), "-o", str(prompts)),
            0.5,
        ),
    ]


def user_environment() -> dict[str, str]:
    """This process's environment as a user's shell has it: Python writes its bytecode caches (`__pycache__`), so
    that only the untimed first run compiles the sources (`PYTHONDONTWRITEBYTECODE`, set in some sandboxes, would
    make every run compile all of Callflow again: a cost no installed copy pays)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_once(command: Command) -> tuple[float, float]:
    """Run a command to its end; its wall-clock and processor times in seconds (an error if it fails)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command.args, capture_output=True, text=True, check=False, cwd=ROOT, env=user_environment())
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command.label} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(command: Command, runs: int) -> Timing:
    """A command run once untimed (caches warm, prompts rendered), then `runs` times."""
    run_once(command)
    timed = [run_once(command) for _ in range(runs)]
    return Timing(command, [wall for wall, _ in timed], [cpu for _, cpu in timed])


def table(timings: list[Timing]) -> str:
    """The timings as a Markdown table, in milliseconds."""
    rows = ["| command | median (ms) | best (ms) | processor, median (ms) | target |", "|---|---:|---:|---:|---|"]
    for t in timings:
        target = t.command.target_s
        verdict = (
            "" if target is None else f"< {target * 1000:.0f} ms: " + ("met" if t.median_s < target else "**missed**")
        )
        times = f"{t.median_s * 1000:,.0f} | {t.best_s * 1000:,.0f} | {t.cpu_median_s * 1000:,.0f}"
        rows.append(f"| {t.command.label} | {times} | {verdict} |")
    return "\n".join(rows)


def section(timings: list[Timing], runs: int, load_before: str) -> str:
    """This benchmark's part of docs/performance.md."""
    today = datetime.date.today().isoformat()
    return "\n".join(
        [
            "## Starting a command",
            "",
            f"`bench/startup_speed.py`, {today}: each command run as a whole process through the installed console "
            f"script, once untimed, then {runs} times; the median wall-clock time is judged against the target. "
            "The processor time (user + system) is what the process itself used: on a busy machine the wall-clock "
            f"time stretches well past it. The 1-minute load average was {load_before} before the run and {load()} "
            "after it. Commands import what they need when they run (`flowlang/cli.py`), so that `--help` loads no "
            "command's machinery, `check` no simulator, speech, HTTP or (for a flow without an endless loop) graph "
            "library; lark keeps its built parsers in the user's cache (`flowlang/grammars.py`).",
            "",
            table(timings),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and record it in docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs per command, after one untimed run")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args(argv)
    load_before = load()
    print(f"{machine()}; load average {load_before}")
    with tempfile.TemporaryDirectory() as folder:
        timings = []
        for command in commands(Path(folder) / "prompts"):
            timings.append(measure(command, args.runs))
            print(f"{command.label}: median {timings[-1].median_s * 1000:,.0f} ms", flush=True)
    print()
    print(table(timings))
    if not args.no_docs:
        publish(SECTION, section(timings, args.runs, load_before))
        print("\nwritten to docs/performance.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
