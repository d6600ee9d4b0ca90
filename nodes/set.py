"""set: give variables new values from expressions, optionally saving them with the call record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from callflow.flowlang.kinds import Assignments, Flag
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param


@dataclass(frozen=True)
class Set:
    """Parameters of a set node."""

    values: Mapping[str, str] = param(
        Assignments(targets="variable"), positional=True, help="`name = expression` pairs, set in order."
    )
    save: bool = param(Flag(), default=False, help="Whether the values are also stored with the call record.")


NODE = NodeType(
    keyword="set",
    params=Set,
    exits=(Exit("next", help="After the values are set."), Exit("error", required=False)),
    primary_exit="next",
    designer=Designer(label="Set", category="Logic", icon="variable", description=__doc__ or ""),
)
