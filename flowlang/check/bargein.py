"""Keys lost before a menu: a prompt that keys cannot cut, right before a node that waits for keys.

On a live line a key pressed while a prompt without barge-in plays is lost (Asterisk reads and drops it), and
callers who know the menu press early. So a `say` that leads straight to a menu (or to a collect), through nodes that
neither play nor listen, is worth a warning. A flow that means it writes `barge_in no` on the `say`: written out,
it says the prompt is to be heard whole; `barge_in yes` lets a key cut it and keeps the key for the menu.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import cache

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import FlowContext
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.model import Node
from callflow.flowlang.nodetype import NodeType

BARGE_IN = "barge_in"
MAX_HOPS = 8
"""Nodes that neither play nor listen followed from a prompt to the menu after it."""


def check_bargein(ctx: FlowContext) -> Iterator[Diagnostic]:
    """Prompts without barge-in that lead to a menu, unless the flow writes `barge_in no` on them."""
    for node in ctx.flow.nodes:
        node_type = ctx.node_type(node)
        if node_type is None or node_type.listens or BARGE_IN in node.params or _barge_in(node_type, node):
            continue
        if _default(node_type) is None:
            continue  # no prompt that keys could cut
        menu = _menu_after(ctx, node)
        if menu is None:
            continue
        message = (
            f"`{node.id}` plays its prompt without barge-in right before `{menu.id}` waits for keys: callers who "
            f"know the menu press early, and a key pressed while the prompt plays is lost; write `barge_in yes` to "
            f"let a key cut the prompt and count in `{menu.id}`, or `barge_in no` if the prompt must be heard whole"
        )
        yield ctx.problem(codes.EARLY_KEYS_LOST, message, node.location)


def _menu_after(ctx: FlowContext, start: Node) -> Node | None:
    """The first node after `start` that waits for keys with barge-in, reached through nodes that are silent."""
    seen = {start.id}
    frontier = [start.id]
    for _ in range(MAX_HOPS):
        following = []
        for source in frontier:
            for edge in ctx.flow.edges_from(source):
                node = ctx.flow.node(edge.target)
                node_type = ctx.node_type(node) if node is not None else None
                if node is None or node_type is None or node.id in seen:
                    continue
                seen.add(node.id)
                if node_type.listens and _barge_in(node_type, node):
                    return node
                if not node_type.listens and not node_type.terminal and not _plays(node_type):
                    following.append(node.id)
        if not following:
            return None
        frontier = following
    return None


def _barge_in(node_type: NodeType, node: Node) -> bool:
    """Whether the node's prompt takes keys: its `barge_in`, written or by default."""
    value = node.params.get(BARGE_IN, _default(node_type))
    return value is True


def _default(node_type: NodeType) -> bool | None:
    """The node type's default `barge_in` (None: it has no such parameter)."""
    return _default_of(node_type.params)


@cache
def _default_of(params: type) -> bool | None:
    for field in dataclasses.fields(params):
        if field.name == BARGE_IN:
            return bool(field.default)
    return None


def _plays(node_type: NodeType) -> bool:
    """Whether a node type plays prompts (a parameter refers to one)."""
    return any(getattr(spec.kind, "refers_to", None) == "prompt" for spec in node_type.specs)
