"""The flow model: one in-memory form that the DSL and the JSON graph both read into and write from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from callflow.flowlang.errors import Location

JSON = Any
"""A JSON value: str, int, float, bool, None, list or dict."""

NOWHERE = Location()


@dataclass(frozen=True)
class Comment:
    """Comments kept with one line of a flow: whole lines above it and one at its end."""

    above: tuple[str, ...] = ()
    end: str | None = None


Comments = Mapping[str, Comment]
"""Comments of an item's lines, by line key: "" is the item's first line."""


@dataclass(frozen=True)
class Variable:
    """A flow variable with its initial value; a secret one never appears in traces or logs."""

    name: str
    value: JSON = None
    secret: bool = False
    comments: Comments = field(default_factory=dict)
    location: Location = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Prompt:
    """Something the caller hears: a text per language and/or an audio file per language ("*" for all)."""

    id: str
    text: Mapping[str, str] = field(default_factory=dict)
    file: Mapping[str, str] = field(default_factory=dict)
    comments: Comments = field(default_factory=dict)
    location: Location = field(default=NOWHERE, compare=False)
    text_locations: Mapping[str, Location] = field(default_factory=dict, compare=False)
    """Where each language's text is written (its opening quote), for messages about the text."""


@dataclass(frozen=True)
class GlobalKey:
    """A key that works in every menu of the flow: repeat the prompt, go back, or go to a node."""

    key: str
    action: str
    target: str | None = None
    location: Location = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Node:
    """One step of a flow: its id, its node type and that type's parameters as JSON values."""

    id: str
    type: str
    params: Mapping[str, JSON] = field(default_factory=dict)
    comments: Comments = field(default_factory=dict)
    location: Location = field(default=NOWHERE, compare=False)
    param_locations: Mapping[str, Location] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Edge:
    """Where one exit of a node leads."""

    source: str
    exit: str
    target: str
    location: Location = field(default=NOWHERE, compare=False)
    target_location: Location = field(default=NOWHERE, compare=False)
    """Where the target's name is written (a missing node is pointed at there); the exit's own place if unknown."""


@dataclass(frozen=True)
class Position:
    """Where the designer draws a node; never part of the flow's logic."""

    x: float
    y: float


@dataclass(frozen=True)
class Flow:
    """A whole flow. The first node is where a call starts."""

    name: str
    title: str | None = None
    languages: tuple[str, ...] = ()
    default_language: str | None = None
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    global_keys: tuple[GlobalKey, ...] = ()
    variables: tuple[Variable, ...] = ()
    prompts: tuple[Prompt, ...] = ()
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    layout: Mapping[str, Position] = field(default_factory=dict)
    comments: Comments = field(default_factory=dict)
    trailing_comments: tuple[str, ...] = ()
    location: Location = field(default=NOWHERE, compare=False)

    @property
    def language(self) -> str | None:
        """The language a call starts in."""
        return self.default_language or (self.languages[0] if self.languages else None)

    @property
    def start(self) -> Node | None:
        """The node a call starts at."""
        return self.nodes[0] if self.nodes else None

    def node(self, node_id: str) -> Node | None:
        """The node with this id (the first, if two share it), if any."""
        return self._nodes_by_id.get(node_id)

    def prompt(self, prompt_id: str) -> Prompt | None:
        """The prompt with this id, if any."""
        return self._prompts_by_id.get(prompt_id)

    @cached_property
    def _prompts_by_id(self) -> dict[str, Prompt]:
        index: dict[str, Prompt] = {}
        for prompt in self.prompts:
            index.setdefault(prompt.id, prompt)
        return index

    def edges_from(self, node_id: str) -> tuple[Edge, ...]:
        """The edges leaving a node, in order."""
        return self._edges_by_source.get(node_id, ())

    @cached_property
    def _nodes_by_id(self) -> dict[str, Node]:
        index: dict[str, Node] = {}
        for node in self.nodes:
            index.setdefault(node.id, node)
        return index

    @cached_property
    def _edges_by_source(self) -> dict[str, tuple[Edge, ...]]:
        grouped: dict[str, list[Edge]] = {}
        for edge in self.edges:
            grouped.setdefault(edge.source, []).append(edge)
        return {source: tuple(edges) for source, edges in grouped.items()}
