"""What differs apart from the logic: where nodes are drawn, and the comments kept with each line."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from callflow.flowlang.diff.graph import FlowGraph
from callflow.flowlang.diff.model import CommentChange, Move
from callflow.flowlang.diff.values import merged
from callflow.flowlang.model import Comment, Comments, Flow

T = TypeVar("T")

END_OF_FILE = "end of file"
"""The line key of the comments after the last item of a flow."""


def moves(old: FlowGraph, new: FlowGraph, renames: Mapping[str, str]) -> Iterator[Move]:
    """Nodes in both versions drawn elsewhere, placed for the first time, or no longer placed; in model order."""
    back = {new_id: old_id for old_id, new_id in renames.items()}
    for node_id in new.nodes:
        old_id = back.get(node_id, node_id)
        if old_id not in old.nodes:
            continue
        was, now = old.flow.layout.get(old_id), new.flow.layout.get(node_id)
        if was != now:
            yield Move(node_id, was, now)


def comment_changes(old: Flow, new: Flow, renames: Mapping[str, str]) -> Iterator[CommentChange]:
    """Comments changed on the flow's lines, and on variables, prompts and nodes both versions have."""
    yield from _lines("flow", None, _flow_comments(old, renames), _flow_comments(new, {}))
    variables = {v.name: v.comments for v in reversed(old.variables)}
    for variable in _first(new.variables, lambda v: v.name):
        if variable.name in variables:
            yield from _lines("variable", variable.name, variables[variable.name], variable.comments)
    prompts = {p.id: p.comments for p in reversed(old.prompts)}
    for prompt in _first(new.prompts, lambda p: p.id):
        if prompt.id in prompts:
            yield from _lines("prompt", prompt.id, prompts[prompt.id], prompt.comments)
    back = {new_id: old_id for old_id, new_id in renames.items()}
    nodes = {n.id: n.comments for n in reversed(old.nodes)}
    for node in _first(new.nodes, lambda n: n.id):
        old_id = back.get(node.id, node.id)
        if old_id in nodes:
            yield from _lines("node", node.id, nodes[old_id], node.comments)


def _first(items: tuple[T, ...], key: Callable[[T], str]) -> Iterator[T]:
    """Each item but those repeating an earlier one's key (a flow with errors)."""
    seen: set[str] = set()
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            yield item


def _flow_comments(flow: Flow, renames: Mapping[str, str]) -> dict[str, Comment]:
    """The flow's own comments, layout lines keyed by the node's id seen through the renames, and the end."""
    found: dict[str, Comment] = {}
    for key, comment in flow.comments.items():
        if key.startswith("layout "):
            node_id = key.removeprefix("layout ")
            key = "layout " + renames.get(node_id, node_id)
        found[key] = comment
    if flow.trailing_comments:
        found[END_OF_FILE] = Comment(above=flow.trailing_comments)
    return found


def _lines(on: str, item: str | None, before: Comments, after: Comments) -> Iterator[CommentChange]:
    if before == after:
        return
    for line, _ in merged(list(before), list(after)):
        was, now = _kept(before.get(line)), _kept(after.get(line))
        if was != now:
            yield CommentChange(on, item, line, was, now)


def _kept(comment: Comment | None) -> Comment | None:
    """A comment with nothing in it is no comment."""
    return comment if comment is not None and (comment.above or comment.end is not None) else None
