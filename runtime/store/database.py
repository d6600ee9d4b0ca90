"""The service's SQLite file: one connection per thread, explicit transactions, and the tables it needs.

Every write is one `BEGIN IMMEDIATE … COMMIT` transaction in WAL mode with `synchronous=FULL`, so a write that was
acknowledged survives a `kill -9` or a power cut, and a crash in the middle of one leaves nothing half done.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 10_000
"""How long a write waits for another writer (another thread, `callflow` command or process) before failing."""

SCHEMA_VERSION = 1

TABLES: dict[str, tuple[dict[str, type], str | tuple[str, ...], tuple[tuple[str, ...], ...]]] = {
    # name: (columns, primary key, unique indexes)
    "tenants": ({"id": int, "name": str, "title": str, "created_at": str}, "id", (("name",),)),
    "users": (
        {
            "id": int,
            "tenant_id": int,
            "name": str,
            "role": str,
            "password_hash": str,
            "created_at": str,
            "password_changed_at": str,
        },
        "id",
        (("tenant_id", "name"),),
    ),
    "sessions": (
        {"token_hash": str, "user_id": int, "created_at": str, "expires_at": str, "address": str},
        "token_hash",
        (),
    ),
    "tokens": (
        {"id": int, "token_hash": str, "user_id": int, "name": str, "created_at": str, "revoked_at": str},
        "id",
        (("token_hash",),),
    ),
    "login_failures": ({"id": int, "key": str, "at": float}, "id", ()),
    "flows": (
        {
            "id": int,
            "tenant_id": int,
            "name": str,
            "title": str,
            "text": str,
            "revision": int,
            "created_at": str,
            "changed_at": str,
            "changed_by": str,
            "deleted_at": str,
        },
        "id",
        (("tenant_id", "name"),),
    ),
    "versions": (
        {
            "tenant_id": int,
            "flow": str,
            "version": int,
            "text": str,
            "published_at": str,
            "published_by": str,
            "comment": str,
            "rollback_of": int,
        },
        ("tenant_id", "flow", "version"),
        (),
    ),
    "suites": (
        {
            "tenant_id": int,
            "flow": str,
            "suite": str,
            "text": str,
            "revision": int,
            "changed_at": str,
            "changed_by": str,
        },
        ("tenant_id", "flow", "suite"),
        (),
    ),
    "environments": (
        {"tenant_id": int, "revision": int, "text": str, "changed_at": str, "changed_by": str},
        ("tenant_id", "revision"),
        (),
    ),
    "numbers": ({"number": str, "tenant_id": int}, "number", ()),
    "audit": (
        {
            "id": int,
            "tenant_id": int,
            "at": str,
            "actor": str,
            "action": str,
            "target": str,
            "detail": str,
            "address": str,
        },
        "id",
        (),
    ),
}

INDEXES = (
    ("login_failures", ("key", "at")),
    ("sessions", ("user_id",)),
    ("audit", ("tenant_id", "id")),
    ("audit", ("tenant_id", "action", "target", "id")),
)


def now() -> str:
    """The current moment as the store writes it: ISO 8601 in UTC, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Database:
    """The service's SQLite file, shared by the threads of one process (and by other processes)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        self._migrate()

    def connection(self) -> sqlite_utils.Database:
        """This thread's connection."""
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            db = self._local.db = sqlite_utils.Database(conn)
        return db

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        conn = self.connection().conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def read(self) -> sqlite3.Connection:
        """This thread's connection, for reading (each statement sees a committed state)."""
        return self.connection().conn

    def healthy(self) -> bool:
        """Whether the file can be read."""
        try:
            self.read().execute("SELECT count(*) FROM tenants").fetchone()
        except sqlite3.Error:
            return False
        return True

    def integrity(self) -> str:
        """SQLite's own integrity check: `ok`, or what is wrong."""
        rows = self.read().execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(row[0]) for row in rows)

    def close(self) -> None:
        """Close this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def _migrate(self) -> None:
        db = self.connection()
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version >= SCHEMA_VERSION:
            return
        with self.write():
            for name, (columns, pk, uniques) in TABLES.items():
                table = db.table(name)
                if not table.exists():
                    table.create(columns, pk=pk, not_null=set(columns) - _NULLABLE)
                for unique in uniques:
                    table.create_index(unique, unique=True, if_not_exists=True)
            for name, indexed in INDEXES:
                db.table(name).create_index(indexed, if_not_exists=True)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


_NULLABLE = {"title", "deleted_at", "comment", "rollback_of", "revoked_at", "detail", "address", "password_changed_at"}
"""Columns that may be empty; every other column is NOT NULL."""


def row_dict(cursor: sqlite3.Cursor, row: tuple[object, ...]) -> dict[str, object]:
    """A row as a dict of its column names."""
    return {description[0]: value for description, value in zip(cursor.description, row, strict=True)}
