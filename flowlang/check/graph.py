"""Graph checks: nodes no call can reach, and loops that would spin without the caller.

networkx finds and describes the loops; it is imported only when the flow has a loop of nodes that do not wait
for the caller (the standard library's `graphlib` says whether there is one), so that `callflow check` of a sound
flow does not pay for importing it (bench/startup_speed.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import FlowContext
from callflow.flowlang.diagnostics import Diagnostic

if TYPE_CHECKING:
    import networkx as nx

Successors = Mapping[str, list[str]]
"""Each node's id, with the ids of the nodes its exits lead to."""


def flow_graph(ctx: FlowContext) -> nx.DiGraph:
    """The flow as a directed graph of node ids; edges carry their exit names."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(n.id for n in ctx.flow.nodes)
    for edge in ctx.flow.edges:
        if edge.source in graph and edge.target in graph:
            graph.add_edge(edge.source, edge.target, exit=edge.exit)
    return graph


def successors(ctx: FlowContext) -> Successors:
    """The flow's nodes, each with the nodes its exits lead to."""
    graph: dict[str, list[str]] = {n.id: [] for n in ctx.flow.nodes}
    for edge in ctx.flow.edges:
        if edge.source in graph and edge.target in graph:
            graph[edge.source].append(edge.target)
    return graph


def descendants(graph: Successors, start: str) -> set[str]:
    """The nodes some path from `start` leads to."""
    found: set[str] = set()
    pending = list(graph[start])
    while pending:
        node = pending.pop()
        if node not in found:
            found.add(node)
            pending.extend(graph[node])
    return found


def has_cycle(graph: Successors) -> bool:
    """Whether some path leads from a node back to itself."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError:
        return True
    return False


def reachable_from(ctx: FlowContext, graph: Successors, start: str) -> set[str]:
    """The nodes a call can reach from `start`, global keys' targets included once a menu is reached."""
    reachable = {start} | descendants(graph, start)
    if reachable & _listening(ctx):
        # Global keys work in every menu, so their targets are reachable from any reachable menu.
        for key in ctx.flow.global_keys:
            if key.target is not None and key.target in graph and key.target not in reachable:
                reachable |= {key.target} | descendants(graph, key.target)
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
    graph = successors(ctx)
    node_ids = [n.id for n in flow.nodes]
    meant = {i: meant_target(e.target, node_ids) for i, e in enumerate(flow.edges) if e.target not in graph}
    if not any(meant.values()):
        return {}
    fixed = {node: list(after) for node, after in graph.items()}
    for index, target in meant.items():
        if target is not None:
            fixed.setdefault(flow.edges[index].source, []).append(target)
    lost = reachable_from(ctx, fixed, flow.start.id) - reachable_from(ctx, graph, flow.start.id)
    found: dict[int, list[str]] = {}
    for index, target in meant.items():
        if target is not None and flow.edges[index].source not in lost:
            behind = ({target} | descendants(fixed, target)) & lost
            found[index] = [node_id for node_id in node_ids if node_id in behind]
            lost -= behind
    return {index: nodes for index, nodes in found.items() if nodes}


def check_graph(ctx: FlowContext) -> Iterator[Diagnostic]:
    """Unreachable nodes (but those an exit's typo cuts off: reported once, with it) and endless loops."""
    flow = ctx.flow
    if flow.start is None:
        return
    graph = successors(ctx)
    reachable = reachable_from(ctx, graph, flow.start.id)
    noted = {node_id for nodes in cut_off(ctx).values() for node_id in nodes}
    for node in flow.nodes:
        if node.id not in reachable and node.id not in noted:
            message = f"no path from the start (`{flow.start.id}`) reaches `{node.id}`"
            yield ctx.problem(codes.UNREACHABLE, message, node.location)
    yield from _endless_loops(ctx, graph, _listening(ctx))


def _endless_loops(ctx: FlowContext, successors: Successors, listening: set[str]) -> Iterator[Diagnostic]:
    quiet = {
        node: [n for n in after if n not in listening] for node, after in successors.items() if node not in listening
    }
    if not has_cycle(quiet):
        return
    import networkx as nx

    graph = flow_graph(ctx)
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
    import networkx as nx

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
