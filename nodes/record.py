"""record: record the caller (a name, an answer, a whole call leg) into a file named by a variable."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.kinds import Flag, Key, Ref, Seconds
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext
from callflow.runtime.signals import Hangup


@dataclass(frozen=True, kw_only=True)  # keyword-only: the optional prompt comes before the required `into`
class Record:
    """Parameters of a record node."""

    prompt: str | None = param(
        Ref("prompt"), default=None, positional=True, help="Instructions played before the beep."
    )
    into: str = param(Ref("variable"), help="The variable that receives the recording's file name.")
    max_length_s: float = param(Seconds(1, 3600), default=120, help="The longest recording; it stops there.")
    min_length_s: float = param(Seconds(0, 60), default=1, help="Shorter recordings are not kept.")
    silence_s: float = param(Seconds(1, 60), default=5, help="This much silence ends the recording.")
    terminator: str = param(Key(), default="#", help="A key that ends the recording.")
    beep: bool = param(Flag(), default=True, help="Whether a beep marks the start of recording.")


def check(ctx: NodeContext) -> list[Diagnostic]:
    """The shortest recording kept must be shorter than the longest one made."""
    params: Record = ctx.params
    if params.min_length_s < params.max_length_s:
        return []
    where = "min_length_s" if "min_length_s" in ctx.node.params else "max_length_s"
    low, high = Seconds().encode(params.min_length_s), Seconds().encode(params.max_length_s)
    message = f"`min_length` {low} must be shorter than `max_length` {high}"
    return [ctx.problem(codes.OUT_OF_RANGE, message, ctx.param_location(where))]


async def run(ctx: CallContext, params: Record) -> str:
    """Record the caller; the recording's file name goes into `into`."""
    if params.prompt is not None:
        await ctx.say(params.prompt)
    recording = await ctx.channel.record(
        max_s=params.max_length_s, silence_s=params.silence_s, terminator=params.terminator, beep=params.beep
    )
    kept = recording.seconds >= params.min_length_s
    ctx.set("recording.seconds", recording.seconds, quiet=True)
    ctx.set(params.into, (recording.file or f"{ctx.call.id}-{ctx.node.id}.wav") if kept else "")
    ctx.event("record", seconds=recording.seconds, kept=kept, ended_by=recording.ended_by)
    if recording.ended_by == "hangup":
        raise Hangup("caller")
    return "done" if kept else "empty"


NODE = NodeType(
    keyword="record",
    params=Record,
    exits=(
        Exit("done", help="The recording's file name is in `into`."),
        Exit("empty", required=False, otherwise="done", help="Nothing as long as `min_length` was recorded."),
        Exit("error", required=False),
    ),
    listens=True,
    provides=("recording.seconds",),
    check=check,
    designer=Designer(label="Record", category="Messages", icon="circle-dot", description=__doc__ or ""),
    run=run,
)
