"""hangup: end the call."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang.nodetype import Designer, NodeType


@dataclass(frozen=True)
class Hangup:
    """A hangup node has no parameters."""


NODE = NodeType(
    keyword="hangup",
    params=Hangup,
    exits=(),
    terminal=True,
    designer=Designer(label="Hang up", category="Endings", icon="phone-off", description=__doc__ or ""),
)
