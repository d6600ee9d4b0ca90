"""The SQLite writer behind the store: writes in order off the caller's thread, kept through locks and restarts,
and a write that can never succeed set aside instead of blocking the others."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from callflow.runtime.writer import SqliteWriter


def add_item(connection: sqlite3.Connection, data: dict[str, Any], replayed: bool) -> None:
    if data["text"] == "poison":
        raise ValueError("poison is never written")
    connection.execute("INSERT INTO items (text) VALUES (?)", (data["text"],))


def items_file(tmp_path: Path) -> Path:
    path = tmp_path / "items.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, text TEXT)")
    return path


def texts(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [text for (text,) in connection.execute("SELECT text FROM items ORDER BY id")]


def test_writes_are_applied_in_the_order_they_were_submitted(tmp_path: Path) -> None:
    """A hundred writes submitted at once are in the file in that order once `flush` returns."""
    path = items_file(tmp_path)
    writer = SqliteWriter(path, {"item": add_item})
    for number in range(100):
        writer.submit("item", {"text": str(number)})
    assert writer.flush(60)
    assert texts(path) == [str(number) for number in range(100)]
    writer.close()


def test_a_write_that_always_fails_is_set_aside_and_the_rest_are_written(tmp_path: Path) -> None:
    """A write its function refuses goes to the failed file with the reason; the writes around it are written."""
    path = items_file(tmp_path)
    writer = SqliteWriter(path, {"item": add_item})
    for text in ("before", "poison", "after"):
        writer.submit("item", {"text": text})
    assert writer.flush(60)
    writer.close()
    assert texts(path) == ["before", "after"]
    (failed,) = [json.loads(line) for line in writer.failed.read_text(encoding="utf-8").splitlines()]
    assert failed == {"error": "poison is never written", "kind": "item", "data": {"text": "poison"}}


def test_a_locked_file_keeps_writes_in_the_spool_until_the_lock_is_released(tmp_path: Path) -> None:
    """While another connection holds the write lock, `flush` cannot finish and the spool holds the writes; once
    the lock is released they are written and the spool is gone."""
    path = items_file(tmp_path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    writer = SqliteWriter(path, {"item": add_item}, busy_timeout_s=0.1)
    writer.submit("item", {"text": "one"})
    writer.submit("item", {"text": "two"})
    assert not writer.flush(0.5)
    assert writer.pending() == [("item", {"text": "one"}), ("item", {"text": "two"})]
    other.execute("ROLLBACK")
    assert writer.flush(60)
    assert texts(path) == ["one", "two"] and writer.pending() == []
    writer.close()
    other.close()
    assert not writer.spool.exists()


def test_an_unreadable_spool_line_is_set_aside_and_the_rest_replayed(tmp_path: Path) -> None:
    """A spool left by an earlier run is written first; a line that cannot be read is kept in the failed file."""
    path = items_file(tmp_path)
    spool = path.with_name(path.name + ".pending.jsonl")
    spool.write_text('{"kind": "item", "data": {"text": "kept"}}\n{"kind": "item", "da\n', encoding="utf-8")
    writer = SqliteWriter(path, {"item": add_item})
    writer.submit("item", {"text": "new"})
    assert writer.flush(60)
    writer.close()
    assert texts(path) == ["kept", "new"]
    assert "unreadable spool line" in writer.failed.read_text(encoding="utf-8")
    assert not spool.exists()


@pytest.mark.parametrize("value", [float("nan"), object()], ids=["NaN", "an object"])
def test_a_value_json_cannot_hold_is_refused_when_submitted(tmp_path: Path, value: object) -> None:
    """The caller learns at once that a write cannot be kept (its node takes the error path); nothing is queued."""
    writer = SqliteWriter(items_file(tmp_path), {"item": add_item})
    with pytest.raises((ValueError, TypeError)):
        writer.submit("item", {"text": value})
    assert writer.pending() == []
    writer.close()


def test_a_closed_writer_refuses_new_writes(tmp_path: Path) -> None:
    """After `close`, a write would be lost silently; it is refused instead."""
    writer = SqliteWriter(items_file(tmp_path), {"item": add_item})
    writer.close()
    with pytest.raises(RuntimeError, match="closed"):
        writer.submit("item", {"text": "late"})
