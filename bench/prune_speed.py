"""Pruning at scale: a month of the hotline's mix of calls (as `bench/records_speed.py` writes them), a recordings
folder with one file per call (as `callflow run --data` leaves them), and a prune of the month's first half.

    .venv/bin/python bench/prune_speed.py --calls 200000

Prints the calls, messages and files removed, the time taken, and how long each batch held the records' write lock
(the longest a writer of new records waits), for docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_speed import publish
from records_speed import fill

from callflow.runtime.service.records import RecordBook
from callflow.runtime.store import pruning
from callflow.runtime.store.recordings import name_folder
from callflow.runtime.store.records_db import transaction

BEFORE = "2026-11-16"
"""The first local day kept: the month's first half is pruned."""


def main() -> None:
    """Fill, prune, print the section and write it into docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data, recordings = Path(folder) / "data", Path(folder) / "recordings"
        recordings.mkdir()
        book = RecordBook(data)
        fill(book, args.calls, seed=7)
        connection = book.connection()
        name_folder(connection, recordings)
        call_ids = [row[0] for row in connection.execute("SELECT call_id FROM calls")]
        for call_id in call_ids:
            (recordings / f"{call_id}-1.wav").write_bytes(b"RIFF")
        batches: list[float] = []
        pruning.transaction = _timed(batches)  # each batch's transaction: how long it holds the write lock
        load_before = _load()
        begun = time.perf_counter()
        pruned = pruning.prune_before(connection, data, BEFORE)
        took = time.perf_counter() - begun
        load_after = _load()
        left = connection.execute("SELECT count(*) FROM calls").fetchone()[0]
        files_left = sum(1 for _ in recordings.iterdir())
        book.close()
    lines = [
        "## Pruning records",
        "",
        f"`bench/prune_speed.py --calls {args.calls}`, {datetime.date.today().isoformat()}: a month of the hotline's "
        "mix (`bench/records_speed.py`'s calls) with one recording per call in a folder `callflow run --data` named; "
        f"the calls of local days before {BEFORE} pruned, {pruning.BATCH} per transaction.",
        "",
        f"- Removed {pruned.calls:,} calls, {pruned.messages:,} voicemail messages and {pruned.files:,} files "
        f"in {took:.1f} s ({pruned.calls / took:,.0f} calls/s); {left:,} calls and {files_left:,} recordings kept.",
        f"- A batch held the write lock {statistics.median(batches) * 1000:.0f} ms (median), "
        f"{max(batches) * 1000:.0f} ms at the longest ({len(batches):,} transactions): the longest a writer of "
        f"new calls waits. The recordings are removed outside them. Load average {load_before} → {load_after}.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_docs:
        publish("prune_speed", text)


def _timed(batches: list[float]) -> Callable[[sqlite3.Connection], AbstractContextManager[sqlite3.Connection]]:
    """`records_db.transaction`, timed: each one's length goes into `batches`."""

    @contextmanager
    def timed(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        begun = time.perf_counter()
        with transaction(connection):
            yield connection
        batches.append(time.perf_counter() - begun)

    return timed


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


if __name__ == "__main__":
    main()
