"""The voicemail inbox: messages (mailbox, caller, time, length, language, audio) and what was done with them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from callflow.runtime.store.errors import NotFound
from callflow.runtime.store.records_db import transaction

STATES = ("unread", "read", "handled")

_COLUMNS = (
    "id",
    "tenant",
    "call_id",
    "flow",
    "mailbox",
    "caller",
    "time",
    "day",
    "seconds",
    "language",
    "file",
    "state",
    "handled_by",
    "handled_at",
    "note",
)


@dataclass(frozen=True)
class Message:
    """One voicemail message."""

    id: int
    tenant: str
    call_id: str | None
    flow: str | None
    mailbox: str
    caller: str
    time: str
    day: str
    seconds: float
    language: str
    file: str | None
    state: str
    handled_by: str | None
    handled_at: str | None
    note: str | None

    def to_json(self) -> dict[str, Any]:
        """The message as the API and `callflow voicemail list` show it."""
        shown = {k: v for k, v in self.__dict__.items() if k not in ("tenant", "file")}
        return {**shown, "audio": self.file is not None}


def apply_voicemail(connection: sqlite3.Connection, data: dict[str, Any], replayed: bool) -> None:
    """Keep a message (its audio, when it has one, already complete at `file`); once per call and mailbox."""
    connection.execute(
        "INSERT INTO voicemails (tenant, call_id, flow, mailbox, caller, time, day, seconds, language, file) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            data.get(k)
            for k in ("tenant", "call_id", "flow", "mailbox", "caller", "time", "day", "seconds", "language", "file")
        ],
    )


class Inbox:
    """Reading and changing a tenant's messages."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def messages(
        self, tenant: str, *, mailbox: str | None = None, state: str | None = None, limit: int = 1000
    ) -> list[Message]:
        """A tenant's messages, newest first, of one mailbox and/or in one state."""
        sql = f"SELECT {', '.join(_COLUMNS)} FROM voicemails WHERE tenant = ?"
        args: list[Any] = [tenant]
        if mailbox:
            sql += " AND mailbox = ?"
            args.append(mailbox)
        if state:
            sql += " AND state = ?"
            args.append(state)
        # by when they were left, not by when their rows were written (a spool replayed after a crash, or several
        # runtimes, write some later than newer ones)
        rows = self.connection.execute(sql + " ORDER BY time DESC, id DESC LIMIT ?", [*args, limit]).fetchall()
        return [Message(*row) for row in rows]

    def get(self, tenant: str, message_id: int) -> Message:
        """One message; NotFound for another tenant's."""
        row = self.connection.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM voicemails WHERE tenant = ? AND id = ?", (tenant, message_id)
        ).fetchone()
        if row is None:
            raise NotFound(f"there is no voicemail message {message_id}")
        return Message(*row)

    def mark(self, tenant: str, message_id: int, state: str, by: str, at: str, note: str | None) -> Message:
        """Mark a message read, unread or handled (who and when are kept for `handled`), with an optional note."""
        self.get(tenant, message_id)
        handled = state == "handled"
        with transaction(self.connection) as connection:
            connection.execute(
                "UPDATE voicemails SET state = ?, handled_by = ?, handled_at = ?, note = coalesce(?, note) "
                "WHERE tenant = ? AND id = ?",
                (state, by if handled else None, at if handled else None, note, tenant, message_id),
            )
        return self.get(tenant, message_id)

    def delete(self, tenant: str, message_id: int) -> Message:
        """Remove a message's record (the caller removes its audio afterwards); the message as it was."""
        message = self.get(tenant, message_id)
        with transaction(self.connection) as connection:
            connection.execute("DELETE FROM voicemails WHERE tenant = ? AND id = ?", (tenant, message_id))
        return message
