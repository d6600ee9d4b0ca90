"""Removing old call records in small batches: the calls with their events and rows, their tallies, the voicemail
messages and the messages' audio, the callers' recordings in the live runtimes' folders (`recordings.py`); and the
last prune of each tenant, for the API to show.

Each batch is one short transaction (`BATCH` calls or messages, a few milliseconds), so a writer of new records
(the live runtime's writer thread, another process) waits at most one batch, never the whole prune. A message's
row goes first and its audio file after the commit: a crash in between leaves a file nobody points at, never a
message whose audio is gone; likewise a call's recordings go after its row.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from callflow.runtime.store.recordings import named_folders, remove_recordings
from callflow.runtime.store.records_db import transaction

BATCH = 500
"""Calls (or messages, or tallies) removed per transaction."""

PAUSE_S = 0.005
"""The pause between two batches, so that the writers of new records take their turn."""

RECORDINGS_PASS = 50_000
"""Removed calls whose recordings are looked for in one pass over the recordings folders (the ids held meanwhile)."""


@dataclass(frozen=True)
class Pruned:
    """What one prune removed: call records, voicemail messages, and audio files (the messages' copies inside the
    data folder that no other message names, and the calls' recordings in the live runtimes' folders)."""

    calls: int = 0
    messages: int = 0
    files: int = 0


@dataclass(frozen=True)
class PruneRun:
    """A tenant's last prune: when it ended (UTC), the first local day kept, and what it removed."""

    tenant: str
    at: str
    before: str
    calls: int
    messages: int
    files: int

    def to_json(self) -> dict[str, Any]:
        """As the API answers it."""
        return asdict(self)


def prune_before(
    connection: sqlite3.Connection,
    data: Path,
    before_day: str,
    tenant: str | None = None,
    *,
    batch: int = BATCH,
    pause: Callable[[], None] = lambda: time.sleep(PAUSE_S),
) -> Pruned:
    """Remove the records of the calls and the messages of local days before `before_day` (of one tenant, or of
    every tenant), with their rows, tallies, audio and recordings, `batch` at a time."""
    which = "day < ?" + (" AND tenant = ?" if tenant is not None else "")
    args: list[Any] = [before_day] + ([tenant] if tenant is not None else [])
    messages, files = 0, 0
    while True:
        with transaction(connection):
            found = connection.execute(f"SELECT id, file FROM voicemails WHERE {which} LIMIT ?", [*args, batch])
            rows = found.fetchall()
            connection.executemany("DELETE FROM voicemails WHERE id = ?", [(row[0],) for row in rows])
        messages += len(rows)
        files += sum(_remove_audio(connection, data, str(file)) for _, file in rows if file)
        if len(rows) < batch:
            break
        pause()
    folders = named_folders(connection)
    gone: set[str] = set()

    def recordings_of(calls: Iterable[str]) -> None:
        nonlocal files
        gone.update(calls)
        if len(gone) >= RECORDINGS_PASS:  # a long backlog: one pass over the folders per so many calls
            files += remove_recordings(folders, gone)
            gone.clear()

    select = f"SELECT id, call_id FROM calls WHERE {which} LIMIT ?"
    calls = _in_batches(connection, select, "calls", "id", args, batch, pause, recordings_of if folders else None)
    files += remove_recordings(folders, gone) if gone else 0
    keys = "tenant, kind, day, flow, version, origin, hour, k1, k2, k3"
    _in_batches(connection, f"SELECT {keys} FROM tallies WHERE {which} LIMIT ?", "tallies", keys, args, batch, pause)
    return Pruned(calls, messages, files)


def _in_batches(
    connection: sqlite3.Connection,
    select: str,
    table: str,
    key: str,
    args: list[Any],
    batch: int,
    pause: Callable[[], None],
    seen: Callable[[Iterable[Any]], None] | None = None,
) -> int:
    """Delete the rows `select` finds (by their first columns, `key`'s), one transaction per batch, handing `seen`
    each row's next column (after the commit); how many."""
    removed = 0
    width = len(key.split(","))
    marks = ", ".join("?" * width)
    while True:
        with transaction(connection):
            rows = connection.execute(select, [*args, batch]).fetchall()
            connection.executemany(f"DELETE FROM {table} WHERE ({key}) = ({marks})", [row[:width] for row in rows])
        if seen is not None:
            seen(str(row[width]) for row in rows)
        removed += len(rows)
        if len(rows) < batch:
            return removed
        pause()


def _remove_audio(connection: sqlite3.Connection, data: Path, file: str) -> int:
    """Remove a removed message's audio file when it is inside the data folder and no message left names it."""
    path = data / file
    if not path.resolve().is_relative_to(data.resolve()) or not path.is_file():
        return 0
    if connection.execute("SELECT 1 FROM voicemails WHERE file = ? LIMIT 1", (file,)).fetchone():
        return 0
    path.unlink(missing_ok=True)
    return 1


def keep_run(connection: sqlite3.Connection, run: PruneRun) -> None:
    """Remember a tenant's last prune."""
    with transaction(connection):
        connection.execute(
            "INSERT INTO prune_runs (tenant, at, before, calls, messages, files) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO UPDATE SET at = excluded.at, before = excluded.before, calls = excluded.calls, "
            "messages = excluded.messages, files = excluded.files",
            (run.tenant, run.at, run.before, run.calls, run.messages, run.files),
        )


def last_run(connection: sqlite3.Connection, tenant: str) -> PruneRun | None:
    """A tenant's last prune, if there was one."""
    row = connection.execute(
        "SELECT tenant, at, before, calls, messages, files FROM prune_runs WHERE tenant = ?", (tenant,)
    ).fetchone()
    return PruneRun(*row) if row else None
