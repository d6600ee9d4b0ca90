"""Revisions on the wire: an `ETag` on every draft, test suite and environment; `If-Match` on every write to them,
so that two editors never overwrite each other's work without knowing."""

from __future__ import annotations

import re

from callflow.runtime.api.errors import ApiError
from callflow.runtime.api.operation import Call

_TAG = re.compile(r'\s*(?:W/)?"?(\d{1,18})"?\s*')


def etag(revision: int) -> str:
    """The ETag of a revision."""
    return f'"{revision}"'


def if_match(call: Call) -> int | None:
    """The revision a write is based on (`If-Match`), or None when the request names none."""
    header = call.header("if-match")
    if header is None:
        return None
    found = _TAG.fullmatch(header)
    if found is None:
        raise ApiError(400, "bad_if_match", f'If-Match must be one revision such as "3", not {header!r}')
    return int(found.group(1))


def required_revision(call: Call, what: str) -> int:
    """The revision a write to an existing thing must name."""
    revision = if_match(call)
    if revision is None:
        raise ApiError(428, "revision_required", f"send If-Match with the revision of {what} you changed (its ETag)")
    return revision


def creating(call: Call) -> bool:
    """Whether the request asks to create, never to overwrite (`If-None-Match: *`)."""
    return (call.header("if-none-match") or "").strip() == "*"
