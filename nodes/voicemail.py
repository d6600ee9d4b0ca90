"""voicemail: record a message from the caller into a mailbox, after instructions and a beep."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.kinds import Flag, Key, Ref, Seconds
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext
from callflow.runtime.signals import Hangup, RuntimeFailure


@dataclass(frozen=True)
class Voicemail:
    """Parameters of a voicemail node."""

    mailbox: str = param(Ref("mailbox"), positional=True, help="The environment's mailbox that keeps the message.")
    prompt: str | None = param(Ref("prompt"), default=None, help="Instructions played before the beep.")
    max_length_s: float = param(Seconds(1, 3600), default=120, help="The longest message; recording stops there.")
    min_length_s: float = param(Seconds(0, 60), default=1, help="Shorter messages are not kept.")
    silence_s: float = param(Seconds(1, 60), default=5, help="This much silence ends the message.")
    terminator: str = param(Key(), default="#", help="A key that ends the message.")
    beep: bool = param(Flag(), default=True, help="Whether a beep marks the start of recording.")


def check(ctx: NodeContext) -> list[Diagnostic]:
    """The shortest message kept must be shorter than the longest one recorded."""
    params: Voicemail = ctx.params
    if params.min_length_s < params.max_length_s:
        return []
    where = "min_length_s" if "min_length_s" in ctx.node.params else "max_length_s"
    low, high = Seconds().encode(params.min_length_s), Seconds().encode(params.max_length_s)
    message = f"`min_length` {low} must be shorter than `max_length` {high}"
    return [ctx.problem(codes.OUT_OF_RANGE, message, ctx.param_location(where))]


async def run(ctx: CallContext, params: Voicemail) -> str:
    """Record a message and keep it in the mailbox, even when the caller hangs up while speaking."""
    if params.mailbox not in ctx.environment.mailboxes:
        raise RuntimeFailure(f"the environment has no mailbox `{params.mailbox}`")
    if params.prompt is not None:
        await ctx.say(params.prompt)
    recording = await ctx.channel.record(
        max_s=params.max_length_s, silence_s=params.silence_s, terminator=params.terminator, beep=params.beep
    )
    kept = recording.seconds >= params.min_length_s
    if kept:
        ctx.store.save_voicemail(
            {
                "mailbox": params.mailbox,
                "caller": ctx.call.caller,
                "time": ctx.clock.now().isoformat(),
                "seconds": recording.seconds,
                "language": ctx.language,
                "file": recording.file,
                "unread": True,
                "call_id": ctx.call.id,
            }
        )
    ctx.set("voicemail.seconds", recording.seconds, quiet=True)
    ctx.event("voicemail", mailbox=params.mailbox, seconds=recording.seconds, kept=kept, ended_by=recording.ended_by)
    if recording.ended_by == "hangup":
        raise Hangup("caller")
    return "saved" if kept else "empty"


NODE = NodeType(
    keyword="voicemail",
    params=Voicemail,
    exits=(
        Exit("saved", help="The message is kept in the mailbox."),
        Exit("empty", required=False, otherwise="saved", help="Nothing as long as `min_length` was recorded."),
        Exit("error", required=False),
    ),
    listens=True,
    provides=("voicemail.seconds",),
    check=check,
    designer=Designer(label="Voicemail", category="Messages", icon="voicemail", description=__doc__ or ""),
    run=run,
)
