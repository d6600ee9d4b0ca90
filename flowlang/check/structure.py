"""Structure checks: duplicate names, exits a node type does not have, targets that do not exist, loose ends."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import FlowContext
from callflow.flowlang.check.graph import cut_off, meant_target
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.model import NOWHERE, Edge


def check_structure(ctx: FlowContext) -> Iterator[Diagnostic]:
    """Every structural problem of a flow."""
    flow = ctx.flow
    for kind, items in (("node", flow.nodes), ("prompt", flow.prompts), ("variable", flow.variables)):
        seen: set[str] = set()
        for item in items:
            name = str(getattr(item, "id", None) or getattr(item, "name", ""))
            if name in seen:
                yield ctx.problem(codes.DUPLICATE_ID, f"{kind} `{name}` is declared twice", item.location)
            seen.add(name)
    if not flow.nodes:
        yield ctx.problem(codes.INVALID_FLOW, "the flow has no nodes", flow.location)
    node_ids = [n.id for n in flow.nodes]
    known = set(node_ids)
    cut = cut_off(ctx)
    for index, edge in enumerate(flow.edges):
        if edge.target not in known:
            note = _unreachable_note(cut.get(index, []))
            where = edge.target_location if edge.target_location != NOWHERE else edge.location
            yield ctx.problem(codes.MISSING_TARGET, _no_such_node(edge.target, node_ids), where, note)
    for key in flow.global_keys:
        if key.target is not None and key.target not in known:
            yield ctx.problem(codes.MISSING_TARGET, _no_such_node(key.target, node_ids), key.location)
    yield from _exits(ctx)


def _no_such_node(target: str, node_ids: list[str]) -> str:
    meant = meant_target(target, node_ids)
    hint = f"; did you mean `{meant}`?" if meant else ""
    return f"there is no node `{target}`{hint}"


def _unreachable_note(nodes: list[str]) -> str | None:
    """The nodes no call reaches until the exit's target is fixed, as one note instead of a warning each."""
    if not nodes:
        return None
    names = [f"`{node}`" for node in nodes]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"no call reaches {listed} until this is fixed"


def _exits(ctx: FlowContext) -> Iterator[Diagnostic]:
    edges_by_node: dict[str, list[Edge]] = {}
    for edge in ctx.flow.edges:
        edges_by_node.setdefault(edge.source, []).append(edge)
    for node in ctx.flow.nodes:
        node_type = ctx.node_type(node)
        edges = edges_by_node.get(node.id, [])
        counts = Counter(e.exit for e in edges)
        reported: set[str] = set()
        for edge in edges:
            if counts[edge.exit] > 1 and edge.exit not in reported:
                reported.add(edge.exit)
                is_key = node_type is not None and (f := node_type.family(edge.exit)) is not None and f.word == "key"
                code = codes.DUPLICATE_KEY if is_key else codes.DUPLICATE_EXIT
                what = f"offers {edge.exit} twice" if is_key else f"wires exit `{edge.exit}` twice"
                later = [e for e in edges if e.exit == edge.exit][1]
                yield ctx.problem(code, f"`{node.id}` {what}", later.location)
        if node_type is None or node_type.terminal:
            continue
        if not edges:
            message = f"a call would end after `{node.id}` without hanging up; wire its exits or add a hangup"
            yield ctx.problem(codes.DEAD_END, message, node.location)
            continue
        for exit in node_type.exits:
            if exit.required and exit.name not in counts:
                message = f"exit `{exit.name}` of `{node.id}` leads nowhere; add `{exit.name} -> node_id`"
                yield ctx.problem(codes.UNWIRED_EXIT, message, node.location)
