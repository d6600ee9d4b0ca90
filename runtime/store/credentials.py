"""Credentials: browser sessions and API tokens. Only a hash of each secret is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from callflow.runtime.store.database import Database, now

SESSION_DAYS = 7
"""A browser session ends after this long, or at logout, or when the user's password changes."""

TOKEN_PREFIX = "cf_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Token:
    """An API token (its secret is shown once, when created)."""

    id: int
    user_id: int
    name: str
    created_at: str
    revoked_at: str | None


class Credentials:
    """Starting and ending sessions, creating and revoking tokens, and finding the user behind a secret."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def start_session(self, user_id: int, address: str) -> str:
        """A new session for a user; its secret (for the cookie)."""
        secret = secrets.token_urlsafe(32)
        expires = (datetime.now(UTC) + timedelta(days=SESSION_DAYS)).isoformat(timespec="seconds")
        with self.database.write() as conn:
            conn.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, address) VALUES (?, ?, ?, ?, ?)",
                (_hash(secret), user_id, now(), expires, address),
            )
            conn.execute("DELETE FROM sessions WHERE expires_at < ?", (datetime.now(UTC).isoformat(),))
        return secret

    def session_user(self, secret: str) -> int | None:
        """The user of a live session."""
        row = (
            self.database.read()
            .execute("SELECT user_id, expires_at FROM sessions WHERE token_hash = ?", (_hash(secret),))
            .fetchone()
        )
        if row is None or row[1] < datetime.now(UTC).isoformat(timespec="seconds"):
            return None
        return int(row[0])

    def end_session(self, secret: str) -> None:
        """End a session (logout)."""
        with self.database.write() as conn:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_hash(secret),))

    def create_token(self, user_id: int, name: str) -> str:
        """A new API token for a user; its secret (shown once)."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.database.write() as conn:
            conn.execute(
                "INSERT INTO tokens (token_hash, user_id, name, created_at) VALUES (?, ?, ?, ?)",
                (_hash(secret), user_id, name, now()),
            )
        return secret

    def token_user(self, secret: str) -> int | None:
        """The user of a token that is not revoked."""
        row = (
            self.database.read()
            .execute("SELECT user_id FROM tokens WHERE token_hash = ? AND revoked_at IS NULL", (_hash(secret),))
            .fetchone()
        )
        return int(row[0]) if row else None

    def tokens(self, user_id: int) -> list[Token]:
        """A user's tokens, newest first."""
        rows = self.database.read().execute(
            "SELECT id, user_id, name, created_at, revoked_at FROM tokens WHERE user_id = ? ORDER BY id DESC",
            (user_id,),
        )
        return [_token(row) for row in rows]

    def revoke_token(self, user_id: int, token_id: int) -> bool:
        """Revoke one of a user's tokens; whether there was one to revoke."""
        with self.database.write() as conn:
            changed = conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                (now(), token_id, user_id),
            ).rowcount
        return bool(changed)


def _token(row: Any) -> Token:
    return Token(row[0], row[1], row[2], row[3], row[4])
