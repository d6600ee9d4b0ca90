"""say: play a prompt (spoken text or an audio file) to the caller, then go on."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang.kinds import Flag, Ref
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext


@dataclass(frozen=True)
class Say:
    """Parameters of a say node."""

    prompt: str = param(Ref("prompt"), positional=True, help="The prompt to play.")
    barge_in: bool = param(Flag(), default=False, help="Whether a key press stops the prompt.")


async def run(ctx: CallContext, params: Say) -> str:
    """Play the prompt; a key pressed during it stays typed ahead for what comes next."""
    await ctx.say(params.prompt, barge_in=params.barge_in)
    return "next"


NODE = NodeType(
    keyword="say",
    params=Say,
    exits=(Exit("next", help="After the prompt has played."), Exit("error", required=False)),
    primary_exit="next",
    designer=Designer(label="Say", category="Prompts", icon="message-circle", description=__doc__ or ""),
    run=run,
)
