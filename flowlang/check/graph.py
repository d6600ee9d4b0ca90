"""Graph checks with networkx: nodes no call can reach, and loops that would spin without the caller."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

import networkx as nx

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import FlowContext
from callflow.flowlang.diagnostics import Diagnostic


def flow_graph(ctx: FlowContext) -> nx.DiGraph:
    """The flow as a directed graph of node ids; edges carry their exit names."""
    graph = nx.DiGraph()
    graph.add_nodes_from(n.id for n in ctx.flow.nodes)
    for edge in ctx.flow.edges:
        if edge.source in graph and edge.target in graph:
            graph.add_edge(edge.source, edge.target, exit=edge.exit)
    return graph


def _reachable(ctx: FlowContext, graph: nx.DiGraph, start: str) -> set[str]:
    """The nodes a call can reach from `start`, global keys' targets included once a menu is reached."""
    reachable: set[str] = {start} | set(nx.descendants(graph, start))
    if reachable & _listening(ctx):
        # Global keys work in every menu, so their targets are reachable from any reachable menu.
        for key in ctx.flow.global_keys:
            if key.target in graph and key.target not in reachable:
                reachable |= {key.target} | nx.descendants(graph, key.target)
    return reachable


def _listening(ctx: FlowContext) -> set[str]:
    return {n.id for n in ctx.flow.nodes if (t := ctx.node_type(n)) is not None and t.listens}


def meant_target(target: str, node_ids: list[str]) -> str | None:
    """The node an exit to a missing `target` most likely meant (a typo: `step1` for `step_1`)."""
    close = difflib.get_close_matches(target, node_ids, n=1)
    return close[0] if close else None


def cut_off(ctx: FlowContext) -> dict[int, list[str]]:
    """The nodes unreachable only because an exit names a node that does not exist, by the index of that edge in
    the flow: those its likely meant node (`meant_target`) would reach. Reported once, with the typo."""
    found: dict[int, list[str]] = ctx.memo("cut_off", lambda: _cut_off(ctx))
    return found


def _cut_off(ctx: FlowContext) -> dict[int, list[str]]:
    flow = ctx.flow
    if flow.start is None:
        return {}
    graph = flow_graph(ctx)
    node_ids = [n.id for n in flow.nodes]
    meant = {i: meant_target(e.target, node_ids) for i, e in enumerate(flow.edges) if e.target not in graph}
    if not any(meant.values()):
        return {}
    fixed = graph.copy()
    fixed.add_edges_from((flow.edges[i].source, target) for i, target in meant.items() if target is not None)
    lost = _reachable(ctx, fixed, flow.start.id) - _reachable(ctx, graph, flow.start.id)
    found: dict[int, list[str]] = {}
    for index, target in meant.items():
        if target is not None and flow.edges[index].source not in lost:
            behind = ({target} | nx.descendants(fixed, target)) & lost
            found[index] = [node_id for node_id in node_ids if node_id in behind]
            lost -= behind
    return {index: nodes for index, nodes in found.items() if nodes}


def check_graph(ctx: FlowContext) -> Iterator[Diagnostic]:
    """Unreachable nodes (but those cut off by a misspelt exit target, noted with it) and endless loops."""
    flow = ctx.flow
    if flow.start is None:
        return
    graph = flow_graph(ctx)
    reachable = _reachable(ctx, graph, flow.start.id)
    noted = {node_id for nodes in cut_off(ctx).values() for node_id in nodes}
    for node in flow.nodes:
        if node.id not in reachable and node.id not in noted:
            message = f"no path from the start (`{flow.start.id}`) reaches `{node.id}`"
            yield ctx.problem(codes.UNREACHABLE, message, node.location)
    yield from _endless_loops(ctx, graph, _listening(ctx))


def _endless_loops(ctx: FlowContext, graph: nx.DiGraph, listening: set[str]) -> Iterator[Diagnostic]:
    silent = graph.subgraph(n for n in graph if n not in listening)
    order = {n.id: i for i, n in enumerate(ctx.flow.nodes)}
    for component in nx.strongly_connected_components(silent):
        first = min(component, key=order.__getitem__)
        if len(component) == 1 and not silent.has_edge(first, first):
            continue
        loop = _loop_through(silent, first)
        shown = " -> ".join(loop)
        message = f"the loop {shown} never waits for the caller and could repeat forever"
        node = ctx.flow.node(first)
        assert node is not None
        yield ctx.problem(codes.ENDLESS_LOOP, message, node.location)


def _loop_through(graph: nx.DiGraph, start: str) -> list[str]:
    """A shortest cycle through `start`, written from start back to start."""
    best: list[str] | None = None
    for successor in graph.successors(start):
        if successor == start:
            return [start, start]
        try:
            path = nx.shortest_path(graph, successor, start)
        except nx.NetworkXNoPath:
            continue
        if best is None or len(path) < len(best):
            best = path
    return [start, *(best or [start])]
