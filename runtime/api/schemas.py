"""JSON Schemas shared by the API's operations (bodies and answers), also published in `/openapi.json`."""

from __future__ import annotations

from typing import Any

STRING: dict[str, Any] = {"type": "string"}
NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}
INTEGER: dict[str, Any] = {"type": "integer"}


def obj(required: dict[str, Any], optional: dict[str, Any] | None = None, *, extra: bool = False) -> dict[str, Any]:
    """An object schema with required and optional properties."""
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": list(required),
        "additionalProperties": extra,
    }


def array(items: dict[str, Any]) -> dict[str, Any]:
    """An array schema."""
    return {"type": "array", "items": items}


ERROR = obj({"error": STRING, "detail": STRING}, extra=True)

DIAGNOSTIC = obj(
    {"code": STRING, "name": STRING, "severity": {"enum": ["error", "warning"]}, "message": STRING, "file": STRING},
    {"line": INTEGER, "column": INTEGER, "pointer": STRING, "node": STRING, "note": STRING},
)

USER = obj({"name": STRING, "role": {"enum": ["viewer", "editor", "admin"]}, "tenant": STRING})

FLOW_SUMMARY = obj(
    {
        "name": STRING,
        "title": NULLABLE_STRING,
        "revision": INTEGER,
        "changed_at": STRING,
        "changed_by": STRING,
        "draft_changed": {"type": "boolean"},
        "published": {"oneOf": [{"type": "null"}, {"type": "object"}]},
    }
)

VERSION = obj(
    {"version": INTEGER, "published_at": STRING, "published_by": STRING, "comment": NULLABLE_STRING},
    {"rollback_of": INTEGER},
)

ANY_OBJECT: dict[str, Any] = {"type": "object"}
