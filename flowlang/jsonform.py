"""The flow graph as JSON (`*.flow.json`): written in one canonical form, read with schema validation."""

from __future__ import annotations

import difflib
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


@cache
def _validator(registry: Registry) -> Draft202012Validator:
    return Draft202012Validator(flow_schema(registry))


def _pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


_TYPE_WORDS = {
    "string": "a text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}


def _schema_problems(error: ValidationError, file: str) -> list[Diagnostic]:
    """A schema violation in words a person editing the file understands."""
    path = list(error.absolute_path)
    in_params = len(path) >= 3 and path[0] == "nodes" and path[2] == "params"
    if in_params and error.validator in ("minimum", "maximum"):
        return []  # the parameter's kind says it better (with units), see _semantic_problems
    where = Location(file, pointer=_pointer(path))
    validator = str(error.validator)
    if validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        code = codes.MISSING_PARAMETER if in_params else codes.INVALID_FLOW
        return [Diagnostic(code, f"`{name}` is missing", where) for name in missing]
    if validator == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        code = codes.UNKNOWN_PARAMETER if in_params else codes.INVALID_FLOW
        found = []
        for key in error.instance:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean `{close[0]}`?" if close else ""
                what = "parameter" if in_params else "key"
                found.append(
                    Diagnostic(code, f"unknown {what} `{key}`{hint}", Location(file, pointer=_pointer([*path, key])))
                )
        return found
    if validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in expected)
        message = f"expected {words}, found {json.dumps(error.instance, ensure_ascii=False)[:40]}"
    elif validator == "pattern":
        message = f"{json.dumps(error.instance, ensure_ascii=False)} is not a valid name here"
    else:
        message = str(error.message)
    return [Diagnostic(codes.INVALID_VALUE if in_params else codes.INVALID_FLOW, message, where)]


def _comments(data: Mapping[str, Any]) -> dict[str, Comment]:
    raw = data.get("comments", {})
    return {k: Comment(tuple(v.get("above", ())), v.get("end")) for k, v in raw.items()}


def flow_from_json(data: JSON, registry: Registry, file: str = "<flow>") -> tuple[Flow | None, list[Diagnostic]]:
    """The flow a JSON graph describes, and the problems found; no flow when its structure is wrong."""
    problems = [p for e in _validator(registry).iter_errors(data) for p in _schema_problems(e, file)]
    if any(not p.location.pointer or "/params" not in (p.location.pointer or "") for p in problems):
        return None, sorted(problems, key=codes.sort_key)
    nodes = []
    for index, raw in enumerate(data["nodes"]):
        where = Location(file, pointer=f"/nodes/{index}")
        params = raw.get("params", {})
        locations = {name: Location(file, pointer=f"/nodes/{index}/params/{name}") for name in params}
        nodes.append(Node(raw["id"], raw["type"], params, _comments(raw), where, locations))
        problems.extend(_semantic_problems(nodes[-1], registry))
    problems.extend(_edge_problems(data, nodes, registry, file))
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


def _edge_problems(data: Mapping[str, Any], nodes: list[Node], registry: Registry, file: str) -> list[Diagnostic]:
    """Edges from nodes that do not exist, exits the node type does not have, exit names not written canonically."""
    by_id: dict[str, Node] = {}
    for node in nodes:
        by_id.setdefault(node.id, node)
    problems = []
    for index, edge in enumerate(data["edges"]):
        where = Location(file, pointer=f"/edges/{index}")
        source = by_id.get(edge["from"])
        if source is None:
            problems.append(
                Diagnostic(codes.MISSING_TARGET, f"an edge leaves `{edge['from']}`, which does not exist", where)
            )
            continue
        node_type = registry.get(source.type)
        label = edge["exit"]
        if node_type is None:
            continue
        if not node_type.has_exit(label) or (node_type.open_exits and " " in label and not node_type.family(label)):
            problems.append(Diagnostic(codes.UNKNOWN_EXIT, node_type.no_such_exit(label), where))
            continue
        family = node_type.family(label)
        if family is not None:
            try:
                problem = family.kind.validate(family.value(label))
            except ValueError:
                problem = f"`{label.split(' ', 1)[1]}` is not a valid value"
            if problem is None and family.label(family.value(label)) != label:
                problem = f"write this exit as `{family.label(family.value(label))}`"
            if problem is not None:
                problems.append(Diagnostic(codes.INVALID_VALUE, f"exit `{label}`: {problem}", where))
    return problems


def _semantic_problems(node: Node, registry: Registry) -> list[Diagnostic]:
    node_type = registry.get(node.type)
    if node_type is None:
        close = difflib.get_close_matches(node.type, list(registry), n=1)
        message = f"unknown node type `{node.type}`" + (f"; did you mean `{close[0]}`?" if close else "")
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
