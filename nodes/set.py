"""set: give variables new values from expressions, optionally saving them with the call record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from callflow.flowlang.expression_kinds import Assignments
from callflow.flowlang.kinds import Flag
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext
from callflow.runtime.trace import MASK


@dataclass(frozen=True)
class Set:
    """Parameters of a set node."""

    values: Mapping[str, str] = param(
        Assignments(targets="variable"), positional=True, help="`name = expression` pairs, set in order."
    )
    save: bool = param(Flag(), default=False, help="Whether the values are also stored with the call record.")


async def run(ctx: CallContext, params: Set) -> str:
    """Evaluate each expression in order and set its variable; with `save`, keep the values with the call."""
    for name, expression in params.values.items():
        ctx.set(name, ctx.evaluate(expression))
    if params.save:
        saved = {name: ctx.get(name) for name in params.values}
        ctx.store.save_values(ctx.call.id, saved)
        ctx.event("save", values={k: MASK if ctx.is_secret(k) else v for k, v in saved.items()})
    return "next"


NODE = NodeType(
    keyword="set",
    params=Set,
    exits=(Exit("next", help="After the values are set."), Exit("error", required=False)),
    primary_exit="next",
    designer=Designer(label="Set", category="Logic", icon="variable", description=__doc__ or ""),
    run=run,
)
