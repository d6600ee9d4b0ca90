"""Call records at scale: fill a data folder's records with the hotline's mix of calls, then time every report.

The mix: every case of the hotline's test suite and the hand-worked calls of the records' tests, each simulated
once (its record and trace kept as a template), drawn at random and spread over November 2026 by the hour of day
of a call centre's day. Records are written through the same `RecordBook` (writer thread, one transaction per
batch, tallies updated in it) as live calls, while another process reads reports ten times a second.

    .venv/bin/python bench/records_speed.py --calls 1000000 --data /tmp/records-bench

Prints the write rate (with reports being read meanwhile), the file's size, and each report and the heat map for
the month (best of three), for docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))

from record_calls import record_hand_calls  # noqa: E402

from callflow.flowlang.loader import load_file  # noqa: E402
from callflow.runtime.call_record import CallOrigin, utc_text  # noqa: E402
from callflow.runtime.recorder import NullRecorder  # noqa: E402
from callflow.runtime.service.dashboard import dashboard, heat_map, node_calls  # noqa: E402
from callflow.runtime.service.records import RecordBook  # noqa: E402
from callflow.runtime.service.reports import REPORTS  # noqa: E402
from callflow.runtime.simulator.run import Simulator  # noqa: E402
from callflow.runtime.store.call_reads import Scope  # noqa: E402
from callflow.runtime.store.call_records import packed_text  # noqa: E402
from callflow.runtime.testing.flowtest import read_test_file, run_case  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURLY = [1, 1, 1, 1, 1, 2, 4, 8, 14, 20, 22, 20, 16, 18, 20, 19, 16, 12, 8, 6, 4, 3, 2, 1]
"""Relative calls per hour of the day (a citizen hotline's day: a morning peak, a smaller one after lunch)."""
ORIGIN = CallOrigin("default", "hotline_12345", 1, "live")


def templates() -> list[dict[str, Any]]:
    """One record (with its events) per case of the hotline's suite and per hand-worked call."""
    recorder = NullRecorder()
    suite = read_test_file(ROOT / "examples" / "hotline_12345.test.yaml")
    flow = load_file(suite.flow_path).flow
    assert flow is not None
    simulator = Simulator(suite.environment, ROOT / "examples", recorder=recorder, origin=ORIGIN)
    try:
        for case in suite.cases:
            asyncio.run(run_case(simulator, flow, case))
    finally:
        simulator.close()
    record_hand_calls(recorder)
    for record in recorder.ended:
        record.update(ORIGIN.__dict__)
    return recorder.ended


def moments(count: int, rng: random.Random) -> list[datetime]:
    """`count` call starts over November 2026, in order, by the hour weights."""
    first = datetime(2026, 11, 1, tzinfo=SHANGHAI)
    hours = [first + timedelta(hours=h) for h in range(30 * 24)]
    weights = [HOURLY[h.hour] * (0.4 if h.weekday() >= 5 else 1.0) for h in hours]
    chosen = rng.choices(hours, weights, k=count)
    return sorted(h + timedelta(seconds=rng.uniform(0, 3600)) for h in chosen)


def call_like(template: dict[str, Any], number: int, start: datetime) -> dict[str, Any]:
    """A copy of a template's record (its events packed once) as another call, started at `start`."""
    record = dict(template)
    record["call_id"] = f"bench-{number:07d}"
    record["start"] = utc_text(start)
    if record["duration_s"] is not None:
        record["end"] = utc_text(start + timedelta(seconds=record["duration_s"]))
    record["day"], record["hour"] = start.date().isoformat(), start.hour
    return record


def packing_s(mix: list[dict[str, Any]], count: int = 2000) -> float:
    """What handing one call's record over costs where the call ends: its events packed (JSON, zlib, base64)."""
    begun = time.perf_counter()
    for index in range(count):
        packed_text(mix[index % len(mix)]["events"])
    return (time.perf_counter() - begun) / count


def fill(book: RecordBook, count: int, seed: int) -> float:
    """Write `count` calls through the records' writer; the rate in calls per second (until the last one is
    committed). Each template's events are packed once (`packing_s` measures that part on its own)."""
    rng = random.Random(seed)
    mix = templates()
    print(f"packing one call's events where it ends: {packing_s(mix) * 1000:.2f} ms")
    for template in mix:
        template["packed_events"] = packed_text(template.pop("events"))
    starts = moments(count, rng)
    begun = time.perf_counter()
    for number, start in enumerate(starts, 1):
        record = call_like(rng.choice(mix), number, start)
        book.writer.submit("call", record)
        if record["outcome"] == "voicemail":
            message = {k: record[k] for k in ("tenant", "flow", "call_id", "caller", "day", "language")}
            message.update(mailbox="mayor", time=record["start"], seconds=20.0, file=None)
            book.writer.submit("voicemail", message)
        if number % 50_000 == 0:
            book.flush()
            print(f"  {number:,} calls, {number / (time.perf_counter() - begun):,.0f} calls/s", flush=True)
    book.flush()
    return count / (time.perf_counter() - begun)


def read_reports(data: Path, stop: Any, reads: Any, slowest: Any) -> None:
    """Read the month's ivr and queues reports and the heat map in a loop, in another process (as the service does),
    ten times a second."""
    reader = RecordBook(data)
    scope = Scope("default", "2026-11-01", "2026-11-30")
    version = Scope("default", "2026-11-01", "2026-11-30", "hotline_12345", 1)
    while not stop.is_set():
        begun = time.perf_counter()
        REPORTS["ivr"](reader.connection(), scope, "day")
        REPORTS["queues"](reader.connection(), scope, "day")
        heat_map(reader.connection(), version)
        took = time.perf_counter() - begun
        reads.value += 1
        slowest.value = max(slowest.value, took)
        stop.wait(max(0.1 - took, 0.0))
    reader.close()


def best_of(runs: int, action: Any) -> float:
    """The shortest of `runs` timings of `action()`, in seconds."""
    best = float("inf")
    for _ in range(runs):
        begun = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - begun)
    return best


