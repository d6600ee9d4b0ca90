"""The node types known to this installation, found through the `callflow.nodes` entry point group."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from importlib.metadata import entry_points

from callflow.flowlang.errors import FlowError
from callflow.flowlang.nodetype import NodeType

ENTRY_POINT_GROUP = "callflow.nodes"


class RegistryError(FlowError):
    """A node type package that cannot be loaded or clashes with another."""


class Registry(Mapping[str, NodeType]):
    """Node types by keyword."""

    def __init__(self, node_types: Mapping[str, NodeType]) -> None:
        self._types = dict(node_types)

    def __getitem__(self, keyword: str) -> NodeType:
        return self._types[keyword]

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    def with_types(self, *node_types: NodeType) -> Registry:
        """A registry with more node types (for tests and embedding)."""
        return Registry({**self._types, **{t.keyword: t for t in node_types}})


@cache
def default_registry() -> Registry:
    """Every node type installed: the built-in ones and those of third-party packages."""
    found: dict[str, NodeType] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        node_type = entry.load()
        if not isinstance(node_type, NodeType):
            raise RegistryError(f"entry point {entry.name} = {entry.value} is not a NodeType")
        if node_type.keyword != entry.name:
            raise RegistryError(f"entry point {entry.name} names node type {node_type.keyword!r}")
        if node_type.keyword in found:
            raise RegistryError(f"two packages define the node type {node_type.keyword!r}")
        found[node_type.keyword] = node_type
    return Registry(dict(sorted(found.items())))
