"""Flow drafts: the text a tenant's editors work on, with a revision that every write must name.

A draft is kept as canonical DSL text (what `callflow fmt` writes: comments and layout included). Saving a draft
never changes what live calls run; publishing does (`versions.py`).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from callflow.runtime.store.audit import Actor, record
from callflow.runtime.store.database import Database, now
from callflow.runtime.store.errors import AlreadyExists, Conflict, NotFound, StaleRevision, StoreError

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
"""Flow names: what a `flow NAME` header, a `subflow` call and a file name can all hold."""


@dataclass(frozen=True)
class Draft:
    """A flow's draft."""

    name: str
    title: str | None
    text: str
    revision: int
    created_at: str
    changed_at: str
    changed_by: str

    def meta(self) -> dict[str, Any]:
        """Who changed it last, and its revision (what a conflict reports)."""
        return {"revision": self.revision, "changed_at": self.changed_at, "changed_by": self.changed_by}


def check_name(name: str) -> None:
    """Refuse a name that cannot name a flow."""
    if not NAME.fullmatch(name):
        raise StoreError(f"{name!r} cannot name a flow: a letter or _, then letters, digits and _ (at most 64)")


_COLUMNS = "name, title, text, revision, created_at, changed_at, changed_by"


class Flows:
    """Reading and writing drafts."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def all(self, tenant_id: int) -> list[Draft]:
        """Every draft of a tenant, by name."""
        rows = self.database.read().execute(
            f"SELECT {_COLUMNS} FROM flows WHERE tenant_id = ? AND deleted_at IS NULL ORDER BY name", (tenant_id,)
        )
        return [Draft(*row) for row in rows]

    def get(self, tenant_id: int, name: str) -> Draft:
        """One draft."""
        row = self._row(self.database.read(), tenant_id, name)
        if row is None:
            raise NotFound(f"there is no flow {name!r}")
        return Draft(*row)

    def find(self, tenant_id: int, name: str) -> Draft | None:
        """One draft, or None."""
        row = self._row(self.database.read(), tenant_id, name)
        return Draft(*row) if row else None

    def create(self, tenant_id: int, name: str, title: str | None, text: str, actor: Actor) -> Draft:
        """A new flow (a deleted flow of the same name comes back, its revisions counting on)."""
        check_name(name)
        with self.database.write() as conn:
            old = conn.execute(
                "SELECT revision, deleted_at FROM flows WHERE tenant_id = ? AND name = ?", (tenant_id, name)
            ).fetchone()
            if old is not None and old[1] is None:
                raise AlreadyExists(f"there is already a flow {name!r}")
            stamp = now()
            if old is None:
                conn.execute(
                    "INSERT INTO flows (tenant_id, name, title, text, revision, created_at, changed_at, changed_by) "
                    "VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
                    (tenant_id, name, title, text, stamp, stamp, actor.name),
                )
            else:
                conn.execute(
                    "UPDATE flows SET title = ?, text = ?, revision = revision + 1, created_at = ?, changed_at = ?, "
                    "changed_by = ?, deleted_at = NULL WHERE tenant_id = ? AND name = ?",
                    (title, text, stamp, stamp, actor.name, tenant_id, name),
                )
            record(conn, tenant_id, actor, "flow.create", name)
            return Draft(*self._row(conn, tenant_id, name))

    def save(self, tenant_id: int, name: str, title: str | None, text: str, revision: int, actor: Actor) -> Draft:
        """A new text for a draft, if `revision` is still its revision."""
        with self.database.write() as conn:
            self._current(conn, tenant_id, name, revision)
            conn.execute(
                "UPDATE flows SET title = ?, text = ?, revision = revision + 1, changed_at = ?, changed_by = ? "
                "WHERE tenant_id = ? AND name = ?",
                (title, text, now(), actor.name, tenant_id, name),
            )
            return Draft(*self._row(conn, tenant_id, name))

    def delete(self, tenant_id: int, name: str, revision: int, actor: Actor) -> None:
        """Delete a draft (its published versions stay in the store, out of use)."""
        with self.database.write() as conn:
            self._current(conn, tenant_id, name, revision)
            conn.execute(
                "UPDATE flows SET deleted_at = ?, revision = revision + 1 WHERE tenant_id = ? AND name = ?",
                (now(), tenant_id, name),
            )
            record(conn, tenant_id, actor, "flow.delete", name)

    def rename(self, tenant_id: int, name: str, to: str, text: str, revision: int, actor: Actor) -> Draft:
        """Give a never-published flow another name (its text already says the new one)."""
        check_name(to)
        with self.database.write() as conn:
            self._current(conn, tenant_id, name, revision)
            if conn.execute("SELECT 1 FROM versions WHERE tenant_id = ? AND flow = ?", (tenant_id, name)).fetchone():
                raise Conflict(f"{name!r} has been published: a published flow keeps its name (copy it instead)")
            taken = conn.execute("SELECT 1 FROM flows WHERE tenant_id = ? AND name = ?", (tenant_id, to)).fetchone()
            if taken:
                raise AlreadyExists(f"there is already a flow {to!r}")
            conn.execute(
                "UPDATE flows SET name = ?, text = ?, revision = revision + 1, changed_at = ?, changed_by = ? "
                "WHERE tenant_id = ? AND name = ?",
                (to, text, now(), actor.name, tenant_id, name),
            )
            conn.execute("UPDATE suites SET flow = ? WHERE tenant_id = ? AND flow = ?", (to, tenant_id, name))
            record(conn, tenant_id, actor, "flow.rename", name, {"to": to})
            return Draft(*self._row(conn, tenant_id, to))

    def _current(self, conn: sqlite3.Connection, tenant_id: int, name: str, revision: int) -> Draft:
        row = self._row(conn, tenant_id, name)
        if row is None:
            raise NotFound(f"there is no flow {name!r}")
        draft = Draft(*row)
        if draft.revision != revision:
            raise StaleRevision(
                f"{name!r} was changed by {draft.changed_by} at {draft.changed_at} (revision {draft.revision}); "
                f"this change was made to revision {revision}",
                draft.meta(),
            )
        return draft

    @staticmethod
    def _row(conn: sqlite3.Connection, tenant_id: int, name: str) -> Any:
        return conn.execute(
            f"SELECT {_COLUMNS} FROM flows WHERE tenant_id = ? AND name = ? AND deleted_at IS NULL", (tenant_id, name)
        ).fetchone()
