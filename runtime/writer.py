"""Writing to one SQLite file off the event loop, without ever losing a write.

A `SqliteWriter` owns a thread with its own connection. `submit` hands it a write (a kind and a JSON value) and
returns at once: a call never waits for the disk, nor for another process that holds the database's write lock.
The thread writes in order, each batch in one transaction, waiting for a lock up to a busy timeout. What it cannot
write then is appended to a spool file beside the database (`NAME.pending.jsonl`, flushed to disk) and retried
until it is written; a process that stops meanwhile finds the spool when it starts again and writes it then.
A write that fails for a reason retrying cannot cure (a constraint, a bad value) is moved to `NAME.failed.jsonl`
and logged: kept for a person to look at, never dropped, and never blocking the writes behind it.

Each kind is applied by a function the owner gives (`Apply`); replayed from the spool it is told so, since a
write may have been committed just before a crash that kept its spool line.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Apply = Callable[[sqlite3.Connection, Any, bool], None]
"""Applies one write inside the writer's transaction: (connection, the write's value, replayed from the spool)."""

BUSY_TIMEOUT_S = 5.0
"""How long one attempt waits for another writer's lock before the batch goes to the spool."""

RETRY_S = (0.1, 5.0)
"""The first and the longest wait between attempts while the database stays locked."""


@dataclass(frozen=True)
class Write:
    """One write: its number in submission order, its kind, its value as JSON, and whether it came from the spool."""

    number: int
    kind: str
    data: str
    replayed: bool = False

    def line(self) -> str:
        """The write as a line of the spool file."""
        return json.dumps({"kind": self.kind, "data": json.loads(self.data)}, ensure_ascii=False) + "\n"


