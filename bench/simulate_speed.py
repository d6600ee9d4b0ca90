"""Benchmark: simulated hotline calls per second on one core, memory per call in flight, and a SimPy reference.

A mix of hotline paths runs call after call through the simulator; the same call paths, as a minimal SimPy model
(one process per call, a timeout per prompt or wait), run in the same process for comparison. For memory,
10,000 calls are started and held at their first wait for the caller, and tracemalloc measures what they hold.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import sys
import time
import tracemalloc
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import simpy

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.flowlang.model import Flow
from callflow.runtime.context import Call
from callflow.runtime.simulator.channel import SimulatedChannel
from callflow.runtime.simulator.clock import VirtualClock
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import Step, parse_script
from callflow.runtime.trace import Tracer

if TYPE_CHECKING:
    from .check_speed import load, publish
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_speed import load, publish

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AT = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SECTION = "simulate_speed"
TARGET_CALLS_PER_S = 10_000
TARGET_BYTES_PER_CALL = 20 * 1024

MIX = [
    # a case number looked up, then a message for the mayor
    ["dtmf:2", "dtmf:1", "dtmf:20261001#", "dtmf:0", "dtmf:3", "say:路灯坏了请派人修理", "dtmf:#"],
    # an agent, then the survey
    ["dtmf:1", "agent:20", "agent-hangup:60", "dtmf:1"],
    # three wrong keys, an agent, no survey answer
    ["dtmf:7", "dtmf:7", "dtmf:7", "agent:5", "agent-hangup:30", "wait:20"],
    # English, policy information, then hang up
    ["dtmf:9", "dtmf:2", "dtmf:2", "hangup"],
]


def hotline() -> tuple[Flow, Simulator]:
    """The reference hotline and a simulator for it."""
    flow = load_file(EXAMPLES / "hotline_12345.flow").flow
    assert flow is not None
    return flow, Simulator(load_environment(EXAMPLES / "callflow.toml"), EXAMPLES)


async def _calls(simulator: Simulator, flow: Flow, scripts: list[list[Step]], count: int) -> list[Simulation]:
    return [await simulator.call(flow, scripts[i % len(scripts)], at=AT) for i in range(count)]


def calls_per_second(count: int) -> tuple[float, list[Simulation]]:
    """Simulated hotline calls per second, one after another on one core (after a warm-up)."""
    flow, simulator = hotline()
    scripts = [parse_script(s) for s in MIX]
    samples = asyncio.run(_calls(simulator, flow, scripts, len(MIX) * 50))
    gc.collect()
    start = time.perf_counter()
    asyncio.run(_calls(simulator, flow, scripts, count))
    elapsed = time.perf_counter() - start
    simulator.close()
    return count / elapsed, samples


def simpy_calls_per_second(samples: list[Simulation], count: int) -> float:
    """The same call paths as a minimal SimPy model: each call a process waiting out its prompts and pauses."""
    paths = [_waits(s) for s in samples[: len(MIX)]]

    def call(env: simpy.Environment, waits: list[float]) -> Any:
        for wait in waits:
            yield env.timeout(wait)

    env = simpy.Environment()
    start = time.perf_counter()
    for index in range(count):
        env.process(call(env, paths[index % len(paths)]))
    env.run()
    return count / (time.perf_counter() - start)


def _waits(simulation: Simulation) -> list[float]:
    """The pauses between a simulated call's events: what the SimPy model waits out."""
    times = [e["t"] for e in simulation.events]
    return [b - a for a, b in pairwise(times) if b > a]


class _HeldChannel(SimulatedChannel):
    """A scripted caller held at the first wait for a key until the gate opens (calls in flight)."""

    gate: asyncio.Event
    arrived: list[int]

    async def read_key(self, timeout_s: float) -> str | None:
        if not self.gate.is_set():
            self.arrived[0] += 1
            await self.gate.wait()
        return await super().read_key(timeout_s)


async def _in_flight(count: int) -> tuple[int, int]:
    flow, simulator = hotline()
    script = parse_script(["wait:20", "dtmf:2", "dtmf:2", "hangup"])
    gate, arrived = asyncio.Event(), [0]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    tasks = []
    for index in range(count):
        clock = VirtualClock(AT)
        tracer = Tracer(clock)
        channel = _HeldChannel(list(script), clock, tracer, length=simulator.length)
        channel.gate, channel.arrived = gate, arrived
        call = Call(f"call-{index}", "13800000000", "12345", AT, flow.language or "")
        tasks.append(asyncio.create_task(simulator.engine.run_call(flow, call, channel, clock, tracer)))
    while arrived[0] < count:
        await asyncio.sleep(0)
    gc.collect()
    held = tracemalloc.take_snapshot()
    used = sum(stat.size_diff for stat in held.compare_to(before, "filename"))
    tracemalloc.stop()
    gate.set()
    ended = await asyncio.gather(*tasks)
    simulator.close()
    assert all(reason == "hangup" for reason in ended), ended
    return used, count


def memory_per_call(count: int) -> float:
    """Bytes held per call in flight (every call waiting for the caller at the main menu)."""
    used, calls = asyncio.run(_in_flight(count))
    return used / calls


def section(rate: float, simpy_rate: float, per_call: float, count: int, in_flight: int, load_before: str) -> str:
    """This benchmark's part of docs/performance.md."""
    today = datetime.date.today().isoformat()
    rate_ok = "met" if rate >= TARGET_CALLS_PER_S else "**missed**"
    memory_ok = "met" if per_call <= TARGET_BYTES_PER_CALL else "**missed**"
    return "\n".join(
        [
            "## Simulated calls",
            "",
            f"`bench/simulate_speed.py`, {today}: {count:,} simulated calls of the reference hotline, one after "
            f"another on one core, mixing {len(MIX)} paths (a case lookup and a voicemail; an agent and the survey; "
            "three wrong keys and an agent; English and policy information). Beside them, in the same process, a "
            "minimal SimPy model of the same call paths (one process per call, one timeout per pause).",
            "",
            "| measure | Callflow simulator | SimPy model | ratio |",
            "|---|--:|--:|--:|",
            f"| calls per second | {rate:,.0f} | {simpy_rate:,.0f} | {rate / simpy_rate:.2f} |",
            f"| memory per call in flight ({in_flight:,} calls, tracemalloc) | {per_call / 1024:.1f} KB | — | — |",
            "",
            f"- at least {TARGET_CALLS_PER_S:,} simulated calls per second: {rate:,.0f} — {rate_ok}",
            f"- at most {TARGET_BYTES_PER_CALL // 1024} KB per call in flight: {per_call / 1024:.1f} KB — {memory_ok}",
            "",
            f"Load average before the run: {load_before}. The SimPy model only waits; the simulator also runs every "
            "node, evaluates conditions, renders prompts, queries SQLite and records a trace of each call (kept as "
            "compact records while the call runs; they become the trace's JSON objects when the trace is read).",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print it and record it in docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=5_000, help="simulated calls to time")
    parser.add_argument("--in-flight", type=int, default=10_000, help="calls held at once for the memory measure")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args(argv)
    load_before = load()
    rate, samples = calls_per_second(args.calls)
    simpy_rate = simpy_calls_per_second(samples, args.calls)
    per_call = memory_per_call(args.in_flight)
    body = section(rate, simpy_rate, per_call, args.calls, args.in_flight, load_before)
    print(body)
    if not args.no_docs:
        publish(SECTION, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
