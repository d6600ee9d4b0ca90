"""collect: play a prompt and collect digits typed on the keypad, with retries for silence and short input."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.kinds import Flag, Integer, Key, Ref, Seconds
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext
from callflow.runtime.keypad import read_digits


@dataclass(frozen=True)
class Collect:
    """Parameters of a collect node."""

    prompt: str = param(Ref("prompt"), positional=True, help="The prompt asking for the digits.")
    into: str = param(Ref("variable"), help="The variable that receives the digits.")
    min_digits: int = param(Integer(1, 32), default=1, help="Fewer digits than this count as a mistake.")
    max_digits: int = param(Integer(1, 32), default=32, help="Collection stops at this many digits.")
    terminator: str | None = param(Key(), default=None, help='A key that ends the input early, such as "#".')
    timeout_s: float = param(Seconds(1, 60), default=5, help="How long to wait for the first digit.")
    inter_digit_timeout_s: float = param(Seconds(0.5, 30), default=3, help="How long to wait between digits.")
    retry_prompt: str | None = param(Ref("prompt"), default=None, word="retry", help="Played on later attempts.")
    no_input: str | None = param(Ref("prompt"), default=None, help="Played when the caller types nothing.")
    max_no_input: int = param(Integer(1, 10), default=3, help="Silences allowed before `failed`.")
    no_match: str | None = param(Ref("prompt"), default=None, help="Played when fewer than `min_digits` come.")
    max_no_match: int = param(Integer(1, 10), default=3, help="Short inputs allowed before `failed`.")
    barge_in: bool = param(Flag(), default=True, help="Whether a key press interrupts the prompt.")
    secret: bool = param(Flag(), default=False, help="Whether the digits are masked in traces and logs.")


def check(ctx: NodeContext) -> list[Diagnostic]:
    """A collect node cannot need more digits than it accepts."""
    params: Collect = ctx.params
    if params.min_digits <= params.max_digits:
        return []
    where = "min_digits" if "min_digits" in ctx.node.params else "max_digits"
    message = f"`min_digits` {params.min_digits} is more than `max_digits` {params.max_digits}"
    return [ctx.problem(codes.OUT_OF_RANGE, message, ctx.param_location(where))]


async def run(ctx: CallContext, params: Collect) -> str:
    """Ask for digits until enough arrive; separate counts for silence and too few digits."""
    secret = params.secret or ctx.is_secret(params.into)
    no_input = no_match = 0
    prompt = params.prompt
    while True:
        ctx.tracer.mask_input = secret  # keys pressed during the prompt are the secret's first digits
        try:
            await ctx.say(prompt, barge_in=params.barge_in)
            digits = await read_digits(
                ctx,
                max_digits=params.max_digits,
                timeout_s=params.timeout_s,
                inter_digit_timeout_s=params.inter_digit_timeout_s,
                terminator=params.terminator,
            )
        finally:
            ctx.tracer.mask_input = False
        if digits is not None and len(digits) >= params.min_digits:
            ctx.set(params.into, digits)
            ctx.set("collect.status", "done", quiet=True)
            return "done"
        if digits is None:
            no_input += 1
            status, reached, sorry = "no_input", no_input >= params.max_no_input, params.no_input
        else:
            no_match += 1
            status, reached, sorry = "no_match", no_match >= params.max_no_match, params.no_match
        ctx.set("collect.status", status, quiet=True)
        if reached:
            return "failed"
        ctx.channel.flush_keys()
        if sorry is not None:
            await ctx.say(sorry, barge_in=params.barge_in)
        prompt = params.retry_prompt or params.prompt


NODE = NodeType(
    keyword="collect",
    params=Collect,
    exits=(
        Exit("done", help="The digits are stored in `into`."),
        Exit("failed", help="Too many silences or short inputs."),
        Exit("error", required=False),
    ),
    listens=True,
    provides=("collect.status",),
    check=check,
    designer=Designer(label="Collect digits", category="Input", icon="hash", description=__doc__ or ""),
    run=run,
)