class SqliteWriter:
    """A thread that applies writes to one SQLite file in order; see the module's docstring."""

    def __init__(
        self,
        path: Path,
        apply: Mapping[str, Apply],
        *,
        busy_timeout_s: float = BUSY_TIMEOUT_S,
        name: str = "store",
        begin: Callable[[], None] | None = None,
        finish: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        """`begin` is called as each transaction starts and `finish` inside it just before it commits (an owner
        that adds up what a whole batch of writes changes writes it there, once per batch)."""
        self.path = path
        self._begin, self._finish = begin, finish
        self.spool = path.with_name(path.name + ".pending.jsonl")
        self.failed = path.with_name(path.name + ".failed.jsonl")
        self.busy_timeout_s = busy_timeout_s
        self._apply = dict(apply)
        self._changed = threading.Condition()
        self._incoming: list[Write] = []
        self._kept: list[Write] = []
        """Writes taken by the thread and not yet committed (read by `pending`)."""
        self._submitted = 0
        self._done = 0
        """Writes (by number) committed, or set aside as failed."""
        self._stopping = False
        self._close_by = float("inf")
        replayed = self._read_spool()
        self._submitted = len(replayed)
        self._kept = list(replayed)
        self._thread = threading.Thread(target=self._run, args=(replayed,), name=f"callflow-{name}", daemon=True)
        self._thread.start()

    # -- the caller's side -------------------------------------------------------------------------------------

    def submit(self, kind: str, data: Any) -> None:
        """Queue a write and return at once; TypeError/ValueError here (not later) for a value JSON cannot hold."""
        if kind not in self._apply:
            raise ValueError(f"no write of kind `{kind}`")
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        with self._changed:
            if self._stopping:
                raise RuntimeError("the writer is closed")
            self._submitted += 1
            self._incoming.append(Write(self._submitted, kind, text))
            self._changed.notify_all()

    def flush(self, timeout_s: float | None = None) -> bool:
        """Wait until every write submitted so far is in the database; False if `timeout_s` passed first."""
        with self._changed:
            target = self._submitted
            return self._changed.wait_for(lambda: self._done >= target, timeout_s)

    def pending(self) -> list[tuple[str, Any]]:
        """The writes not yet in the database (kept in the spool while it is locked), oldest first."""
        with self._changed:
            waiting = [*self._kept, *self._incoming]
        return [(write.kind, json.loads(write.data)) for write in waiting]

    def close(self, timeout_s: float | None = None) -> None:
        """Write what can be written (within `timeout_s`, by default one busy timeout) and stop; what is left is in
        the spool, written when a writer for this file next starts."""
        with self._changed:
            self._stopping = True
            wait = self.busy_timeout_s if timeout_s is None else timeout_s
            self._close_by = time.monotonic() + wait
            self._changed.notify_all()
        self._thread.join()

    # -- the thread ----------------------------------------------------------------------------------------------

    def _run(self, replayed: list[Write]) -> None:
        try:
            connection = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
            try:
                self._serve(connection, replayed)
            finally:
                connection.close()
        except Exception:  # a bug, or a file that cannot be opened: say so, and refuse writes from now on
            log.exception("%s: the writer stopped; writes not in %s are lost", self.path, self.spool)
            with self._changed:
                self._stopping = True
                self._changed.notify_all()

    def _serve(self, connection: sqlite3.Connection, kept: list[Write]) -> None:
        spooled = list(kept)  # what the spool file holds now
        delay, retry_at = RETRY_S[0], 0.0
        while True:
            with self._changed:
                while (wait_s := self._wait_s(kept, retry_at)) != 0.0:
                    self._changed.wait(wait_s)
                kept += self._incoming
                self._incoming.clear()
                self._kept = list(kept)
                stopping = self._stopping
            if stopping and (not kept or (time.monotonic() >= self._close_by and _same(kept, spooled))):
                return  # all written, or out of time with everything in the spool
            remaining, problem = self._write(connection, kept)
            if remaining and not _same(remaining, spooled):
                if not spooled:
                    log.warning("%s: %d write(s) wait (%s); kept in %s", self.path, len(remaining), problem, self.spool)
                spooled = self._keep_in_spool(remaining, spooled)
            elif not remaining and spooled:
                self.spool.unlink(missing_ok=True)
                log.info("%s: the kept writes are written", self.path)
                spooled = []
            with self._changed:
                written = kept[: len(kept) - len(remaining)]
                self._done = max([self._done, *(write.number for write in written)])
                self._kept = list(remaining)
                self._changed.notify_all()
            kept = remaining
            if remaining:
                retry_at, delay = time.monotonic() + delay, min(delay * 2, RETRY_S[1])
            else:
                delay = RETRY_S[0]

    def _wait_s(self, kept: list[Write], retry_at: float) -> float | None:
        """How long the thread may wait before it has something to do (0: now; None: until woken)."""
        if self._incoming:
            return 0.0
        now = time.monotonic()
        due = retry_at if kept else float("inf")
        if self._stopping:
            due = min(due, self._close_by) if kept else now
        return None if due == float("inf") else max(due - now, 0.0)

    def _write(self, connection: sqlite3.Connection, writes: list[Write]) -> tuple[list[Write], str]:
        """Write `writes` in order; those not written because the database could not be written (locked, full),
        and why. A write that fails on its own is set aside in the failed file."""
        try:
            self._commit(connection, writes)
            return [], ""
        except sqlite3.OperationalError as error:
            return writes, str(error)
        except Exception:  # one of them can never be written: find it by writing them one at a time
            pass
        for index, write in enumerate(writes):
            try:
                self._commit(connection, [write])
            except sqlite3.OperationalError as error:
                return writes[index:], str(error)
            except Exception as error:
                log.error("%s: a %s write fails (%s); kept in %s", self.path, write.kind, error, self.failed)
                entry = {"error": str(error), "kind": write.kind, "data": json.loads(write.data)}
                self._keep_failed(json.dumps(entry, ensure_ascii=False))
        return [], ""

    def _commit(self, connection: sqlite3.Connection, writes: list[Write]) -> None:
        """All of `writes` in one transaction, or none of them."""
        connection.execute("BEGIN IMMEDIATE")
        try:
            if self._begin is not None:
                self._begin()
            for write in writes:
                self._apply[write.kind](connection, json.loads(write.data), write.replayed)
            if self._finish is not None:
                self._finish(connection)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    def _keep_in_spool(self, writes: list[Write], spooled: list[Write]) -> list[Write]:
        """Make the spool file hold exactly `writes` (replaced at once, on disk); what it holds afterwards."""
        temporary = self.spool.with_name(self.spool.name + ".new")
        try:
            with temporary.open("w", encoding="utf-8") as handle:
                handle.write("".join(write.line() for write in writes))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.spool)
        except OSError as error:  # the disk is full too: the writes stay in memory and are retried
            log.error("%s: cannot keep %d write(s) in %s (%s)", self.path, len(writes), self.spool, error)
            return spooled
        return list(writes)

    def _keep_failed(self, line: str) -> None:
        try:
            with self.failed.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            log.error("%s: cannot keep a failed write in %s (%s): %s", self.path, self.failed, error, line)

    def _read_spool(self) -> list[Write]:
        """The writes a previous writer kept in the spool, to be written first (a torn last line is set aside)."""
        if not self.spool.exists():
            return []
        writes: list[Write] = []
        for line in self.spool.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                data = json.dumps(entry["data"], ensure_ascii=False)
                writes.append(Write(len(writes) + 1, str(entry["kind"]), data, replayed=True))
            except (ValueError, KeyError, TypeError):
                self._keep_failed(json.dumps({"error": "unreadable spool line", "line": line}, ensure_ascii=False))
        if writes:
            log.info("%s: %d write(s) kept by an earlier run are written first", self.path, len(writes))
        return writes


def _same(writes: list[Write], others: list[Write]) -> bool:
    """Whether two lists hold the very same writes (replayed writes may be equal without being the same)."""
    return len(writes) == len(others) and all(a is b for a, b in zip(writes, others, strict=True))