def main() -> None:
    """Fill, then time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=12345)
    options = parser.parse_args()
    book = RecordBook(options.data)
    stop, reads, slowest = multiprocessing.Event(), multiprocessing.Value("i", 0), multiprocessing.Value("d", 0.0)
    reader = multiprocessing.Process(target=read_reports, args=(options.data, stop, reads, slowest))
    reader.start()
    print(f"writing {options.calls:,} calls of the hotline's mix into {options.data}")
    rate = fill(book, options.calls, options.seed)
    stop.set()
    reader.join()
    size = sum(p.stat().st_size for p in options.data.glob("records.db*"))
    print(f"written: {rate:,.0f} calls/s while another process read the ivr and queues reports and the heat map")
    print(f"  {reads.value} times, ten a second at most (slowest {slowest.value:.3f} s)")
    print(f"records.db: {size / 2**20:,.0f} MiB")
    connection = book.connection()
    month = Scope("default", "2026-11-01", "2026-11-30")
    for name, report in REPORTS.items():
        for by in (None, "day"):
            seconds = best_of(3, lambda: report(connection, month, by))  # noqa: B023
            print(f"report {name:<10} by {by or '-':<4} {seconds * 1000:8.1f} ms")
    version = Scope("default", "2026-11-01", "2026-11-30", "hotline_12345", 1)
    print(f"heat map            {best_of(3, lambda: heat_map(connection, version)) * 1000:8.1f} ms")
    for node in ("main_menu", "policy_info", "emergency_line"):
        seconds = best_of(3, lambda: node_calls(connection, version, node, 20))  # noqa: B023
        print(f"last 20 calls through {node:<15} {seconds * 1000:8.1f} ms")
    today = datetime(2026, 11, 30, tzinfo=UTC).date()
    print(f"dashboard           {best_of(3, lambda: dashboard(connection, 'default', today)) * 1000:8.1f} ms")
    book.close()


if __name__ == "__main__":
    main()
