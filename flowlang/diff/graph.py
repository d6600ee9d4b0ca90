"""A flow seen as the diff sees it: nodes by id in model order, what each leads to and what leads to it."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from callflow.flowlang.diff.values import canonical
from callflow.flowlang.model import Flow, Node

Incoming = tuple[str, str, str]
"""What leads to a node: (`node`, source id, exit), (`start`, "", "") or (`global_key`, "", key)."""


@dataclass(frozen=True)
class FlowGraph:
    """The nodes of one flow version by id (the first of a repeated id), their exits and what leads to them."""

    flow: Flow
    nodes: Mapping[str, Node]
    exits: Mapping[str, tuple[tuple[str, str], ...]]
    """Each node's wired exits in order: (exit, target); an exit written twice counts once, the first time."""
    incoming: Mapping[str, tuple[Incoming, ...]]
    _contents: dict[str, Hashable] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, flow: Flow) -> FlowGraph:
        """The graph of a flow; repeated ids and exits (a flow with errors) are read as the engine reads them."""
        nodes: dict[str, Node] = {}
        for node in flow.nodes:
            nodes.setdefault(node.id, node)
        exits: dict[str, dict[str, str]] = {node_id: {} for node_id in nodes}
        for edge in flow.edges:
            if edge.source in exits:
                exits[edge.source].setdefault(edge.exit, edge.target)
        incoming: dict[str, list[Incoming]] = {}
        if flow.nodes:
            incoming.setdefault(flow.nodes[0].id, []).append(("start", "", ""))
        for key in flow.global_keys:
            if key.target is not None:
                incoming.setdefault(key.target, []).append(("global_key", "", key.key))
        for source, wired in exits.items():
            for exit_name, target in wired.items():
                incoming.setdefault(target, []).append(("node", source, exit_name))
        return cls(
            flow,
            nodes,
            {node_id: tuple(wired.items()) for node_id, wired in exits.items()},
            {node_id: tuple(found) for node_id, found in incoming.items()},
        )

    def content(self, node_id: str) -> Hashable:
        """What a node does, apart from where it leads: its type and parameters."""
        found = self._contents.get(node_id)
        if found is None:
            node = self.nodes[node_id]
            found = self._contents[node_id] = (node.type, canonical(dict(node.params)))
        return found

    def leads_to(self, node_id: str) -> tuple[Incoming, ...]:
        """What leads to a node: the edges into it, the call's start, global keys."""
        return self.incoming.get(node_id, ())


def mapped_incoming(graph: FlowGraph, node_id: str, renames: Mapping[str, str]) -> set[Incoming]:
    """What leads to an old node, its sources seen through the renames."""
    return {(kind, renames.get(source, source), name) for kind, source, name in graph.leads_to(node_id)}


def mapped_exits(graph: FlowGraph, node_id: str, renames: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """An old node's exits, their targets seen through the renames."""
    return tuple((exit_name, renames.get(target, target)) for exit_name, target in graph.exits[node_id])
