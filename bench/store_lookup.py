"""Benchmark: what finding a live call's flow costs with `callflow run --data` (the flow service's store) beside
`--flows` (a folder of files), per call, and on the first call after a switch flip or a publish.

The examples are imported and published into a fresh data folder (`callflow import examples/ --publish`). A call
asks its lookup for its scope (tenant, engine, environment) and its flow, as the driver does when a call arrives:
with the store, three small SQLite queries; with files, a `stat` of the flow's file. After a switch flip the next
call makes the tenant's engine and environment again (reading the environment's text); after a publish it parses
the new version. Nothing is timed in the tests; this is where these costs are measured.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from callflow.flowlang.environment import load_environment
from callflow.flowlang.registry import default_registry
from callflow.runtime.asterisk.driver import folder_lookup
from callflow.runtime.asterisk.flow_lookup import FlowLookup
from callflow.runtime.asterisk.store_flows import StoreFlows
from callflow.runtime.service.core import Service
from callflow.runtime.service.environment import flip_switch
from callflow.runtime.store.audit import Actor
from callflow.runtime.types import NullStore
from callflow.speech.cache import PromptCache
from callflow.speech.synthesis import Pyttsx3Synthesizer

if TYPE_CHECKING:
    from .check_speed import load, publish
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_speed import load, publish

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CALLFLOW = Path(sys.executable).parent / "callflow"
SECTION = "store_lookup"
NUMBER = "12345"


def per_call_us(lookup: FlowLookup, calls: int) -> list[float]:
    """Microseconds each call spends getting its scope and its flow."""

    async def run() -> list[float]:
        times = []
        for _ in range(calls):
            started = time.perf_counter_ns()
            scope = lookup.scope(NUMBER, "unknown")
            name = scope.bound(NUMBER, "unknown")
            assert name is not None
            await scope.load(name)
            times.append((time.perf_counter_ns() - started) / 1000)
        return times

    return asyncio.run(run())


def after_change_ms(lookup: FlowLookup, change: Callable[[int], None], rounds: int) -> list[float]:
    """Milliseconds the first call after each change spends getting its scope and flow."""
    times = []
    for round_number in range(rounds):
        change(round_number)
        times.append(per_call_us(lookup, 1)[0] / 1000)
    return times


def p95(values: list[float]) -> float:
    """The 95th percentile."""
    return statistics.quantiles(values, n=20)[-1]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and record it in docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=20_000, help="calls timed per lookup")
    parser.add_argument("--rounds", type=int, default=30, help="switch flips and publishes timed")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args(argv)
    before = load()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        subprocess.run(
            [str(CALLFLOW), "import", str(EXAMPLES), "--publish", "--data", str(data)],
            check=True,
            capture_output=True,
            env={**os.environ, "CALLFLOW_ADMIN_PASSWORD": "benchmark-password"},
        )
        service = Service(data)
        cache = PromptCache(Path(tmp) / "prompts", Pyttsx3Synthesizer())
        store = StoreFlows(service.folder, default_registry(), NullStore(), cache)
        asyncio.run(store.prepare())
        files = folder_lookup(EXAMPLES, load_environment(EXAMPLES / "callflow.toml"), NullStore(), cache)
        asyncio.run(files.prepare())
        per_call_us(store, 200), per_call_us(files, 200)  # warm-up
        store_us, files_us = per_call_us(store, args.calls), per_call_us(files, args.calls)
        workspace = service.workspace_named("default")
        tenant = workspace.tenant.id

        def flip(round_number: int) -> None:
            flip_switch(workspace, "clinic_closed_today", round_number % 2 == 0, Actor("bench"))

        def publish_again(round_number: int) -> None:
            text = service.folder.versions.newest(tenant, "hotline_12345")
            assert text is not None
            changed = text.text.replace("12345市民", "12345 市民") if round_number % 2 == 0 else text.text
            service.folder.versions.publish(tenant, "hotline_12345", changed + f"\n# {round_number}\n", "b", Actor("b"))

        flips_ms = after_change_ms(store, flip, args.rounds)
        publishes_ms = after_change_ms(store, publish_again, args.rounds)
        store.close()
        files.close()
        service.folder.close()
    rows = [
        ("a call, `--data` (store)", f"{statistics.median(store_us):.1f} µs", f"{p95(store_us):.1f} µs"),
        ("a call, `--flows` (files)", f"{statistics.median(files_us):.1f} µs", f"{p95(files_us):.1f} µs"),
        ("first call after a switch flip", f"{statistics.median(flips_ms):.2f} ms", f"{p95(flips_ms):.2f} ms"),
        ("first call after a publish", f"{statistics.median(publishes_ms):.2f} ms", f"{p95(publishes_ms):.2f} ms"),
    ]
    table = ["| finding a live call's flow | median | 95th percentile |", "|---|---|---|"]
    table += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    print("\n".join(table))
    body = "\n".join(
        [
            "## Live calls from the flow service's store",
            "",
            f"`bench/store_lookup.py`, {datetime.date.today().isoformat()}: the examples imported and published into "
            f"a fresh data folder; {args.calls:,} calls to 12345 each get their scope (tenant, engine, environment) "
            "and their flow as the driver does when a call arrives, from the store (`callflow run --data`: three "
            "SQLite queries) and from the files (`--flows`: a `stat` of the flow's file); then the first call after "
            f"each of {args.rounds} switch flips (the tenant's engine and environment made again) and "
            f"{args.rounds} publishes (the new version parsed). The 1-minute load average was {before} before the "
            f"run and {load()} after it.",
            "",
            *table,
            "",
            "A call's scope is looked up on the event loop as the call arrives: after a change, the one call that "
            "makes the new scope holds the loop that long (once per change, not per call); a new version is parsed "
            "in a worker thread, so only its own call waits for it.",
        ]
    )
    if not args.no_docs:
        publish(SECTION, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
