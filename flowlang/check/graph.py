"""Graph checks with networkx: nodes no call can reach, and loops that would spin without the caller."""

from __future__ import annotations

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


def check_graph(ctx: FlowContext) -> Iterator[Diagnostic]:
    """Unreachable nodes and endless loops."""
    flow = ctx.flow
    if flow.start is None:
        return
    graph = flow_graph(ctx)
    reachable = {flow.start.id} | nx.descendants(graph, flow.start.id)
    listening = {n.id for n in flow.nodes if (t := ctx.node_type(n)) is not None and t.listens}
    if reachable & listening:
        # Global keys work in every menu, so their targets are reachable from any reachable menu.
        for key in flow.global_keys:
            if key.target in graph and key.target not in reachable:
                reachable |= {key.target} | nx.descendants(graph, key.target)
    for node in flow.nodes:
        if node.id not in reachable:
            message = f"no path from the start (`{flow.start.id}`) reaches `{node.id}`"
            yield ctx.problem(codes.UNREACHABLE, message, node.location)
    yield from _endless_loops(ctx, graph, listening)


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
