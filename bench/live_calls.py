"""Benchmark: the live driver with 200 simultaneous hotline calls: added latency per AGI command, memory per call.

Callflow's driver serves the reference hotline; a peer process (`line_peer.py`: the AMI test server, or a real
Asterisk with `--ami`/`CALLFLOW_AMI_URL`, and a phone) places the calls, with callers who stay silent, so every
call walks the greeting, the main menu's retries and on into the queue. Two ways of arriving are measured:

- as callers do: independent arrivals (a Poisson process, seeded) at `--rate` calls a second until 200 are in
  progress, then held; the target is judged here;
- all at once: 200 calls placed in the same instant (after an outage, say), a worst case: the identical silent
  calls then reach their prompts' ends together, so their replies queue behind each other.

Every AGI command is timed inside the driver: the time it adds is from the moment the engine asks for the command
to the moment it is written to the socket, plus from the moment the reader thread cut the reply from the stream to
the moment the engine has it. The rest of each command's time is the AMI round trip and Asterisk's own work,
reported beside it. Memory is measured in a third run with tracemalloc: what the driver holds with all calls in
progress, per call.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.asterisk.address import AmiAddress
from callflow.runtime.asterisk.agi import CommandTiming
from callflow.runtime.asterisk.channel import LineSettings
from callflow.runtime.asterisk.driver import Driver, start_driver
from callflow.runtime.types import NullStore
from callflow.speech.cache import PromptCache
from callflow.speech.manifest import plan, render
from callflow.speech.synthesis import Pyttsx3Synthesizer

if TYPE_CHECKING:
    from .check_speed import load, publish
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_speed import load, publish

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PEER = Path(__file__).resolve().parent / "line_peer.py"
SECTION = "live_calls"
TARGET_ADDED_MS = 2.0
TARGET_CALLS = 200
TARGET_BYTES_PER_CALL = 100 * 1024
FRIDAY_10 = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


class Peer:
    """The line_peer process."""

    def __init__(self, ami: str | None) -> None:
        command = [sys.executable, str(PEER), *(["--ami", ami] if ami else [])]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        first = self.read()
        assert first.startswith("ami "), first
        self.address = AmiAddress.parse(first.split(" ", 1)[1])

    def read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def ask(self, line: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> None:
        self.ask("quit")
        self.process.wait(10)


async def driver(address: AmiAddress, prompts: Path, scratch: Path) -> Driver:
    environment = load_environment(EXAMPLES / "callflow.toml")
    return await start_driver(
        address,
        flows=EXAMPLES,
        environment=environment,
        store=NullStore(),
        prompts=prompts,
        synthesizer=Pyttsx3Synthesizer(),
        settings=LineSettings(scratch / "recordings", "Local/{number}@callflow-test-agents"),
        start_at=FRIDAY_10,
    )


async def latency_run(
    peer: Peer, prompts: Path, scratch: Path, calls: int, hold_s: float, rate: float = 0.0
) -> tuple[list[CommandTiming], int, float]:
    """Every AGI command's timing, the most calls held at once, and when the last call had been answered."""
    line = await driver(peer.address, prompts, scratch)
    timings: list[CommandTiming] = []
    line.connection.write_times = {}
    line.service.timings = timings
    loop = asyncio.get_running_loop()
    answered = loop.run_in_executor(None, peer.ask, f"call {calls} {rate}")
    held = 0
    steady_from = 0.0
    until: float | None = None
    while until is None or time.monotonic() < until:
        held = max(held, len(line.service.calls))
        if until is None and answered.done():
            until = time.monotonic() + hold_s
            steady_from = time.perf_counter()
        await asyncio.sleep(0.05)
    await loop.run_in_executor(None, peer.ask, "hangup")
    await line.close()
    return timings, held, steady_from


async def memory_run(peer: Peer, prompts: Path, scratch: Path, calls: int) -> tuple[float, int]:
    tracemalloc.start()
    line = await driver(peer.address, prompts, scratch)
    await asyncio.sleep(0.5)
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, peer.ask, f"call {calls}")
    await asyncio.sleep(3)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    held = len(line.service.calls)
    tracemalloc.stop()
    await loop.run_in_executor(None, peer.ask, "hangup")
    await line.close()
    return (after - before) / max(held, 1), held


