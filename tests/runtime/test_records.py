"""The live calls' store (a real SQLite file): a message left while another process holds the file's write lock is
neither lost nor waited for; it is kept, and written when the lock is released, or when Callflow next starts."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.records import SqliteStore
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import parse_script

AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

FLOW = """flow t
  languages en

prompt leave
  en "Please leave your message after the tone."

prompt thanks
  en "Your message has been received."

mailbox: voicemail mayor
  prompt leave
  saved  -> thanks

thanks: say thanks -> bye

bye: hangup
"""

MESSAGE = {"mailbox": "mayor", "caller": "13800000000", "time": "2026-11-20T10:00:00+08:00", "seconds": 4.0}


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's connection to the store's file, holding its write lock until it rolls back."""
    SqliteStore(tmp_path / "calls.sqlite").close()  # the file and its tables, as Callflow makes them
    other = sqlite3.connect(tmp_path / "calls.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def voicemail_call(tmp_path: Path, store: SqliteStore) -> Simulation:
    """A caller who leaves a 4-second message for the mayor, with calls kept in `store`."""
    (tmp_path / "callflow.toml").write_text("[mailboxes.mayor]\n", encoding="utf-8")
    (tmp_path / "t.flow").write_text(FLOW, encoding="utf-8")
    loaded = load_file(tmp_path / "t.flow")
    assert loaded.ok and loaded.flow is not None, [p.render() for p in loaded.problems]
    simulator = Simulator(load_environment(tmp_path / "callflow.toml"), tmp_path, store=store)
    try:
        steps = parse_script(["say:please fix the street light on my road"])
        return asyncio.run(simulator.call(loaded.flow, steps, at=AT, caller="13800000000"))
    finally:
        simulator.close()


def rows(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """The messages in the file, as (mailbox, caller), read through another connection."""
    return connection.execute("SELECT mailbox, caller FROM voicemails ORDER BY id").fetchall()


def eventually(check: Callable[[], bool], timeout_s: float = 60) -> bool:
    """Whether `check` comes true within a generous deadline (looked at every 10 ms; a wait, not a measure)."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_message_left_while_the_file_is_locked_is_kept_then_written(
    tmp_path: Path, locked: sqlite3.Connection
) -> None:
    """The caller hears the thanks, not an apology; the message waits in the spool while another writer holds the
    lock, and is in the file once it lets go (it used to be lost after the event loop had waited 5 s)."""
    store = SqliteStore(tmp_path / "calls.sqlite", busy_timeout_s=0.2)
    try:
        call = voicemail_call(tmp_path, store)
        assert call.said() == ["Please leave your message after the tone.", "Your message has been received."]
        assert [e["event"] for e in call.events if e["event"] in ("error", "fallback")] == []
        assert [m["caller"] for m in store.pending_voicemails()] == ["13800000000"]
        assert eventually(store.writer.spool.exists)
        assert rows(locked) == []
        locked.execute("ROLLBACK")
        assert store.writer.flush(60)
        assert rows(locked) == [("mayor", "13800000000")]
        assert store.pending_voicemails() == []
        assert not store.writer.spool.exists()
    finally:
        store.close()


def test_saving_returns_at_once_while_the_file_is_locked(tmp_path: Path, locked: sqlite3.Connection) -> None:
    """With a busy timeout of a minute, saving still returns before the lock is released: nothing waits on the
    caller's side (the event loop of every call in the process)."""
    store = SqliteStore(tmp_path / "calls.sqlite", busy_timeout_s=60)
    try:
        store.save_voicemail({**MESSAGE, "file": "/r/1.wav", "call_id": "c1"})
        store.save_values("c1", {"rating": "3"})
        assert locked.in_transaction and rows(locked) == []
        locked.execute("ROLLBACK")
        assert store.writer.flush(60)
        assert rows(locked) == [("mayor", "13800000000")]
        assert store.values("c1") == {"rating": "3"}
    finally:
        store.close()


def test_messages_kept_when_callflow_stops_are_written_when_it_starts_again(
    tmp_path: Path, locked: sqlite3.Connection
) -> None:
    """Closing the store while the file stays locked leaves the messages in the spool (on disk); the next store on
    that file writes them first, each once."""
    store = SqliteStore(tmp_path / "calls.sqlite", busy_timeout_s=0.2)
    for number in range(3):
        store.save_voicemail({**MESSAGE, "caller": f"1380000000{number}", "call_id": f"c{number}"})
    store.close()
    spooled = [json.loads(line) for line in store.writer.spool.read_text(encoding="utf-8").splitlines()]
    assert [entry["data"]["caller"] for entry in spooled] == ["13800000000", "13800000001", "13800000002"]
    locked.execute("ROLLBACK")
    again = SqliteStore(tmp_path / "calls.sqlite")
    try:
        assert [m["caller"] for m in again.voicemails()] == ["13800000000", "13800000001", "13800000002"]
        assert not again.writer.spool.exists()
    finally:
        again.close()


def test_a_kept_message_written_just_before_a_crash_is_not_written_twice(tmp_path: Path) -> None:
    """A process killed between writing the kept messages and removing the spool leaves both; the next start
    writes what the file lacks and nothing twice."""
    path = tmp_path / "calls.sqlite"
    store = SqliteStore(path)
    first, second = {**MESSAGE, "call_id": "c1", "file": "/r/1.wav"}, {**MESSAGE, "call_id": "c2", "file": "/r/2.wav"}
    store.save_voicemail(first)
    store.close()
    lines = [{"kind": "voicemail", "data": {**m, "language": None, "unread": 1}} for m in (first, second)]
    store.writer.spool.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    again = SqliteStore(path)
    try:
        assert [m["call_id"] for m in again.voicemails()] == ["c1", "c2"]
    finally:
        again.close()


def test_the_store_keeps_voicemail_and_values_across_a_restart(tmp_path: Path) -> None:
    """Without any lock, what is saved is in the file for the next process, values updated in place."""
    path = tmp_path / "records" / "calls.sqlite"
    store = SqliteStore(path)
    store.save_voicemail({**MESSAGE, "language": "zh-CN", "file": "/r/1.wav", "unread": True, "call_id": "c1"})
    store.save_values("c1", {"rating": "3"})
    store.save_values("c1", {"rating": "2", "misses": 1})
    store.close()
    again = SqliteStore(path)
    try:
        (saved,) = again.voicemails()
        assert saved["mailbox"] == "mayor" and saved["seconds"] == 4.0 and saved["unread"] == 1
        assert again.values("c1") == {"rating": "2", "misses": 1}
    finally:
        again.close()
