"""Failed logins, counted per account and per address, so that passwords cannot be guessed at speed."""

from __future__ import annotations

import time

from callflow.runtime.store.database import Database

WINDOW_S = 15 * 60
"""Failures older than this are forgotten."""

MAX_PER_ACCOUNT = 5
"""Failures of one account (tenant and user name) within the window before its logins are refused."""

MAX_PER_ADDRESS = 20
"""Failures from one address within the window before its logins are refused."""


class Logins:
    """Counting failed logins and telling when to refuse more."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def retry_after(self, account: str, address: str) -> float | None:
        """Seconds until a login may be tried again, or None when it may be tried now."""
        cutoff = time.time() - WINDOW_S
        waits = []
        for key, limit in ((f"account:{account}", MAX_PER_ACCOUNT), (f"address:{address}", MAX_PER_ADDRESS)):
            rows = (
                self.database.read()
                .execute(
                    "SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?",
                    (key, cutoff, limit),
                )
                .fetchall()
            )
            if len(rows) >= limit:
                waits.append(rows[-1][0] + WINDOW_S - time.time())
        return max(max(waits), 1.0) if waits else None

    def failed(self, account: str, address: str) -> None:
        """Count a failed login."""
        at = time.time()
        with self.database.write() as conn:
            conn.executemany(
                "INSERT INTO login_failures (key, at) VALUES (?, ?)",
                [(f"account:{account}", at), (f"address:{address}", at)],
            )
            conn.execute("DELETE FROM login_failures WHERE at < ?", (at - WINDOW_S,))

    def succeeded(self, account: str) -> None:
        """Forget an account's failures once its password was given."""
        with self.database.write() as conn:
            conn.execute("DELETE FROM login_failures WHERE key = ?", (f"account:{account}",))
