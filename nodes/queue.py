"""queue: wait in a queue for an agent, hearing the position and hold music, optionally offered a way out."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.check.resources import environment_name
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.environment import Queue as EnvironmentQueue
from callflow.flowlang.kinds import Key, Ref, Seconds, Text
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext
from callflow.runtime.types import Audio, QueueRequest


@dataclass(frozen=True)
class Queue:
    """Parameters of a queue node."""

    queue: str = param(Ref("queue"), positional=True, help="The environment's queue to wait in.")
    position: str | None = param(
        Ref("prompt"),
        default=None,
        help="Announced on entry and every `announce_every` while callers are ahead: {queue.position} of them.",
    )
    announce_every_s: float | None = param(
        Seconds(10, 600),
        default=None,
        help="Time between position announcements: the environment queue's `announce_every_s` when not given, else "
        "30 s.",
    )
    music: str | None = param(Text(), default=None, help="The music-on-hold class; the queue's own when not given.")
    offer: str | None = param(Ref("prompt"), default=None, help="Offered after `offer_after`, such as a voicemail.")
    offer_after_s: float | None = param(Seconds(0, 3600), default=None, help="Time in the queue before the offer.")
    offer_key: str = param(Key(), default="1", help="The key that accepts the offer.")
    max_wait_s: float | None = param(
        Seconds(1, 86400),
        default=None,
        help="Time in the queue before `timeout`: the environment queue's `max_wait_s` when not given.",
    )


ANNOUNCE_EVERY_S = 30.0
"""Time between position announcements when neither the node nor the environment's queue says."""


def check(ctx: NodeContext) -> list[Diagnostic]:
    """An offer has a prompt, a time and an exit, or none of them; something ends a wait nobody answers."""
    params: Queue = ctx.params
    problems = []
    environment = ctx.flow_context.environment
    defined = environment.queues.get(params.queue) if environment is not None else None
    if defined is not None and params.max_wait_s is None and defined.max_wait_s is None and params.offer is None:
        message = (
            f"`{ctx.node.id}` waits in queue `{params.queue}` with no maximum wait and no offer: a caller nobody "
            f"answers waits until the call's time limit; add `max_wait 600s` and `timeout -> node_id`, or set "
            f"`max_wait_s` under [queues.{params.queue}] in {environment_name(ctx.flow_context)}"
        )
        problems.append(ctx.problem(codes.UNBOUNDED_QUEUE, message))
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


async def run(ctx: CallContext, params: Queue) -> str:
    """Wait for an agent, hearing the position now and then; `done` after the agent's conversation ends."""
    ctx.event("queue", queue=params.queue, action="join")

    def announce(ahead: int) -> Audio | None:
        ctx.set("queue.position", ahead, quiet=True)
        ctx.event("queue", queue=params.queue, position=ahead)
        if not params.position or ahead <= 0:
            return None  # nobody ahead: the caller is next, with no count to hear
        audio = ctx.audio(params.position)
        ctx.event("prompt", prompt=audio.prompt, text=audio.text, lang=audio.language)
        return audio

    def offer() -> Audio:
        audio = ctx.audio(params.offer or "")
        ctx.event("prompt", prompt=audio.prompt, text=audio.text, lang=audio.language)
        return audio

    announce_every_s, max_wait_s = _timing(params, ctx.environment.queues.get(params.queue))
    request = QueueRequest(
        queue=params.queue,
        announce=announce if params.position else None,
        announce_every_s=announce_every_s,
        music=params.music,
        offer=offer if params.offer else None,
        offer_after_s=params.offer_after_s,
        offer_key=params.offer_key,
        max_wait_s=max_wait_s,
    )
    outcome = await ctx.channel.wait_in_queue(request)
    ctx.set("queue.wait_s", round(outcome.waited_s, 3), quiet=True)
    ctx.event("queue", queue=params.queue, action="leave", outcome=outcome.outcome, waited_s=round(outcome.waited_s, 3))
    return outcome.outcome


def _timing(params: Queue, defined: EnvironmentQueue | None) -> tuple[float, float | None]:
    """How often the position is announced and how long the caller may wait: the node's, else the environment
    queue's, else every 30 s and no limit."""
    announce_every_s = params.announce_every_s
    max_wait_s = params.max_wait_s
    if defined is not None:
        announce_every_s = announce_every_s if announce_every_s is not None else defined.announce_every_s
        max_wait_s = max_wait_s if max_wait_s is not None else defined.max_wait_s
    return (announce_every_s if announce_every_s is not None else ANNOUNCE_EVERY_S), max_wait_s


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
    run=run,
)
