"""What differs between two versions of a flow: the result of `diff_flows`, as data, JSON and text.

The JSON shape (`FlowDiff.to_json`, format 1) is documented in docs/diff.md; a canvas paints from it. Logic
changes (header, prompts, nodes) are kept apart from layout (`layout`) and comments (`comments`), which never
change what a caller lives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from callflow.flowlang.diff.text import render
from callflow.flowlang.diff.values import MISSING, Value
from callflow.flowlang.model import Comment, Position

FORMAT: Final = 1
"""The version of the JSON shape; it changes only when a field changes meaning or goes away."""

NODE_STATUSES: Final = ("added", "removed", "changed", "rewired", "renamed", "moved")
"""What happened to a node; unchanged nodes are left out."""


def _sides(data: dict[str, Any], old: Value, new: Value) -> dict[str, Any]:
    """`data` with `old` and `new` keys, each left out where that side has nothing."""
    if old is not MISSING:
        data["old"] = old
    if new is not MISSING:
        data["new"] = new
    return data


@dataclass(frozen=True)
class HeaderChange:
    """A change to the flow's header: its name, title, languages, start, a global key or a variable."""

    field: str
    old: Value
    new: Value
    key: str | None = None
    """The global key or the variable's name, for those fields."""

    def to_json(self) -> dict[str, Any]:
        """`{"field", "key"?, "old"?, "new"?}`."""
        data: dict[str, Any] = {"field": self.field}
        if self.key is not None:
            data["key"] = self.key
        return _sides(data, self.old, self.new)


@dataclass(frozen=True)
class TextChange:
    """A prompt's text or file in one language: added, removed or changed."""

    language: str
    old: str | None
    new: str | None

    def to_json(self) -> dict[str, Any]:
        """`{"language", "old"?, "new"?}`."""
        return _sides({"language": self.language}, _or_missing(self.old), _or_missing(self.new))


@dataclass(frozen=True)
class PromptChange:
    """A prompt added, removed or changed, with the nodes that play it."""

    id: str
    status: str
    text: tuple[TextChange, ...] = ()
    file: tuple[TextChange, ...] = ()
    used_by: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """`{"id", "status", "text": [...], "file": [...], "used_by": [...]}`."""
        return {
            "id": self.id,
            "status": self.status,
            "text": [t.to_json() for t in self.text],
            "file": [f.to_json() for f in self.file],
            "used_by": list(self.used_by),
        }


@dataclass(frozen=True)
class ParamChange:
    """One parameter of a node, old → new (one side MISSING when it was added or removed)."""

    name: str
    old: Value
    new: Value
    key: str | None = None
    """The key of a keyed parameter (such as a menu's `words` for one key)."""
    default: Value = MISSING
    """What a side that leaves the parameter out gets (MISSING when both sides set it, or it has no default)."""
    label: str = ""
    """How the DSL writes the parameter's word (and key), for people."""
    old_text: str = ""
    new_text: str = ""
    default_text: str = ""

    def to_json(self) -> dict[str, Any]:
        """`{"name", "key"?, "old"?, "new"?, "default"?}`."""
        data: dict[str, Any] = {"name": self.name}
        if self.key is not None:
            data["key"] = self.key
        data = _sides(data, self.old, self.new)
        if self.default is not MISSING:
            data["default"] = self.default
        return data


@dataclass(frozen=True)
class ExitChange:
    """Where one exit of a node leads, old → new (None where it is not wired on that side)."""

    exit: str
    old: str | None
    new: str | None

    def to_json(self) -> dict[str, Any]:
        """`{"exit", "old"?, "new"?}`: the old target by its old id, the new one by its new id."""
        return _sides({"exit": self.exit}, _or_missing(self.old), _or_missing(self.new))


@dataclass(frozen=True)
class NodeChange:
    """One node that is not the same in both versions."""

    id: str
    """Its id in the new version (in the old one, for a removed node)."""
    status: str
    type: str
    old_id: str | None = None
    old_type: str | None = None
    params: tuple[ParamChange, ...] = ()
    exits: tuple[ExitChange, ...] = ()
    order: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    """The node's exits in the old and the new order, when the order of the exits both have changed."""

    def to_json(self) -> dict[str, Any]:
        """`{"id", "status", "type", "old_id"?, "old_type"?, "params", "exits", "order"?}`."""
        data: dict[str, Any] = {"id": self.id, "status": self.status, "type": self.type}
        if self.old_id is not None:
            data["old_id"] = self.old_id
        if self.old_type is not None:
            data["old_type"] = self.old_type
        data["params"] = [p.to_json() for p in self.params]
        data["exits"] = [e.to_json() for e in self.exits]
        if self.order is not None:
            data["order"] = {"old": list(self.order[0]), "new": list(self.order[1])}
        return data


