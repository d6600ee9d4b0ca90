"""hangup: end the call."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang.nodetype import Designer, NodeType
from callflow.runtime import signals
from callflow.runtime.context import CallContext


@dataclass(frozen=True)
class Hangup:
    """A hangup node has no parameters."""


async def run(ctx: CallContext, params: Hangup) -> str:
    """Hang up: the end of the call, not an error."""
    await ctx.channel.hangup()
    raise signals.Hangup("flow")


NODE = NodeType(
    keyword="hangup",
    params=Hangup,
    exits=(),
    terminal=True,
    designer=Designer(label="Hang up", category="Endings", icon="phone-off", description=__doc__ or ""),
    run=run,
)
