"""What a check sees: the flow, its node types, its environment, and a way to report problems."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from callflow.flowlang.diagnostics import Code, Diagnostic
from callflow.flowlang.errors import Location
from callflow.flowlang.model import Edge, Flow, Node
from callflow.flowlang.nodetype import NodeType
from callflow.flowlang.registry import Registry

if TYPE_CHECKING:
    from callflow.flowlang.check.subflows import FlowSet
    from callflow.flowlang.environment import Environment

SourceLine = Callable[[Location], "str | None"]


@dataclass(frozen=True)
class FlowContext:
    """A flow under check, with everything the checks need around it."""

    flow: Flow
    registry: Registry
    environment: Environment | None
    source_line: SourceLine
    flows: FlowSet | None = None
    """Where the flows it calls are found (None: subflows are not checked)."""

    def problem(self, code: Code, message: str, location: Location, note: str | None = None) -> Diagnostic:
        """A diagnostic with the source line quoted when the flow came from a `.flow` file."""
        return Diagnostic(code, message, location, self.source_line(location), note)

    def node_type(self, node: Node) -> NodeType | None:
        """The node type of a node, if installed."""
        return self.registry.get(node.type)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value computed once per check of this flow (variable uses, known names...)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @cached_property
    def _memo(self) -> dict[str, Any]:
        return {}

    @cached_property
    def references(self) -> list[Reference]:
        """Every name the flow's node parameters refer to (computed once per check)."""
        return references(self)


@dataclass(frozen=True)
class NodeContext:
    """One node under check: its typed parameters and its edges."""

    flow_context: FlowContext
    node: Node
    node_type: NodeType
    params: Any
    edges: tuple[Edge, ...]

    @property
    def flow(self) -> Flow:
        """The flow the node is in."""
        return self.flow_context.flow

    def problem(self, code: Code, message: str, location: Location | None = None) -> Diagnostic:
        """A diagnostic about this node (at the node when no location is given)."""
        return self.flow_context.problem(code, message, location or self.node.location)

    def family_values(self, word: str) -> list[str]:
        """The values of this node's exits of one family, such as the keys of a menu."""
        family = next(f for f in self.node_type.families if f.word == word)
        return [str(family.value(e.exit)) for e in self.edges if self.node_type.family(e.exit) == family]

    def exit_location(self, label: str) -> Location:
        """Where an exit of this node is wired."""
        return next((e.location for e in self.edges if e.exit == label), self.node.location)

    def param_location(self, name: str) -> Location:
        """Where a parameter of this node is written."""
        return self.node.param_locations.get(name, self.node.location)


@dataclass(frozen=True)
class Reference:
    """A name one node's parameter refers to: a prompt, a variable, a queue..."""

    node: Node
    param: str
    kind: str
    name: str
    location: Location


def references(ctx: FlowContext) -> list[Reference]:
    """Every name the flow's node parameters refer to."""
    found: list[Reference] = []
    for node in ctx.flow.nodes:
        node_type = ctx.node_type(node)
        if node_type is None:
            continue
        for spec in node_type.specs:
            if spec.name not in node.params:
                continue
            value = node.params[spec.name]
            values = list(value.values()) if spec.keyed is not None else [value]
            where = node.param_locations.get(spec.name, node.location)
            targets = getattr(spec.kind, "targets", None)
            for item in values:
                if spec.kind.refers_to is not None:
                    found.extend(
                        Reference(node, spec.name, spec.kind.refers_to, n, where) for n in spec.kind.names(item)
                    )
                if targets is not None:
                    found.extend(Reference(node, spec.name, targets, n, where) for n in item)
    return found
