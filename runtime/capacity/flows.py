"""The flows of a load run, read once before it starts: the flow under load and every flow it calls.

A run holds its flows still (a file changed meanwhile does not change the run), and knows from them which queues
need agents and which nodes are voicemail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from callflow.flowlang.model import Flow
from callflow.runtime.flows import FlowSource
from callflow.runtime.signals import RuntimeFailure


class FlowSet:
    """A flow and the flows it calls (as found by a `FlowSource` when the run starts), by name."""

    def __init__(self, flow: Flow, source: FlowSource | None) -> None:
        self.flow = flow
        self.flows: dict[str, Flow] = {flow.name: flow}
        pending = [flow]
        while pending:
            for node in pending.pop().nodes:
                name = node.params.get("flow") if node.type == "subflow" else None
                if isinstance(name, str) and name not in self.flows and source is not None:
                    try:
                        called = source.get(name)
                    except RuntimeFailure:
                        continue  # the call fails at that node, as it would on a line
                    self.flows[name] = called
                    pending.append(called)

    # -- FlowSource ------------------------------------------------------------------------------------------

    def get(self, name: str) -> Flow:
        """A flow by name. Raises RuntimeFailure when the run has none by that name."""
        flow = self.flows.get(name)
        if flow is None:
            raise RuntimeFailure(f"there is no flow `{name}`")
        return flow

    def names(self) -> list[str]:
        """Every flow of the run, by name."""
        return sorted(self.flows)

    def cached(self, name: str) -> Flow | None:
        """A flow by name, or None."""
        return self.flows.get(name)

    # -- what the run needs to know --------------------------------------------------------------------------

    def nodes_of_type(self, node_type: str) -> list[tuple[str, str, Mapping[str, Any]]]:
        """Every node of a type, as (flow, node, parameters)."""
        return [
            (flow.name, node.id, node.params)
            for flow in self.flows.values()
            for node in flow.nodes
            if node.type == node_type
        ]

    def queues(self) -> list[str]:
        """The queues the flows wait in, in the order they first appear."""
        names = [str(params.get("queue")) for _, _, params in self.nodes_of_type("queue")]
        return list(dict.fromkeys(names))

    def voicemail_nodes(self) -> frozenset[tuple[str, str]]:
        """The voicemail nodes, as (flow, node) as a call records entering them."""
        return frozenset((flow, node) for flow, node, _ in self.nodes_of_type("voicemail"))
