"""What the designer needs to draw any node type, and the service's health."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from callflow.flowlang.kinds import Ref, RefList
from callflow.flowlang.nodetype import NodeType
from callflow.flowlang.schema import flow_schema
from callflow.runtime.api.operation import Call, Operation
from callflow.runtime.api.schemas import ANY_OBJECT, STRING, array, obj


def schema(call: Call) -> dict[str, Any]:
    """The JSON Schema of flows (`*.flow.json`) with the installed node types."""
    return flow_schema(call.service.registry)


def node_types(call: Call) -> dict[str, Any]:
    """Every installed node type: its form's schema, exits and how the designer shows it."""
    registry = call.service.registry
    return {"nodes": [describe(registry[keyword]) for keyword in registry]}


def describe(node_type: NodeType) -> dict[str, Any]:
    """One node type, for the designer's palette, node look and property form."""
    specs = node_type.specs
    key = next((s.name for s in specs if s.positional), specs[0].name if specs else None)
    return {
        "type": node_type.keyword,
        "label": node_type.designer.label,
        "category": node_type.designer.category,
        "icon": node_type.designer.icon,
        "description": node_type.designer.description,
        "params_schema": node_type.schema(),
        "params": [
            {
                "name": s.name,
                "word": s.word,
                "required": s.required,
                "positional": s.positional,
                "keyed": s.keyed is not None,
                "help": s.help,
                "refers_to": s.kind.refers_to if isinstance(s.kind, Ref | RefList) else None,
            }
            for s in specs
        ],
        "key_param": key,
        "exits": [{"name": e.name, "required": e.required, "help": e.help} for e in node_type.exits],
        "families": [{"word": f.word, "groupable": f.groupable, "help": f.help} for f in node_type.families],
        "primary_exit": node_type.primary_exit,
        "open_exits": node_type.open_exits,
        "terminal": node_type.terminal,
        "listens": node_type.listens,
    }


def health(call: Call) -> JSONResponse:
    """Whether the store can be read."""
    ok = call.service.folder.database.healthy()
    return JSONResponse({"status": "ok" if ok else "store unreachable"}, status_code=200 if ok else 503)


OPERATIONS = (
    Operation(
        "GET", "/api/schema", "The flow JSON Schema of the installed node types", schema, "meta", response=ANY_OBJECT
    ),
    Operation(
        "GET",
        "/api/nodes",
        "Every installed node type, for the designer",
        node_types,
        "meta",
        response=obj({"nodes": array(ANY_OBJECT)}),
    ),
    Operation(
        "GET",
        "/healthz",
        "Whether the service can reach its store",
        health,
        "meta",
        role=None,
        response=obj({"status": STRING}),
        errors=(503,),
    ),
)
