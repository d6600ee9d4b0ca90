"""A flow version made ready to run: what a call's walk needs, worked out once per flow version, not per node.

Each node becomes a `NodeStep`: its node type's `run`, its typed parameters, the (flow, node) pair a call records
on entering it, and, as calls take them, where each exit leads. The plan also keeps the flow's initial variables
and its prompts ready to play. One engine builds one plan per flow version; every call on that version shares it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

from callflow.flowlang.model import Edge, Flow, Node
from callflow.flowlang.nodetype import NodeType
from callflow.flowlang.registry import Registry
from callflow.runtime.prompts import FlowPrompts
from callflow.runtime.signals import RuntimeFailure

Route: TypeAlias = "tuple[tuple[str, str, str], str | None, NodeStep | None]"
"""Where an exit leads: the exit followed (as a call records it: flow, node, exit), its target's id and its step.

No target means no edge leads on (the call falls back); a target that names no node ends the walk. A plain tuple,
not a named one: the walk unpacks one per node, and only exact tuples unpack without an iterator."""


class Routes(dict[str, Route]):
    """Where a node's exits lead, by exit name, each worked out the first time a run takes it."""

    def __init__(self, step: NodeStep) -> None:
        super().__init__()
        self.step = step

    def __missing__(self, exit_name: str) -> Route:
        route = self[exit_name] = self.step.follow(exit_name)
        return route


class NodeStep:
    """One node of a flow version, ready to run."""

    __slots__ = ("_families", "edges", "node", "node_type", "params", "plan", "prepared", "routes", "run", "visit")

    def __init__(self, plan: FlowPlan, node: Node, node_type: NodeType | None) -> None:
        self.plan = plan
        self.node = node
        self.node_type = node_type
        self.run: Callable[[Any, Any], Awaitable[str]] = self._cannot_run
        if node_type is not None and node_type.run is not None:
            self.run = node_type.run
        self.visit = (plan.flow.name, node.id)
        """What a call records on entering the node: (flow, node)."""
        self.edges: tuple[Edge, ...] = plan.flow.edges_from(node.id)
        """The node's wired exits."""
        self.params: Any = None
        """The node's typed parameters."""
        if self.run is not self._cannot_run:
            try:
                self.params = node_type.build(node.params)  # type: ignore[union-attr]
            except Exception:  # invalid parameters fail the node when a call reaches it, not the whole flow
                self.run = self._fail
        self.routes = Routes(self)
        """Where each exit leads, by the exit a run took: `routes[exit_name]`."""
        self.prepared: dict[Callable[..., Any], Any] = {}
        """What node types worked out for this node before any call, by the function that made it."""
        self._families: dict[str, list[str]] = {}

    async def _cannot_run(self, ctx: Any, params: Any) -> str:
        """Run a node whose type is unknown here or has no runtime behaviour."""
        raise RuntimeFailure(f"node type `{self.node.type}` cannot run here")

    async def _fail(self, ctx: Any, params: Any) -> str:
        """Run a node whose parameters cannot be built: building them again raises what went wrong."""
        assert self.node_type is not None and self.node_type.run is not None
        return await self.node_type.run(ctx, self.node_type.build(self.node.params))

    def family_values(self, word: str) -> list[str]:
        """The values of the node's wired exits of one family (a menu's keys)."""
        values = self._families.get(word)
        if values is None:
            prefix = word + " "
            values = self._families[word] = [e.exit[len(prefix) :] for e in self.edges if e.exit.startswith(prefix)]
        return values

    def follow(self, exit_name: str) -> Route:
        """Where the call goes after the node took `exit_name`: the exit itself, else the exit the node type
        falls back to, else `error`."""
        followed, target = self._resolve(exit_name)
        step = self.plan.step(target) if target else None
        return (self.visit[0], self.node.id, followed), target, step

    def _resolve(self, exit_name: str) -> tuple[str, str | None]:
        edges = self.edges
        tried: set[str] = set()
        name: str | None = exit_name
        while name is not None and name not in tried:
            tried.add(name)
            edge = next((e for e in edges if e.exit == name), None)
            if edge is not None:
                return name, edge.target
            spec = self.node_type.exit(name) if self.node_type else None
            name = spec.otherwise if spec is not None and spec.otherwise else ("error" if name != "error" else None)
        return exit_name, None


class FlowPlan:
    """A flow version ready to run: its steps, its initial variables and its prompts."""

    def __init__(self, flow: Flow, registry: Registry) -> None:
        self.flow = flow
        self.prompts = FlowPrompts(flow)
        self.variables = {v.name: v.value for v in flow.variables}
        """The flow's variables at their initial values (copied for each call)."""
        self.secrets = frozenset(v.name for v in flow.variables if v.secret)
        self._steps: dict[str, NodeStep] = {}
        for node in flow.nodes:  # the first node of an id is the one a call reaches
            if node.id not in self._steps:
                self._steps[node.id] = NodeStep(self, node, registry.get(node.type))
        self.start = self._steps[flow.nodes[0].id] if flow.nodes else None

    def step(self, node_id: str) -> NodeStep | None:
        """The step of the node with this id, if any."""
        return self._steps.get(node_id)
