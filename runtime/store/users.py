"""Users of a tenant: a name, a role and an argon2 hash of their password."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from callflow.runtime.store.audit import Actor, record
from callflow.runtime.store.database import Database, now
from callflow.runtime.store.errors import AlreadyExists, NotFound, StoreError

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MIN_PASSWORD = 8
HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against for unknown users, so that a wrong name takes as long as a wrong password (made with the
    first `Users`, not on import: hashing takes a third of a second, which every `callflow` command paid)."""
    return HASHER.hash("a password nobody has")


class Role(IntEnum):
    """What a user may do; each role may do everything the ones below it may."""

    viewer = 1
    """Read flows, versions, tests and the environment; simulate; run tests."""
    editor = 2
    """Also change drafts and tests."""
    admin = 3
    """Also publish, roll back, change the environment and switches, manage users, read the audit log."""


@dataclass(frozen=True)
class User:
    """A user of one tenant."""

    id: int
    tenant_id: int
    name: str
    role: Role
    created_at: str
    password_changed_at: str | None


def role_named(name: str) -> Role:
    """A role from its name."""
    try:
        return Role[name]
    except KeyError:
        raise StoreError(f"{name!r} is not a role; roles are {', '.join(r.name for r in Role)}") from None


def check_password(password: str) -> None:
    """Refuse passwords too short to protect a tenant."""
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"a password has at least {MIN_PASSWORD} characters")


class Users:
    """Adding users, changing them, and verifying passwords."""

    def __init__(self, database: Database) -> None:
        self.database = database
        _dummy_hash()  # now, so that the first unknown name takes no longer than the others

    def add(self, tenant_id: int, name: str, role: Role, password: str, actor: Actor) -> User:
        """A new user of a tenant."""
        if not NAME.fullmatch(name):
            raise StoreError(f"{name!r} cannot name a user: letters, digits and . _ @ - (at most 64)")
        check_password(password)
        hashed = HASHER.hash(password)
        try:
            with self.database.write() as conn:
                cursor = conn.execute(
                    "INSERT INTO users (tenant_id, name, role, password_hash, created_at, password_changed_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (tenant_id, name, role.name, hashed, now(), now()),
                )
                record(conn, tenant_id, actor, "user.add", name, {"role": role.name})
        except sqlite3.IntegrityError:
            raise AlreadyExists(f"there is already a user {name!r}") from None
        assert cursor.lastrowid is not None
        return self.by_id(cursor.lastrowid)

    def get(self, tenant_id: int, name: str) -> User:
        """A user by name."""
        row = self._row("tenant_id = ? AND name = ?", (tenant_id, name))
        if row is None:
            raise NotFound(f"there is no user {name!r}")
        return _user(row)

    def by_id(self, user_id: int) -> User:
        """A user by id."""
        row = self._row("id = ?", (user_id,))
        if row is None:
            raise NotFound(f"there is no user {user_id}")
        return _user(row)

    def all(self, tenant_id: int) -> list[User]:
        """Every user of a tenant, by name."""
        rows = self.database.read().execute(
            "SELECT id, tenant_id, name, role, created_at, password_changed_at FROM users "
            "WHERE tenant_id = ? ORDER BY name",
            (tenant_id,),
        )
        return [_user(row) for row in rows]

    def verify(self, tenant_id: int, name: str, password: str) -> User | None:
        """The user, when the password is theirs; None otherwise (an unknown name costs the same time)."""
        row = (
            self.database.read()
            .execute("SELECT id, password_hash FROM users WHERE tenant_id = ? AND name = ?", (tenant_id, name))
            .fetchone()
        )
        try:
            HASHER.verify(row[1] if row else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        return self.by_id(row[0]) if row else None

    def set_password(self, user_id: int, password: str, actor: Actor) -> None:
        """A new password; every session of the user ends with it."""
        check_password(password)
        hashed = HASHER.hash(password)
        with self.database.write() as conn:
            user = self._locked(conn, user_id)
            conn.execute(
                "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?", (hashed, now(), user_id)
            )
            conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
            record(conn, user[0], actor, "user.password", user[2])

    def set_role(self, user_id: int, role: Role, actor: Actor) -> None:
        """A new role."""
        with self.database.write() as conn:
            user = self._keep_an_admin(conn, user_id, role)
            conn.execute("UPDATE users SET role = ? WHERE id = ?", (role.name, user_id))
            record(conn, user[0], actor, "user.role", user[2], {"from": user[1], "to": role.name})

    def remove(self, user_id: int, actor: Actor) -> None:
        """Remove a user with their sessions and tokens."""
        with self.database.write() as conn:
            user = self._keep_an_admin(conn, user_id, None)
            conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
            conn.execute("DELETE FROM tokens WHERE user_id = ?", (user_id,))
            conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
            record(conn, user[0], actor, "user.remove", user[2])

    def _locked(self, conn: sqlite3.Connection, user_id: int) -> Any:
        row = conn.execute("SELECT tenant_id, role, name FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise NotFound(f"there is no user {user_id}")
        return row

    def _keep_an_admin(self, conn: sqlite3.Connection, user_id: int, role: Role | None) -> Any:
        row = self._locked(conn, user_id)
        if row[1] != Role.admin.name or role == Role.admin:
            return row
        admins = conn.execute(
            "SELECT count(*) FROM users WHERE tenant_id = ? AND role = 'admin'", (row[0],)
        ).fetchone()[0]
        if admins <= 1:
            raise StoreError("this is the tenant's last admin; make another user admin first")
        return row

    def _row(self, where: str, args: tuple[object, ...]) -> Any:
        sql = f"SELECT id, tenant_id, name, role, created_at, password_changed_at FROM users WHERE {where}"
        return self.database.read().execute(sql, args).fetchone()


def _user(row: Any) -> User:
    return User(row[0], row[1], row[2], Role[row[3]], row[4], row[5])
