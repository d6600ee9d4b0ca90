"""What can go wrong when reading or writing the service's state."""

from __future__ import annotations

from typing import Any


class StoreError(Exception):
    """The root of the store's errors."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(StoreError):
    """No such thing (in this tenant)."""


class AlreadyExists(StoreError):
    """A name that is taken."""


class Conflict(StoreError):
    """A change that contradicts the state it would apply to (a number claimed by another tenant...)."""


class StaleRevision(StoreError):
    """A write based on a revision that is no longer the current one: someone else saved in between."""

    def __init__(self, message: str, current: dict[str, Any]) -> None:
        super().__init__(message)
        self.current = current
