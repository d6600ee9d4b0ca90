"""queue: wait in a queue for an agent, hearing the position and hold music, optionally offered a way out."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.kinds import Key, Ref, Seconds, Text
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param


@dataclass(frozen=True)
class Queue:
    """Parameters of a queue node."""

    queue: str = param(Ref("queue"), positional=True, help="The environment's queue to wait in.")
    position: str | None = param(
        Ref("prompt"), default=None, help="Announced on entry and every `announce_every`; may use {queue.position}."
    )
    announce_every_s: float = param(Seconds(10, 600), default=30, help="Time between position announcements.")
    music: str | None = param(Text(), default=None, help="The music-on-hold class; the queue's own when not given.")
    offer: str | None = param(Ref("prompt"), default=None, help="Offered after `offer_after`, such as a voicemail.")
    offer_after_s: float | None = param(Seconds(0, 3600), default=None, help="Time in the queue before the offer.")
    offer_key: str = param(Key(), default="1", help="The key that accepts the offer.")
    max_wait_s: float | None = param(Seconds(1, 86400), default=None, help="Time in the queue before `timeout`.")


def check(ctx: NodeContext) -> list[Diagnostic]:
    """An offer has a prompt, a time and an exit, or none of them."""
    params: Queue = ctx.params
    problems = []
    if params.offer is not None and params.offer_after_s is None:
        message = "`offer` needs `offer_after`: the time in the queue before the offer is played"
        problems.append(ctx.problem(codes.MISSING_PARAMETER, message, ctx.param_location("offer")))
    if params.offer is None and params.offer_after_s is not None:
        message = "`offer_after` needs `offer`: the prompt that makes the offer"
        problems.append(ctx.problem(codes.MISSING_PARAMETER, message, ctx.param_location("offer_after_s")))
    wired = any(edge.exit == "offer" for edge in ctx.edges)
    if wired and params.offer is None:
        message = "exit `offer` is wired, but no `offer` prompt tells the caller about it; add `offer prompt_id`"
        problems.append(ctx.problem(codes.INVALID_VALUE, message, ctx.exit_location("offer")))
    if params.offer is not None and not wired:
        message = f"`{ctx.node.id}` makes an offer, but exit `offer` leads nowhere; add `offer -> node_id`"
        problems.append(ctx.problem(codes.UNWIRED_EXIT, message, ctx.param_location("offer")))
    return problems


NODE = NodeType(
    keyword="queue",
    params=Queue,
    exits=(
        Exit("done", help="The agent ended the conversation and the caller is still on the line."),
        Exit("offer", required=False, help="The caller accepted the offer by pressing `offer_key`."),
        Exit("timeout", required=False, help="No agent answered within `max_wait`."),
        Exit("error", required=False),
    ),
    listens=True,
    provides=("queue.position", "queue.wait_s"),
    check=check,
    designer=Designer(label="Queue", category="Agents", icon="users", description=__doc__ or ""),
)
