"""Flow test suites: the YAML of `NAME.test.yaml` (suite "") and `NAME.SUITE.test.yaml`, with revisions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from callflow.runtime.store.audit import Actor, record
from callflow.runtime.store.database import Database, now
from callflow.runtime.store.errors import NotFound, StaleRevision, StoreError

NAME = re.compile(r"(?:[a-z0-9][a-z0-9_-]{0,39})?")
"""Suite names: empty for the flow's main suite, else lower-case letters, digits, `_` and `-`."""


@dataclass(frozen=True)
class Suite:
    """One test file of a flow."""

    flow: str
    suite: str
    text: str
    revision: int
    changed_at: str
    changed_by: str

    @property
    def file(self) -> str:
        """Its file name in a folder of plain files."""
        return f"{self.flow}{'.' + self.suite if self.suite else ''}.test.yaml"


_COLUMNS = "flow, suite, text, revision, changed_at, changed_by"


class Suites:
    """Reading and writing test suites."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def all(self, tenant_id: int, flow: str | None = None) -> list[Suite]:
        """The suites of one flow, or of every flow, main suite first."""
        sql = f"SELECT {_COLUMNS} FROM suites WHERE tenant_id = ?"
        args: list[object] = [tenant_id]
        if flow is not None:
            sql += " AND flow = ?"
            args.append(flow)
        return [Suite(*row) for row in self.database.read().execute(sql + " ORDER BY flow, suite", args)]

    def get(self, tenant_id: int, flow: str, suite: str) -> Suite:
        """One suite."""
        row = (
            self.database.read()
            .execute(
                f"SELECT {_COLUMNS} FROM suites WHERE tenant_id = ? AND flow = ? AND suite = ?",
                (tenant_id, flow, suite),
            )
            .fetchone()
        )
        if row is None:
            raise NotFound(f"{flow!r} has no test suite {suite!r}" if suite else f"{flow!r} has no tests yet")
        return Suite(*row)

    def save(self, tenant_id: int, flow: str, suite: str, text: str, revision: int | None, actor: Actor) -> Suite:
        """A suite's new text, if `revision` is still its revision (None: the suite must not exist yet)."""
        if not NAME.fullmatch(suite):
            raise StoreError(f"{suite!r} cannot name a test suite: lower-case letters, digits, _ and - (at most 40)")
        with self.database.write() as conn:
            row = conn.execute(
                "SELECT revision, changed_at, changed_by FROM suites WHERE tenant_id = ? AND flow = ? AND suite = ?",
                (tenant_id, flow, suite),
            ).fetchone()
            current = row[0] if row else None
            if current != revision:
                meta = {"revision": current, "changed_at": row[1], "changed_by": row[2]} if row else {"revision": None}
                raise StaleRevision(
                    f"the tests of {flow!r} were changed (revision {current}); this change was made to {revision}",
                    meta,
                )
            conn.execute(
                "INSERT INTO suites (tenant_id, flow, suite, text, revision, changed_at, changed_by) "
                "VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT (tenant_id, flow, suite) DO UPDATE SET "
                "text = excluded.text, revision = revision + 1, changed_at = excluded.changed_at, "
                "changed_by = excluded.changed_by",
                (tenant_id, flow, suite, text, now(), actor.name),
            )
        return self.get(tenant_id, flow, suite)

    def delete(self, tenant_id: int, flow: str, suite: str, revision: int, actor: Actor) -> None:
        """Remove a suite, if `revision` is still its revision."""
        with self.database.write() as conn:
            row = conn.execute(
                "SELECT revision FROM suites WHERE tenant_id = ? AND flow = ? AND suite = ?", (tenant_id, flow, suite)
            ).fetchone()
            if row is None:
                raise NotFound(f"{flow!r} has no test suite {suite!r}" if suite else f"{flow!r} has no tests")
            if row[0] != revision:
                raise StaleRevision(f"the suite was changed (revision {row[0]})", {"revision": row[0]})
            conn.execute("DELETE FROM suites WHERE tenant_id = ? AND flow = ? AND suite = ?", (tenant_id, flow, suite))
            record(conn, tenant_id, actor, "tests.delete", flow, {"suite": suite})
