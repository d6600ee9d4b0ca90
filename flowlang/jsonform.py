"""The flow graph as JSON (`*.flow.json`), written in one canonical form (`jsonread.py` reads it)."""

from __future__ import annotations

import json
from typing import Any

from callflow.flowlang.model import (
    Comments,
    Flow,
    GlobalKey,
    Node,
    Prompt,
    Variable,
)
from callflow.flowlang.schema import FORMAT_VERSION


def _comments_json(comments: Comments) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, comment in comments.items():
        entry: dict[str, Any] = {}
        if comment.above:
            entry["above"] = list(comment.above)
        if comment.end is not None:
            entry["end"] = comment.end
        out[key] = entry
    return out


def _with_comments(data: dict[str, Any], comments: Comments) -> dict[str, Any]:
    if comments:
        data["comments"] = _comments_json(comments)
    return data


def flow_to_json(flow: Flow) -> dict[str, Any]:
    """The canonical JSON graph of a flow."""
    data: dict[str, Any] = {"version": FORMAT_VERSION, "flow": flow.name}
    if flow.title is not None:
        data["title"] = flow.title
    for name in ("languages", "default_language", "inputs", "outputs"):
        value = getattr(flow, name)
        if value:
            data[name] = value if isinstance(value, str) else list(value)
    if flow.global_keys:
        data["global_keys"] = [_global_key(k) for k in flow.global_keys]
    data["variables"] = [_variable(v) for v in flow.variables]
    data["prompts"] = [_prompt(p) for p in flow.prompts]
    data["nodes"] = [_node(n) for n in flow.nodes]
    order = {node.id: index for index, node in enumerate(flow.nodes)}
    edges = sorted(flow.edges, key=lambda e: order.get(e.source, len(order)))
    data["edges"] = [{"from": e.source, "exit": e.exit, "to": e.target} for e in edges]
    if flow.layout:
        data["layout"] = {k: {"x": _coordinate(p.x), "y": _coordinate(p.y)} for k, p in flow.layout.items()}
    _with_comments(data, flow.comments)
    if flow.trailing_comments:
        data["trailing_comments"] = list(flow.trailing_comments)
    return data


def _coordinate(value: float) -> float:
    """Whole-number positions are written without `.0`, as the DSL writes them."""
    return int(value) if float(value).is_integer() else value


def _global_key(key: GlobalKey) -> dict[str, Any]:
    data: dict[str, Any] = {"key": key.key, "action": key.action}
    if key.target is not None:
        data["to"] = key.target
    return data


def _variable(variable: Variable) -> dict[str, Any]:
    data: dict[str, Any] = {"name": variable.name}
    if variable.value is not None:
        data["value"] = variable.value
    if variable.secret:
        data["secret"] = True
    return _with_comments(data, variable.comments)


def _prompt(prompt: Prompt) -> dict[str, Any]:
    data: dict[str, Any] = {"id": prompt.id}
    if prompt.text:
        data["text"] = dict(prompt.text)
    if prompt.file:
        data["file"] = dict(prompt.file)
    return _with_comments(data, prompt.comments)


def _node(node: Node) -> dict[str, Any]:
    data: dict[str, Any] = {"id": node.id, "type": node.type, "params": dict(node.params)}
    return _with_comments(data, node.comments)


def dump_json(flow: Flow) -> str:
    """The canonical JSON text of a flow."""
    return json.dumps(flow_to_json(flow), ensure_ascii=False, indent=2) + "\n"
