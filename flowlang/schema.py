"""The JSON Schema of the flow graph (`*.flow.json`), assembled from every node type's parameter schema."""

from __future__ import annotations

from typing import Any

from callflow.flowlang.kinds import KEY_PATTERN, NAME_PATTERN, NODE_ID_PATTERN, VARIABLE_PATTERN
from callflow.flowlang.numbers import LIMIT
from callflow.flowlang.registry import Registry

SCHEMA_ID = "https://callflow.dev/schemas/flow.schema.json"
FORMAT_VERSION = 1

_COMMENT_TEXT = {
    "description": "One line of comment text, without the `#`.",
    "type": "string",
    "pattern": r"^(?:[^\r\n]*[^\s])?$",
}
_COMMENT = {
    "type": "object",
    "properties": {"above": {"type": "array", "items": _COMMENT_TEXT}, "end": _COMMENT_TEXT},
    "additionalProperties": False,
}
_COMMENTS = {
    "description": "Comments kept with the item's lines, by line key (\"\" is the item's first line).",
    "type": "object",
    "additionalProperties": {"$ref": "#/$defs/comment"},
}
_NAME = {"type": "string", "pattern": NAME_PATTERN}
_COORDINATE = {"type": "number", "minimum": -LIMIT, "maximum": LIMIT}
_VARIABLES = {"type": "array", "items": {"$ref": "#/$defs/variable_name"}, "uniqueItems": True}


def flow_schema(registry: Registry) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a flow graph for the node types in a registry."""
    per_type = [
        {
            "if": {"properties": {"type": {"const": keyword}}, "required": ["type"]},
            "then": {"properties": {"params": {"$ref": f"#/$defs/params/{keyword}"}}},
        }
        for keyword in registry
    ]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Callflow flow graph",
        "description": "A call flow: nodes, the edges between their exits, prompts, variables and a layout.",
        "type": "object",
        "required": ["version", "flow", "nodes", "edges"],
        "properties": {
            "version": {"const": FORMAT_VERSION},
            "flow": {"$ref": "#/$defs/name", "description": "The flow's name."},
            "title": {"type": "string"},
            "languages": {"type": "array", "items": {"$ref": "#/$defs/name"}, "uniqueItems": True},
            "default_language": {"$ref": "#/$defs/name"},
            "inputs": {**_VARIABLES, "description": "Variables a caller of this subflow passes in."},
            "outputs": {**_VARIABLES, "description": "Variables this subflow hands back."},
            "global_keys": {"type": "array", "items": {"$ref": "#/$defs/global_key"}},
            "variables": {"type": "array", "items": {"$ref": "#/$defs/variable"}},
            "prompts": {"type": "array", "items": {"$ref": "#/$defs/prompt"}},
            "nodes": {"type": "array", "items": {"$ref": "#/$defs/node"}},
            "edges": {"type": "array", "items": {"$ref": "#/$defs/edge"}},
            "layout": {
                "description": "Where the designer draws each node; never part of the logic.",
                "type": "object",
                "propertyNames": {"$ref": "#/$defs/node_id"},
                "additionalProperties": {"$ref": "#/$defs/position"},
            },
            "comments": {"$ref": "#/$defs/comments"},
            "trailing_comments": {"type": "array", "items": _COMMENT_TEXT},
        },
        "additionalProperties": False,
        "$defs": {
            "name": _NAME,
            "node_id": {"type": "string", "pattern": NODE_ID_PATTERN},
            "variable_name": {"type": "string", "pattern": VARIABLE_PATTERN},
            "comment": _COMMENT,
            "comments": _COMMENTS,
            "global_key": {
                "type": "object",
                "required": ["key", "action"],
                "properties": {
                    "key": {"type": "string", "pattern": KEY_PATTERN},
                    "action": {"enum": ["repeat", "back", "goto"]},
                    "to": {"$ref": "#/$defs/name"},
                },
                "additionalProperties": False,
                "if": {"properties": {"action": {"const": "goto"}}},
                "then": {"required": ["to"]},
                "else": {"not": {"required": ["to"]}},
            },
            "variable": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"$ref": "#/$defs/variable_name"},
                    "value": {"type": ["string", "number", "boolean", "null"]},
                    "secret": {"type": "boolean"},
                    "comments": {"$ref": "#/$defs/comments"},
                },
                "additionalProperties": False,
            },
            "prompt": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"$ref": "#/$defs/name"},
                    "text": {
                        "description": "Text per language; `{name}` inserts a variable.",
                        "type": "object",
                        "propertyNames": {"$ref": "#/$defs/name", "not": {"const": "file"}},
                        "additionalProperties": {"type": "string"},
                    },
                    "file": {
                        "description": "Audio file per language, or `*` for every language.",
                        "type": "object",
                        "propertyNames": {
                            "anyOf": [{"$ref": "#/$defs/name", "not": {"const": "file"}}, {"const": "*"}]
                        },
                        "additionalProperties": {"type": "string"},
                    },
                    "comments": {"$ref": "#/$defs/comments"},
                },
                "additionalProperties": False,
            },
            "node": {
                "type": "object",
                "required": ["id", "type"],
                "properties": {
                    "id": {"$ref": "#/$defs/node_id"},
                    "type": {"type": "string"},
                    "params": {
                        "description": "The node type's parameters (left out: none given).",
                        "type": "object",
                    },
                    "comments": {"$ref": "#/$defs/comments"},
                },
                "additionalProperties": False,
                "allOf": per_type,
            },
            "edge": {
                "type": "object",
                "required": ["from", "exit", "to"],
                "properties": {
                    "from": {"$ref": "#/$defs/name"},
                    "exit": {"type": "string", "minLength": 1},
                    "to": {"$ref": "#/$defs/name"},
                },
                "additionalProperties": False,
            },
            "position": {
                "type": "object",
                "required": ["x", "y"],
                "properties": {"x": _COORDINATE, "y": _COORDINATE},
                "additionalProperties": False,
            },
            "params": {keyword: node_type.schema() for keyword, node_type in registry.items()},
        },
    }
