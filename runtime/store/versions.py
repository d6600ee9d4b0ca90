"""Published versions: numbered, immutable texts of a flow. Live calls run a flow's newest version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from callflow.runtime.store.audit import Actor, record
from callflow.runtime.store.database import Database, now
from callflow.runtime.store.errors import NotFound


@dataclass(frozen=True)
class Version:
    """One published version of a flow."""

    flow: str
    version: int
    text: str
    published_at: str
    published_by: str
    comment: str | None
    rollback_of: int | None

    def meta(self) -> dict[str, Any]:
        """Everything but the text, as the API lists it."""
        data = {k: v for k, v in self.__dict__.items() if k not in ("text", "flow")}
        return {k: v for k, v in data.items() if v is not None or k == "comment"}


_COLUMNS = "flow, version, text, published_at, published_by, comment, rollback_of"


class Versions:
    """Publishing versions and reading them."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def publish(
        self,
        tenant_id: int,
        flow: str,
        text: str,
        comment: str | None,
        actor: Actor,
        *,
        rollback_of: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> Version:
        """A new version of a flow, numbered after its newest; recorded in the audit log in the same transaction."""
        with self.database.write() as conn:
            newest = conn.execute(
                "SELECT max(version) FROM versions WHERE tenant_id = ? AND flow = ?", (tenant_id, flow)
            ).fetchone()[0]
            number = (newest or 0) + 1
            conn.execute(
                f"INSERT INTO versions (tenant_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (tenant_id, flow, number, text, now(), actor.name, comment, rollback_of),
            )
            action = "flow.rollback" if rollback_of is not None else "flow.publish"
            info = {"version": number, "comment": comment, **({"to": rollback_of} if rollback_of else {})}
            record(conn, tenant_id, actor, action, flow, {**info, **(detail or {})})
        return self.get(tenant_id, flow, number)

    def all(self, tenant_id: int, flow: str) -> list[Version]:
        """Every version of a flow, newest first."""
        rows = self.database.read().execute(
            f"SELECT {_COLUMNS} FROM versions WHERE tenant_id = ? AND flow = ? ORDER BY version DESC",
            (tenant_id, flow),
        )
        return [Version(*row) for row in rows]

    def get(self, tenant_id: int, flow: str, version: int) -> Version:
        """One version."""
        if not 0 < version < 2**63:
            raise NotFound(f"{flow!r} has no version {version}")
        row = (
            self.database.read()
            .execute(
                f"SELECT {_COLUMNS} FROM versions WHERE tenant_id = ? AND flow = ? AND version = ?",
                (tenant_id, flow, version),
            )
            .fetchone()
        )
        if row is None:
            raise NotFound(f"{flow!r} has no version {version}")
        return Version(*row)

    def newest(self, tenant_id: int, flow: str) -> Version | None:
        """The version live calls run, if the flow was ever published."""
        row = (
            self.database.read()
            .execute(
                f"SELECT {_COLUMNS} FROM versions WHERE tenant_id = ? AND flow = ? ORDER BY version DESC LIMIT 1",
                (tenant_id, flow),
            )
            .fetchone()
        )
        return Version(*row) if row else None

    def newest_number(self, tenant_id: int, flow: str) -> int | None:
        """The number of the version live calls run (None: never published, or its flow is deleted); one cheap
        query, asked for every live call."""
        row = (
            self.database.read()
            .execute(
                "SELECT max(v.version) FROM versions v JOIN flows f ON f.tenant_id = v.tenant_id AND f.name = v.flow "
                "AND f.deleted_at IS NULL WHERE v.tenant_id = ? AND v.flow = ?",
                (tenant_id, flow),
            )
            .fetchone()
        )
        return int(row[0]) if row and row[0] is not None else None

    def newest_of_all(self, tenant_id: int) -> dict[str, Version]:
        """The newest version of every flow of a tenant that is not deleted, by flow name."""
        rows = self.database.read().execute(
            f"SELECT {', '.join('v.' + c.strip() for c in _COLUMNS.split(','))} FROM versions v "
            "JOIN flows f ON f.tenant_id = v.tenant_id AND f.name = v.flow AND f.deleted_at IS NULL "
            "WHERE v.tenant_id = ? AND v.version = "
            "(SELECT max(version) FROM versions w WHERE w.tenant_id = v.tenant_id AND w.flow = v.flow)",
            (tenant_id,),
        )
        return {row[0]: Version(*row) for row in rows}
