"""transfer: hand the call to a destination on the allow-list of the environment; it then leaves the flow."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang.kinds import Ref, Seconds
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext
from callflow.runtime.signals import RuntimeFailure, Transferred


@dataclass(frozen=True)
class Transfer:
    """Parameters of a transfer node."""

    destination: str = param(Ref("destination"), positional=True, help="The environment's destination.")
    ring_s: float = param(Seconds(5, 300), default=30, help="How long the destination may ring before `no_answer`.")
    prompt: str | None = param(Ref("prompt"), default=None, help="Played before transferring.")


async def run(ctx: CallContext, params: Transfer) -> str:
    """Ring a destination of the environment's allow-list; once answered, the call is no longer ours."""
    target = ctx.environment.destinations.get(params.destination)
    if target is None:
        raise RuntimeFailure(f"`{params.destination}` is not in the environment's transfer allow-list")
    if params.prompt is not None:
        await ctx.say(params.prompt)
    ctx.event("transfer", destination=params.destination)
    address = {k: v for k, v in (("number", target.number), ("endpoint", target.endpoint)) if v}
    outcome = await ctx.channel.transfer(params.destination, address, params.ring_s)
    if outcome.outcome == "answered":
        raise Transferred(params.destination)
    ctx.event("transfer_failed", destination=params.destination, outcome=outcome.outcome)
    return outcome.outcome


NODE = NodeType(
    keyword="transfer",
    params=Transfer,
    exits=(
        Exit("failed", required=False, help="The transfer could not be made."),
        Exit("busy", required=False, otherwise="failed", help="The destination was busy."),
        Exit("no_answer", required=False, otherwise="failed", help="The destination did not answer within `ring`."),
        Exit("error", required=False),
    ),
    terminal=True,
    listens=True,
    designer=Designer(label="Transfer", category="Agents", icon="phone-forwarded", description=__doc__ or ""),
    run=run,
)
