"""Environments: each tenant's `callflow.toml` text, every revision kept, and the phone numbers it claims.

A called number belongs to one tenant: saving an environment that claims a number another tenant holds is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from callflow.runtime.store.audit import Actor, record
from callflow.runtime.store.database import Database, now
from callflow.runtime.store.errors import Conflict, StaleRevision


@dataclass(frozen=True)
class EnvironmentText:
    """One revision of a tenant's environment."""

    revision: int
    text: str
    changed_at: str
    changed_by: str

    def meta(self) -> dict[str, Any]:
        """Its revision and who made it."""
        return {"revision": self.revision, "changed_at": self.changed_at, "changed_by": self.changed_by}


class Environments:
    """Reading and saving environments; which tenant a number belongs to."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def current(self, tenant_id: int) -> EnvironmentText:
        """The newest revision (an empty environment before the first save)."""
        row = (
            self.database.read()
            .execute(
                "SELECT revision, text, changed_at, changed_by FROM environments WHERE tenant_id = ? "
                "ORDER BY revision DESC LIMIT 1",
                (tenant_id,),
            )
            .fetchone()
        )
        return EnvironmentText(*row) if row else EnvironmentText(0, "", "", "")

    def revision(self, tenant_id: int) -> int:
        """The newest revision's number (0 before the first save): one cheap query, asked for every live call."""
        row = (
            self.database.read()
            .execute("SELECT max(revision) FROM environments WHERE tenant_id = ?", (tenant_id,))
            .fetchone()
        )
        return int(row[0]) if row and row[0] is not None else 0

    def history(self, tenant_id: int, limit: int = 50) -> list[EnvironmentText]:
        """Earlier revisions, newest first."""
        rows = self.database.read().execute(
            "SELECT revision, text, changed_at, changed_by FROM environments WHERE tenant_id = ? "
            "ORDER BY revision DESC LIMIT ?",
            (tenant_id, limit),
        )
        return [EnvironmentText(*row) for row in rows]

    def save(
        self,
        tenant_id: int,
        text: str,
        numbers: Iterable[str],
        revision: int,
        actor: Actor,
        *,
        action: str = "environment.save",
        target: str = "environment",
        detail: dict[str, Any] | None = None,
    ) -> EnvironmentText:
        """A new revision, if `revision` is still the newest, claiming `numbers` for the tenant."""
        wanted = sorted(set(numbers))
        with self.database.write() as conn:
            row = conn.execute(
                "SELECT revision, changed_at, changed_by FROM environments WHERE tenant_id = ? "
                "ORDER BY revision DESC LIMIT 1",
                (tenant_id,),
            ).fetchone()
            current = row[0] if row else 0
            if current != revision:
                meta = {"revision": current, "changed_at": row[1], "changed_by": row[2]} if row else {}
                raise StaleRevision(
                    f"the environment was changed (revision {current}); this change was made to {revision}", meta
                )
            for number in wanted:
                owner = conn.execute("SELECT tenant_id FROM numbers WHERE number = ?", (number,)).fetchone()
                if owner is not None and owner[0] != tenant_id:
                    raise Conflict(f"the number {number} belongs to another tenant")
            conn.execute("DELETE FROM numbers WHERE tenant_id = ?", (tenant_id,))
            conn.executemany("INSERT INTO numbers (number, tenant_id) VALUES (?, ?)", [(n, tenant_id) for n in wanted])
            conn.execute(
                "INSERT INTO environments (tenant_id, revision, text, changed_at, changed_by) VALUES (?, ?, ?, ?, ?)",
                (tenant_id, current + 1, text, now(), actor.name),
            )
            record(conn, tenant_id, actor, action, target, {"revision": current + 1, **(detail or {})})
        return self.current(tenant_id)

    def tenant_of_number(self, number: str) -> int | None:
        """The tenant a called number belongs to."""
        row = self.database.read().execute("SELECT tenant_id FROM numbers WHERE number = ?", (number,)).fetchone()
        return int(row[0]) if row else None