def prerender(prompts: Path) -> None:
    """Every fixed prompt of the hotline, as `callflow render-prompts` makes them before going live."""
    flow = load_file(EXAMPLES / "hotline_12345.flow").flow
    assert flow is not None
    jobs = plan(flow, EXAMPLES, load_environment(EXAMPLES / "callflow.toml"))
    render(jobs, PromptCache(prompts, Pyttsx3Synthesizer()), lambda items: items)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Run:
    """One latency run: every AGI command's timing, the most calls held at once, when all had been answered."""

    name: str
    timings: list[CommandTiming]
    held: int
    steady_from: float

    def row(self) -> str:
        added = [t.added_s * 1000 for t in self.timings]
        steady = [t.added_s * 1000 for t in self.timings if t.asked >= self.steady_from] or [0.0]
        return (
            f"| {self.name} | {self.held} | {len(added):,} | {statistics.median(added):.3f} ms | "
            f"{percentile(added, 0.95):.3f} ms | {max(added):.3f} ms | {statistics.median(steady):.3f} ms, "
            f"{percentile(steady, 0.95):.3f} ms |"
        )


def section(
    arriving: Run, burst: Run, calls: int, rate: float, per_call: float, held_memory: int, real: bool, load_before: str
) -> str:
    p95 = percentile([t.added_s * 1000 for t in arriving.timings], 0.95)
    round_trip = [(t.read - t.written) * 1000 for run in (arriving, burst) for t in run.timings]
    today = datetime.date.today().isoformat()
    where = "a real Asterisk (`GIT-master-f0c1c1a7b7`) on loopback" if real else "the AMI test server"
    peer = (
        "a real Asterisk ran on the same two CPUs, so its own work for the calls' channels (setting up 200 Local "
        "calls at once takes it seconds of CPU) competes with the driver"
        if real
        else "the test server ran in the peer's process"
    )
    return "\n".join(
        [
            "## Live calls (the Asterisk driver)",
            "",
            f"`bench/live_calls.py`, {today}, against {where}: the reference hotline served to {calls} simultaneous "
            "callers who stay silent (greeting, main menu and its retries, the queue). Each AGI command is timed "
            "inside the driver: the time it adds above the AMI round trip. Calls arrive either as independent "
            f"callers do (at random, {rate:g} a second on average, until {calls} are in progress) or all {calls} in "
            "the same instant.",
            "",
            "| calls arriving | held | AGI commands | added, median | added, 95th percentile | added, worst | "
            "once all had started: median, 95th percentile |",
            "|---|---|---|---|---|---|---|",
            arriving.row(),
            burst.row(),
            "",
            "| measure | value | target |",
            "|---|---|---|",
            f"| added by the driver per command (calls arriving at random), 95th percentile | {p95:.3f} ms | "
            f"< {TARGET_ADDED_MS:g} ms ({'met' if p95 < TARGET_ADDED_MS else 'MISSED'}) |",
            f"| simultaneous calls held | {min(arriving.held, burst.held)} | {TARGET_CALLS} |",
            f"| memory per call in progress (tracemalloc, {held_memory} calls) | {per_call / 1024:.1f} KB | "
            f"< {TARGET_BYTES_PER_CALL // 1024} KB ({'met' if per_call < TARGET_BYTES_PER_CALL else 'MISSED'}) |",
            f"| AMI round trip and Asterisk's work per command, median | {statistics.median(round_trip):.1f} ms | |",
            "",
            f"Load average before the run: {load_before}, after it: {load()}. The peer (the phone placing the calls) "
            "ran in its own process; "
            f"{peer}. When all calls arrive in the same instant, the identical silent calls reach the ends of their "
            "prompts together and their replies wait in line for the one event loop: that queue is what the worst "
            "case shows.",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ami", default=os.environ.get("CALLFLOW_AMI_URL"), help="a real Asterisk (--test config)")
    parser.add_argument("--calls", type=int, default=TARGET_CALLS)
    parser.add_argument("--hold", type=float, default=20.0, help="seconds the calls run while timed")
    parser.add_argument("--rate", type=float, default=10.0, help="calls arriving a second, on average")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args()
    load_before = load()
    with tempfile.TemporaryDirectory(prefix="live-calls-") as folder:
        scratch = Path(folder)
        prompts = Path(os.environ.get("CALLFLOW_PROMPTS") or scratch / "prompts")
        prerender(prompts)
        peer = Peer(args.ami)
        try:
            arriving = Run(
                f"at random, {args.rate:g} a second",
                *asyncio.run(latency_run(peer, prompts, scratch, args.calls, args.hold, args.rate)),
            )
            burst = Run("all at once", *asyncio.run(latency_run(peer, prompts, scratch, args.calls, args.hold)))
            per_call, held_memory = asyncio.run(memory_run(peer, prompts, scratch, args.calls))
        finally:
            peer.close()
    body = section(arriving, burst, args.calls, args.rate, per_call, held_memory, bool(args.ami), load_before)
    print(body)
    if not args.no_docs:
        publish(SECTION, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
