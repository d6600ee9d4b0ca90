"""sms: a node type from a package that is not Callflow's (the designer's tests install it by its path), to show
that a third-party node type reaches the checker, the service and the designer's palette through `callflow.nodes`.

It sends the caller a text message through the call's events (a real package would call its SMS gateway here)."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang.kinds import Ref, Text
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext


@dataclass(frozen=True)
class Sms:
    """Parameters of an sms node."""

    text: str = param(Text(), positional=True, help="The message sent to the caller.")
    sender: str | None = param(Ref("destination"), default=None, help="The number the message comes from.")


async def run(ctx: CallContext, params: Sms) -> str:
    """Hand the message over (as an event of the call)."""
    ctx.event("sms", text=params.text, sender=params.sender or "")
    return "sent"


NODE = NodeType(
    keyword="sms",
    params=Sms,
    exits=(Exit("sent"), Exit("failed", required=False, help="The gateway refused the message.")),
    designer=Designer(label="Text message", category="Messaging", icon="message-square", description=__doc__ or ""),
    run=run,
)
