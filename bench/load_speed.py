"""Benchmark: `callflow load` on a busy day at the hotline, beside a SimPy model of the same day; memory per call
in flight.

100,000 calls of the shipped caller mix (examples/load/hotline-callers.yaml) arrive at random over the hotline's
opening hours on a Monday (11,765 an hour from 09:00 to 17:30), with agents for about 80 % within 20 s. Every call
runs through the real engine and the real flow. Beside it, in the same process, a minimal SimPy model of the same
day: the same arrivals, caller types, queues, agents, handling times and patience, with the flow reduced to fixed
delays per caller type (measured from the flow by the simulator), one SimPy process per call. For memory, 10,000
callers are held waiting in a queue with no agents, and tracemalloc measures what they hold.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import random
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import simpy

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.flowlang.registry import default_registry
from callflow.runtime.capacity.arrivals import poisson
from callflow.runtime.capacity.callers import CallerMix, read_mix
from callflow.runtime.capacity.distributions import Distribution
from callflow.runtime.capacity.result import LoadResult
from callflow.runtime.capacity.run import LoadRun, run_load
from callflow.runtime.capacity.spec import LoadSpec, Staffing
from callflow.runtime.flows import FlowLibrary
from callflow.runtime.simulator.run import Simulator
from callflow.runtime.simulator.script import parse_script

if TYPE_CHECKING:
    from .check_speed import load, publish
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_speed import load, publish

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MONDAY = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SECTION = "load_speed"
CALLS = 100_000
HOURS = 8.5
AGENTS = {"hotline": 385, "hotline-local": 156}
HANDLING_S = 240.0
PATIENCE_S = 120.0
TARGET_S = 10.0
TARGET_BYTES_PER_CALL = 20 * 1024


def day(calls: int = CALLS) -> LoadSpec:
    """The hotline's busy Monday: `calls` calls over its opening hours."""
    flow = load_file(EXAMPLES / "hotline_12345.flow").flow
    assert flow is not None
    return LoadSpec(
        flow=flow,
        environment=load_environment(EXAMPLES / "callflow.toml"),
        arrivals=poisson(MONDAY, calls / HOURS, HOURS * 3600, 1800),
        queues={name: Staffing((count,), Distribution("exp", HANDLING_S)) for name, count in AGENTS.items()},
        patience=Distribution("exp", PATIENCE_S),
        callers=read_mix(EXAMPLES / "load" / "hotline-callers.yaml"),
        flows=FlowLibrary(EXAMPLES, default_registry()),
        directory=EXAMPLES,
    )


def timed_run(spec: LoadSpec) -> tuple[LoadResult, float, float]:
    """The run, its wall-clock and its CPU seconds (after a short warm-up run of the same flow)."""
    run_load(replace(spec, arrivals=poisson(MONDAY, 2000, 600)))
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = run_load(spec)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def flow_delays(mix: CallerMix) -> list[tuple[str | None, float, float]]:
    """For each caller type, from one simulated call: the queue it waits in (None: none), the seconds of flow
    before it joins, and the seconds after its conversation (the whole call when it reaches no queue)."""
    flow = load_file(EXAMPLES / "hotline_12345.flow").flow
    assert flow is not None
    simulator = Simulator(load_environment(EXAMPLES / "callflow.toml"), EXAMPLES)
    delays = []
    for caller in mix.types:
        steps = [*caller.steps, *parse_script(["agent:0", "agent-hangup:0"])]
        number = caller.numbers[0].replace("#", "0")
        events = simulator.run(flow, steps, at=MONDAY, caller=number).events
        joined = [e for e in events if e["event"] == "queue" and e.get("action") == "join"]
        left = [e for e in events if e["event"] == "queue" and e.get("action") == "leave"]
        if joined:
            delays.append((str(joined[0]["queue"]), float(joined[0]["t"]), events[-1]["t"] - left[0]["t"]))
        else:
            delays.append((None, float(events[-1]["t"]), 0.0))
    simulator.close()
    return delays


def simpy_day(spec: LoadSpec, delays: list[tuple[str | None, float, float]]) -> tuple[int, float, float]:
    """The same day as a minimal SimPy model; the calls it ran, its wall-clock and its CPU seconds."""
    rng = random.Random(1)
    env = simpy.Environment()
    agents = {name: simpy.Resource(env, staffing.agents[0]) for name, staffing in spec.queues.items()}
    mix = spec.callers

    def call(kind: int, patience: float, handling: float) -> Any:
        queue, before, after = delays[kind]
        yield env.timeout(before)
        if queue is None:
            return
        with agents[queue].request() as request:
            got = yield request | env.timeout(patience)
            if request in got:
                yield env.timeout(handling)
                yield env.timeout(after)

    def arrivals() -> Any:
        last = 0.0
        for moment in spec.arrivals.times(rng):
            yield env.timeout(moment - last)
            last = moment
            kind = mix.pick(rng.random())
            env.process(call(kind, rng.expovariate(1 / PATIENCE_S), rng.expovariate(1 / HANDLING_S)))
            counted[0] += 1

    counted = [0]
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    env.process(arrivals())
    env.run()
    return counted[0], time.perf_counter() - wall, time.process_time() - cpu


