"""The live runtime's recordings of callers, by call: what `RECORD FILE` wrote for a call's spoken answers, its
`record` nodes and its voicemail (`<recordings>/<call id>-<n>.wav`, Asterisk's folder, outside the data folder).

`callflow run --data` names its recordings folder here when it starts, so that pruning a call's record also removes
what the caller said on it: a retention of 180 days leaves no caller's voice older than that on the disk. A
voicemail message's audio is a copy inside the data folder (`records.py`), pruned with its message; the original
in the recordings folder goes with its call.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from callflow.runtime.store.records_db import transaction


def name_folder(connection: sqlite3.Connection, folder: Path) -> None:
    """Remember a folder a live runtime records calls into (its absolute path)."""
    with transaction(connection):
        connection.execute(
            "INSERT INTO recording_folders (path, since) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (str(folder.resolve()), datetime.now(UTC).isoformat(timespec="seconds")),
        )


def named_folders(connection: sqlite3.Connection) -> list[Path]:
    """The recordings folders live runtimes of this data folder have named."""
    return [Path(row[0]) for row in connection.execute("SELECT path FROM recording_folders ORDER BY path")]


def call_of(file: Path) -> str | None:
    """The call a recording belongs to, from its name (`<call id>-<n>.wav`); None for a file not named so."""
    if file.suffix != ".wav":
        return None
    call_id, dash, number = file.stem.rpartition("-")
    return call_id if dash and call_id and number.isdigit() else None


def remove_recordings(folders: Iterable[Path], calls: set[str]) -> int:
    """Remove the recordings of `calls` from each folder (one pass over each); how many files."""
    removed = 0
    for folder in folders:
        try:
            entries = list(folder.iterdir())
        except OSError:  # gone, or not readable by this process: kept, nothing to count
            continue
        for file in entries:
            if call_of(file) in calls and file.is_file():
                file.unlink(missing_ok=True)
                removed += 1
    return removed
