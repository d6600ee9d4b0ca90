"""Tenants: virtual call centres, each with its own flows, tests, environment, data and users."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from callflow.runtime.store.database import Database, now
from callflow.runtime.store.errors import AlreadyExists, NotFound, StoreError

NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
"""Tenant names: lower-case letters, digits and inner hyphens (they name folders and appear in URLs and logs)."""


@dataclass(frozen=True)
class Tenant:
    """One tenant."""

    id: int
    name: str
    title: str | None
    created_at: str


class Tenants:
    """Creating and finding tenants."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, name: str, title: str | None = None) -> Tenant:
        """A new tenant."""
        if not NAME.fullmatch(name):
            raise StoreError(f"{name!r} cannot name a tenant: use lower-case letters, digits and hyphens (at most 40)")
        try:
            with self.database.write() as conn:
                cursor = conn.execute(
                    "INSERT INTO tenants (name, title, created_at) VALUES (?, ?, ?)", (name, title, now())
                )
        except sqlite3.IntegrityError:
            raise AlreadyExists(f"there is already a tenant {name!r}") from None
        assert cursor.lastrowid is not None
        return self.by_id(cursor.lastrowid)

    def get(self, name: str) -> Tenant:
        """A tenant by name."""
        row = self.database.read().execute("SELECT * FROM tenants WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(f"there is no tenant {name!r}")
        return Tenant(*row)

    def by_id(self, tenant_id: int) -> Tenant:
        """A tenant by id."""
        row = self.database.read().execute("SELECT * FROM tenants WHERE id = ?", (tenant_id,)).fetchone()
        if row is None:
            raise NotFound(f"there is no tenant {tenant_id}")
        return Tenant(*row)

    def all(self) -> list[Tenant]:
        """Every tenant, by name."""
        return [Tenant(*row) for row in self.database.read().execute("SELECT * FROM tenants ORDER BY name")]