def memory_per_call(count: int) -> tuple[float, int]:
    """Bytes held per call in flight: `count` callers (who press 1 for an agent) waiting in a queue nobody
    answers."""
    hotline = day()
    spec = replace(
        hotline,
        callers=CallerMix(hotline.callers.types[:1]),
        arrivals=poisson(MONDAY, count * 36, 100, 100),
        queues={name: replace(staffing, agents=(0,)) for name, staffing in day().queues.items()},
        patience=Distribution("none", float("inf")),
    )
    run_load(replace(spec, arrivals=poisson(MONDAY, 3600, 60, 60)))  # flows, prompts and caches made once
    held: list[tuple[int, int]] = []

    def measure(share: float, calls: int) -> None:
        if share >= 0.99 and not held:
            gc.collect()
            held.append((tracemalloc.get_traced_memory()[0], runner.in_flight))

    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    runner = LoadRun(spec, measure)
    asyncio.run(runner.run())
    tracemalloc.stop()
    used, in_flight = held[0]
    return (used - before) / in_flight, in_flight


def section(
    result: LoadResult,
    timing: tuple[float, float],
    simpy: tuple[int, float, float],
    memory: tuple[float, int],
    loads: tuple[str, str],
) -> str:
    """This benchmark's part of docs/performance.md."""
    today = datetime.date.today().isoformat()
    (wall, cpu), (simpy_calls, simpy_wall, simpy_cpu), (per_call, held) = timing, simpy, memory
    calls = result.calls["arrived"]
    rate, simpy_rate = calls / cpu, simpy_calls / simpy_cpu
    met = "met" if cpu < TARGET_S else "**missed**"
    wall_met = "met" if wall < TARGET_S else "missed"
    memory_met = "met" if per_call <= TARGET_BYTES_PER_CALL else "**missed**"
    queues = ", ".join(
        f"{name}: {AGENTS[name]} agents, {percent(queue.total.service_level)} within 20 s, "
        f"ASA {queue.total.asa_s or 0:.1f} s"
        for name, queue in result.queues.items()
    )
    return "\n".join(
        [
            "## Capacity simulation (`callflow load`)",
            "",
            f"`bench/load_speed.py`, {today}: {calls:,} calls of the shipped hotline caller mix arriving at random "
            f"over the hotline's opening hours on a Monday ({calls / HOURS:,.0f} an hour for {HOURS:g} h), every "
            f"call through the real engine and flow on one virtual clock ({queues}; handling exponential "
            f"{HANDLING_S:g} s, patience exponential {PATIENCE_S:g} s). Beside it, in the same process, a minimal "
            "SimPy model of the same day: the same arrivals, caller types, queues, agents, handling times and "
            "patience, the flow reduced to fixed delays per caller type, one SimPy process per call.",
            "",
            "| measure | `callflow load` | SimPy model | ratio |",
            "|---|--:|--:|--:|",
            f"| the day, CPU time (one core) | {cpu:.2f} s | {simpy_cpu:.2f} s | {cpu / simpy_cpu:.1f}× |",
            f"| the day, wall-clock | {wall:.2f} s | {simpy_wall:.2f} s | {wall / simpy_wall:.1f}× |",
            f"| calls per CPU second | {rate:,.0f} | {simpy_rate:,.0f} | {rate / simpy_rate:.2f} |",
            f"| memory per call in flight ({held:,} callers waiting, tracemalloc) | {per_call / 1024:.1f} KB | — | — |",
            "",
            f"- {calls:,} calls in under {TARGET_S:g} s on one core: {cpu:.2f} s of CPU — {met} "
            f"(wall-clock {wall:.2f} s on the shared machine — {wall_met})",
            f"- at most {TARGET_BYTES_PER_CALL // 1024} KB per call in flight: {per_call / 1024:.1f} KB — {memory_met}",
            f"- calls in flight at most during the day: {result.calls['peak_in_flight']:,} (memory follows them, "
            "not the calls simulated)",
            "",
            f"Load average before the run: {loads[0]}, after it: {loads[1]} (the machine has 2 CPUs; other "
            "work on it stretches the wall-clock time, not the CPU time). The SimPy model only waits; `callflow "
            "load` runs every node of the flow for every call (menus, prompts, the schedule, SQLite lookups, "
            "announcements and the offer in the queues) and counts every figure per queue and interval.",
        ]
    )


def percent(share: float | None) -> str:
    """A share as a percentage."""
    return "—" if share is None else f"{share * 100:.1f} %"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print it and record it in docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=CALLS, help="calls in the day")
    parser.add_argument("--in-flight", type=int, default=10_000, help="callers held waiting for the memory measure")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args(argv)
    load_before = load()
    spec = day(args.calls)
    result, wall, cpu = timed_run(spec)
    print(f"load: {result.calls['arrived']:,} calls in {wall:.2f} s (CPU {cpu:.2f} s), load average {load_before}")
    simpy = simpy_day(spec, flow_delays(spec.callers))
    print(f"SimPy: {simpy[0]:,} calls in {simpy[1]:.2f} s (CPU {simpy[2]:.2f} s)")
    memory = memory_per_call(args.in_flight)
    body = section(result, (wall, cpu), simpy, memory, (load_before, load()))
    print(body)
    if not args.no_docs:
        publish(SECTION, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