@dataclass(frozen=True)
class Move:
    """A node drawn somewhere else (None where it has no position on that side)."""

    id: str
    old: Position | None
    new: Position | None

    def to_json(self) -> dict[str, Any]:
        """`{"id", "old", "new"}`, each `{"x", "y"}` or null."""
        return {"id": self.id, "old": _position(self.old), "new": _position(self.new)}


@dataclass(frozen=True)
class CommentChange:
    """The comments of one line changed: on the flow, a variable, a prompt or a node."""

    on: str
    id: str | None
    line: str
    """The line's key: "" is the item's first line; else a parameter, `exit:NAME`, a header word, `layout ID`."""
    old: Comment | None
    new: Comment | None

    def to_json(self) -> dict[str, Any]:
        """`{"on", "id", "line", "old", "new"}`, each side `{"above": [...], "end"}` or null."""
        return {"on": self.on, "id": self.id, "line": self.line, "old": _comment(self.old), "new": _comment(self.new)}


@dataclass(frozen=True)
class FlowDiff:
    """Everything that differs between two versions of a flow, in model order."""

    old_name: str
    new_name: str
    header: tuple[HeaderChange, ...] = ()
    prompts: tuple[PromptChange, ...] = ()
    nodes: tuple[NodeChange, ...] = ()
    layout: tuple[Move, ...] = ()
    comments: tuple[CommentChange, ...] = ()
    renames: Mapping[str, str] = field(default_factory=dict)
    """Renamed nodes: old id → new id."""
    unchanged: int = 0
    """Nodes with neither a logic nor a layout change."""

    @property
    def same(self) -> bool:
        """Whether nothing at all differs, layout and comments included."""
        return not (self.header or self.prompts or self.nodes or self.layout or self.comments)

    @property
    def logic_same(self) -> bool:
        """Whether every call goes the same way: only layout and comments (if anything) differ."""
        return not (self.header or self.prompts or any(n.status != "moved" for n in self.nodes))

    def node_counts(self) -> dict[str, int]:
        """How many nodes have each status, `unchanged` included."""
        counted = Counter(n.status for n in self.nodes)
        return {**{status: counted[status] for status in NODE_STATUSES}, "unchanged": self.unchanged}

    def summary(self) -> dict[str, Any]:
        """Counts: nodes by status, prompts by status, header changes, moved nodes, comment changes."""
        prompts = Counter(p.status for p in self.prompts)
        return {
            "nodes": self.node_counts(),
            "prompts": {status: prompts[status] for status in ("added", "removed", "changed")},
            "header": len(self.header),
            "layout": len(self.layout),
            "comments": len(self.comments),
        }

    def to_json(self) -> dict[str, Any]:
        """The documented JSON form (docs/diff.md)."""
        return {
            "format": FORMAT,
            "flow": {"old": self.old_name, "new": self.new_name},
            "same": self.same,
            "logic_same": self.logic_same,
            "summary": self.summary(),
            "header": [h.to_json() for h in self.header],
            "prompts": [p.to_json() for p in self.prompts],
            "nodes": [n.to_json() for n in self.nodes],
            "layout": [m.to_json() for m in self.layout],
            "comments": [c.to_json() for c in self.comments],
        }

    def to_text(self) -> str:
        """For people: a summary line, then one line per change, grouped per node, `old → new`."""
        return render(self)


def _or_missing(value: str | None) -> Value:
    return MISSING if value is None else value


def _position(position: Position | None) -> dict[str, float] | None:
    return None if position is None else {"x": _coordinate(position.x), "y": _coordinate(position.y)}


def _coordinate(value: float) -> float:
    """Whole-number positions without `.0`, as the JSON graph writes them."""
    return int(value) if float(value).is_integer() else value


def _comment(comment: Comment | None) -> dict[str, Any] | None:
    return None if comment is None else {"above": list(comment.above), "end": comment.end}
