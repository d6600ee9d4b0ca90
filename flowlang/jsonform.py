"""The flow graph as JSON (`*.flow.json`): written in one canonical form, read with schema validation."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.errors import Location
from callflow.flowlang.kinds import Integer, Seconds
from callflow.flowlang.model import (
    JSON,
    Comment,
    Comments,
    Edge,
    Flow,
    GlobalKey,
    Node,
    Position,
    Prompt,
    Variable,
)
from callflow.flowlang.registry import Registry
from callflow.flowlang.schema import FORMAT_VERSION, flow_schema


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
        data["layout"] = {k: {"x": p.x, "y": p.y} for k, p in flow.layout.items()}
    _with_comments(data, flow.comments)
    if flow.trailing_comments:
        data["trailing_comments"] = list(flow.trailing_comments)
    return data


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


@cache
def _validator(registry: Registry) -> Draft202012Validator:
    return Draft202012Validator(flow_schema(registry))


def _pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _schema_problem(error: ValidationError, file: str) -> Diagnostic:
    path = list(error.absolute_path)
    in_params = len(path) >= 3 and path[0] == "nodes" and path[2] == "params"
    code = codes.INVALID_FLOW
    if in_params:
        code = {
            "required": codes.MISSING_PARAMETER,
            "additionalProperties": codes.UNKNOWN_PARAMETER,
            "minimum": codes.OUT_OF_RANGE,
            "maximum": codes.OUT_OF_RANGE,
        }.get(str(error.validator), codes.INVALID_VALUE)
    return Diagnostic(code, error.message, Location(file, pointer=_pointer(path)))


def _comments(data: Mapping[str, Any]) -> dict[str, Comment]:
    raw = data.get("comments", {})
    return {k: Comment(tuple(v.get("above", ())), v.get("end")) for k, v in raw.items()}


def flow_from_json(data: JSON, registry: Registry, file: str = "<flow>") -> tuple[Flow | None, list[Diagnostic]]:
    """The flow a JSON graph describes, and the problems found; no flow when its structure is wrong."""
    problems = [_schema_problem(e, file) for e in _validator(registry).iter_errors(data)]
    if any(not p.location.pointer or "/params" not in (p.location.pointer or "") for p in problems):
        return None, sorted(problems, key=codes.sort_key)
    nodes = []
    for index, raw in enumerate(data["nodes"]):
        where = Location(file, pointer=f"/nodes/{index}")
        params = raw.get("params", {})
        locations = {name: Location(file, pointer=f"/nodes/{index}/params/{name}") for name in params}
        nodes.append(Node(raw["id"], raw["type"], params, _comments(raw), where, locations))
        problems.extend(_semantic_problems(nodes[-1], registry))
    flow = Flow(
        name=data["flow"],
        title=data.get("title"),
        languages=tuple(data.get("languages", ())),
        default_language=data.get("default_language"),
        inputs=tuple(data.get("inputs", ())),
        outputs=tuple(data.get("outputs", ())),
        global_keys=tuple(
            GlobalKey(k["key"], k["action"], k.get("to"), Location(file, pointer=f"/global_keys/{i}"))
            for i, k in enumerate(data.get("global_keys", ()))
        ),
        variables=tuple(
            Variable(
                v["name"],
                v.get("value"),
                v.get("secret", False),
                _comments(v),
                Location(file, pointer=f"/variables/{i}"),
            )
            for i, v in enumerate(data.get("variables", ()))
        ),
        prompts=tuple(
            Prompt(
                p["id"],
                p.get("text", {}),
                p.get("file", {}),
                _comments(p),
                Location(file, pointer=f"/prompts/{i}"),
            )
            for i, p in enumerate(data.get("prompts", ()))
        ),
        nodes=tuple(nodes),
        edges=tuple(
            Edge(e["from"], e["exit"], e["to"], Location(file, pointer=f"/edges/{i}"))
            for i, e in enumerate(data["edges"])
        ),
        layout={k: Position(v["x"], v["y"]) for k, v in data.get("layout", {}).items()},
        comments=_comments(data),
        trailing_comments=tuple(data.get("trailing_comments", ())),
        location=Location(file, pointer=""),
    )
    return flow, sorted(problems, key=codes.sort_key)


def _semantic_problems(node: Node, registry: Registry) -> list[Diagnostic]:
    node_type = registry.get(node.type)
    if node_type is None:
        message = f"unknown node type `{node.type}`"
        return [
            Diagnostic(
                codes.UNKNOWN_NODE_TYPE,
                message,
                Location(node.location.file, pointer=f"{node.location.pointer}/type"),
            )
        ]
    problems = []
    for name, value in node.params.items():
        spec = node_type.spec(name)
        if spec is None:
            continue
        values = value.values() if spec.keyed is not None and isinstance(value, Mapping) else [value]
        for item in values:
            problem = spec.kind.validate(item)
            if problem is not None:
                code = codes.OUT_OF_RANGE if isinstance(spec.kind, Integer | Seconds) else codes.INVALID_VALUE
                problems.append(Diagnostic(code, f"`{name}` {problem}", node.param_locations[name]))
    return problems
