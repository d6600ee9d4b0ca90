"""Which nodes and exits of a flow the simulated calls went through."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from callflow.flowlang.model import Flow


@dataclass(frozen=True)
class Coverage:
    """Nodes and wired exits of one flow, and those the calls used."""

    flow: str
    nodes: frozenset[str]
    exits: frozenset[tuple[str, str]]
    nodes_used: frozenset[str]
    exits_used: frozenset[tuple[str, str]]

    @property
    def missing_nodes(self) -> list[str]:
        """Nodes no call reached."""
        return sorted(self.nodes - self.nodes_used)

    @property
    def missing_exits(self) -> list[tuple[str, str]]:
        """Wired exits no call took."""
        return sorted(self.exits - self.exits_used)

    def summary(self) -> str:
        """`flow: nodes 30/36 (83%), exits 50/70 (71%)`."""

        def share(used: int, total: int) -> str:
            return f"{used}/{total} ({100 * used // total if total else 100}%)"

        nodes = share(len(self.nodes & self.nodes_used), len(self.nodes))
        exits = share(len(self.exits & self.exits_used), len(self.exits))
        return f"{self.flow}: nodes {nodes}, exits {exits}"


def coverage(flow: Flow, visited: Iterable[tuple[str, str]], taken: Iterable[tuple[str, str, str]]) -> Coverage:
    """The coverage of a flow by calls that visited these nodes and took these exits."""
    return Coverage(
        flow=flow.name,
        nodes=frozenset(n.id for n in flow.nodes),
        exits=frozenset((e.source, e.exit) for e in flow.edges),
        nodes_used=frozenset(node for name, node in visited if name == flow.name),
        exits_used=frozenset((node, exit) for name, node, exit in taken if name == flow.name),
    )
