"""Reading the flow graph from JSON (`*.flow.json`): schema validation, then the model, with every problem found.

Nothing after reading sees a value of the wrong type: a structural problem gives no flow at all, and a node's
parameter that does not fit its node type is reported and left out (as the DSL leaves out what it cannot read).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from jsonschema.exceptions import ValidationError

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.comment_keys import stray_comments
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.errors import Location
from callflow.flowlang.kinds import NAME_PATTERN, Integer, Seconds
from callflow.flowlang.model import JSON, Comment, Edge, Flow, GlobalKey, Node, Position, Prompt, Variable
from callflow.flowlang.nodetype import NodeType
from callflow.flowlang.registry import Registry
from callflow.flowlang.schema import flow_schema
from callflow.flowlang.validation import validator_for


@cache
def _validator(registry: Registry) -> Any:
    return validator_for(flow_schema(registry))


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
    """The comments of an item; an entry with no text is no comment (the DSL has no way to write one)."""
    comments = (Comment(tuple(v.get("above", ())), v.get("end")) for v in data.get("comments", {}).values())
    return {k: c for k, c in zip(data.get("comments", {}), comments, strict=True) if c.above or c.end is not None}


def _with_params(data: JSON) -> JSON:
    """The graph with `params: {}` on each node that leaves them out, so that missing parameters are reported."""
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        return data
    nodes = [{**n, "params": {}} if isinstance(n, dict) and "params" not in n else n for n in data["nodes"]]
    return {**data, "nodes": nodes}


def _in_params(path: list[Any]) -> bool:
    return len(path) >= 3 and path[0] == "nodes" and path[2] == "params"


def flow_from_json(data: JSON, registry: Registry, file: str = "<flow>") -> tuple[Flow | None, list[Diagnostic]]:
    """The flow a JSON graph describes, and the problems found; no flow when its structure is wrong.

    A node's parameters that do not fit its node type are reported and left out of the flow (as the DSL leaves
    out a parameter it cannot read), so that nothing after reading ever sees a value of the wrong type.
    """
    data = _with_params(data)
    problems: list[Diagnostic] = []
    left_out: dict[int, set[str] | None] = {}  # per node index: parameters left out (None: all of them)
    structural = False
    for error in _validator(registry).iter_errors(data):
        path = list(error.absolute_path)
        found = _schema_problems(error, file)
        problems.extend(found)
        if not _in_params(path):
            structural = structural or bool(found)
        elif error.validator not in ("minimum", "maximum", "required"):
            names = left_out.setdefault(path[1], set())
            if names is not None and len(path) > 3:
                names.add(str(path[3]))
            elif names is not None and error.validator == "additionalProperties":
                names.update(str(key) for key in error.instance)
            elif names is not None:
                left_out[path[1]] = None
    problems = list(dict.fromkeys(problems))  # a node's params are checked by the node schema and its type's
    if structural:
        return None, sorted(problems, key=codes.sort_key)
    nodes = []
    for index, raw in enumerate(data["nodes"]):
        where = Location(file, pointer=f"/nodes/{index}")
        names = left_out.get(index, set())
        written = raw["params"] if isinstance(raw["params"], dict) else {}
        params = {} if names is None else {k: v for k, v in written.items() if k not in names}
        node_type = registry.get(raw["type"])
        if node_type is not None:
            params = {k: _canonical(node_type, k, v) for k, v in params.items()}
        locations = {name: Location(file, pointer=f"/nodes/{index}/params/{name}") for name in written}
        nodes.append(Node(raw["id"], raw["type"], params, _comments(raw), where, locations))
        problems.extend(_semantic_problems(nodes[-1], registry))
    problems.extend(_duplicate_ids(nodes))
    edge_problems, bad_edges = _edge_problems(data, nodes, registry, file)
    problems.extend(edge_problems)
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
                {lang: Location(file, pointer=_pointer(["prompts", i, "text", lang])) for lang in p.get("text", {})},
            )
            for i, p in enumerate(data.get("prompts", ()))
        ),
        nodes=tuple(nodes),
        edges=tuple(
            Edge(
                e["from"],
                e["exit"],
                e["to"],
                Location(file, pointer=f"/edges/{i}"),
                Location(file, pointer=f"/edges/{i}/to"),
            )
            for i, e in enumerate(data["edges"])
            if i not in bad_edges
        ),
        layout={k: Position(v["x"], v["y"]) for k, v in data.get("layout", {}).items()},
        comments=_comments(data),
        trailing_comments=tuple(data.get("trailing_comments", ())),
        location=Location(file, pointer=""),
    )
    problems.extend(stray_comments(flow, registry, file))
    return flow, sorted(problems, key=codes.sort_key)


def _canonical(node_type: NodeType, name: str, value: JSON) -> JSON:
    """A parameter's value as the DSL reads it back: a whole number written `3.0` is the number 3."""
    spec = node_type.spec(name)
    if spec is None:
        return value
    if spec.keyed is not None and isinstance(value, dict):
        return {key: spec.kind.canonical(item) for key, item in value.items()}
    return spec.kind.canonical(value)


def _duplicate_ids(nodes: list[Node]) -> list[Diagnostic]:
    """Nodes that share an id: edges and layout name nodes by id, so such a flow cannot be written faithfully."""
    seen: set[str] = set()
    found = []
    for node in nodes:
        if node.id in seen:
            found.append(Diagnostic(codes.DUPLICATE_ID, f"node `{node.id}` is declared twice", node.location))
        seen.add(node.id)
    return found


def _edge_problems(
    data: Mapping[str, Any], nodes: list[Node], registry: Registry, file: str
) -> tuple[list[Diagnostic], set[int]]:
    """Edges from nodes that do not exist, exits the node type does not have, exit names not written canonically;
    and the indexes of those edges, which are left out of the flow (as the DSL leaves out an exit it cannot read)."""
    by_id: dict[str, Node] = {}
    for node in nodes:
        by_id.setdefault(node.id, node)
    problems = []
    bad: set[int] = set()
    for index, edge in enumerate(data["edges"]):
        where = Location(file, pointer=f"/edges/{index}")
        problem = _edge_problem(edge, by_id, registry, where)
        if problem is not None:
            problems.append(problem)
            bad.add(index)
    return problems, bad


def _edge_problem(
    edge: Mapping[str, str], by_id: Mapping[str, Node], registry: Registry, where: Location
) -> Diagnostic | None:
    source = by_id.get(edge["from"])
    if source is None:
        return Diagnostic(codes.MISSING_TARGET, f"an edge leaves `{edge['from']}`, which does not exist", where)
    node_type = registry.get(source.type)
    label = edge["exit"]
    if node_type is None:
        return None
    family = node_type.family(label)
    if not node_type.has_exit(label) or (
        node_type.exit(label) is None and family is None and not re.fullmatch(NAME_PATTERN, label)
    ):  # an exit a node type leaves open (a subflow's) is a word, as `.flow` text writes it
        return Diagnostic(codes.UNKNOWN_EXIT, node_type.no_such_exit(label), where)
    if family is None:
        return None
    try:
        value = family.value(label)
    except ValueError:
        return Diagnostic(
            codes.INVALID_VALUE, f"exit `{label}`: `{label.split(' ', 1)[1]}` is not a valid value", where
        )
    problem = family.kind.validate(value)
    if problem is None and family.label(value) != label:
        problem = f"write this exit as `{family.label(value)}`"
    return None if problem is None else Diagnostic(codes.INVALID_VALUE, f"exit `{label}`: {problem}", where)


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
