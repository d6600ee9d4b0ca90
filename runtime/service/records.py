"""A data folder's call records (`records.db`): the `Recorder` live and simulated calls feed, and its readers.

Writes go through one `SqliteWriter` per process (a thread, batches in one transaction each, a spool while the file
is locked): handing a record over returns at once and it is committed within milliseconds, far inside the second
the issue allows. A voicemail message's audio is copied into the data folder (`voicemail/TENANT/…wav`, written
whole, then renamed) before its row is written, so a message never points at a half-written file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from callflow.runtime.call_record import CallOrigin, utc_text
from callflow.runtime.store.call_records import TallyBatch, apply_call, apply_progress, packed_text
from callflow.runtime.store.records_db import connect, records_path
from callflow.runtime.store.voicemail_inbox import Inbox, apply_voicemail
from callflow.runtime.writer import Apply, SqliteWriter

VOICEMAIL_FOLDER = "voicemail"


class RecordBook:
    """The records of one data folder: written through a writer thread, read on a connection per thread."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.path = records_path(data)
        connect(self.path).close()  # the tables, made once
        self._local = threading.local()
        self._lock = threading.Lock()
        self._writer: SqliteWriter | None = None

    # -- reading -------------------------------------------------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        """This thread's connection."""
        found: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if found is None:
            found = self._local.connection = connect(self.path)
        return found

    @property
    def inbox(self) -> Inbox:
        """The voicemail inbox, on this thread's connection."""
        return Inbox(self.connection())

    def audio_path(self, file: str) -> Path:
        """Where a message's audio is (a path relative to the data folder, or absolute)."""
        return self.data / file

    # -- writing (the Recorder) ------------------------------------------------------------------------------------

    @property
    def writer(self) -> SqliteWriter:
        """The writer thread, started on first use."""
        with self._lock:
            if self._writer is None:
                batch = TallyBatch()
                applies: dict[str, Apply] = {
                    "call": lambda connection, record, replayed: apply_call(connection, record, replayed, batch),
                    "progress": apply_progress,
                    "voicemail": self._apply_voicemail,
                }
                self._writer = SqliteWriter(self.path, applies, name="records", begin=batch.clear, finish=batch.write)
            return self._writer

    def call_progress(
        self, origin: CallOrigin, record: dict[str, Any], part: int, events: list[dict[str, Any]]
    ) -> None:
        """A running call's record so far and its newest events."""
        self.writer.submit("progress", {"record": record, "part": part, "packed_events": packed_text(events)})

    def call_ended(self, origin: CallOrigin, record: dict[str, Any], events: list[dict[str, Any]]) -> None:
        """A call's whole record."""
        self.writer.submit("call", {**record, "packed_events": packed_text(events)})

    def voicemail(self, origin: CallOrigin, message: Mapping[str, Any]) -> None:
        """A message a call left: its row (and its audio, copied in the writer's thread)."""
        moment = datetime.fromisoformat(str(message["time"]))
        row = {
            "tenant": origin.tenant,
            "flow": origin.flow,
            "call_id": message.get("call_id"),
            "mailbox": message["mailbox"],
            "caller": message.get("caller") or "",
            "time": utc_text(moment),
            "day": moment.date().isoformat(),
            "seconds": float(message.get("seconds") or 0.0),
            "language": message.get("language") or "",
            "file": message.get("file"),
        }
        self.writer.submit("voicemail", row)

    def _apply_voicemail(self, connection: sqlite3.Connection, data: dict[str, Any], replayed: bool) -> None:
        source = data.get("file")
        if source:
            data = {**data, "file": self._keep_audio(Path(source), data)}
        apply_voicemail(connection, data, replayed)

    def _keep_audio(self, source: Path, data: dict[str, Any]) -> str:
        """The message's audio copied whole into the data folder (kept where it is when it is not readable here)."""
        folder = self.data / VOICEMAIL_FOLDER / str(data["tenant"])
        name = f"{data['day']}-{data.get('call_id') or 'message'}-{data['mailbox']}.wav"
        target = folder / name
        if source.resolve() == target.resolve() or not source.is_file():
            return str(source)
        folder.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".part")
        with source.open("rb") as reading, temporary.open("wb") as writing:
            shutil.copyfileobj(reading, writing)
            writing.flush()
            os.fsync(writing.fileno())
        os.replace(temporary, target)
        return str(target.relative_to(self.data))

    def flush(self, timeout_s: float | None = None) -> bool:
        """Wait until everything handed over is in the file."""
        with self._lock:
            writer = self._writer
        return True if writer is None else writer.flush(timeout_s)

    def release(self) -> None:
        """Close this thread's connection (a thread that is done with the records)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def close(self) -> None:
        """Write what is pending and close."""
        with self._lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()
        self.release()
