"""ask: play a question and take the caller's spoken answer, recognised offline, with retries."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.check.resources import environment_name
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.kinds import Integer, Ref, Seconds, TextList
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext
from callflow.speech.model import languages_without_model


@dataclass(frozen=True)
class Ask:
    """Parameters of an ask node."""

    prompt: str = param(Ref("prompt"), positional=True, help="The question.")
    into: str = param(Ref("variable"), help="The variable that receives the recognised text.")
    expect: tuple[str, ...] | None = param(
        TextList(), default=None, help="The phrases the recogniser listens for; any speech when not given."
    )
    timeout_s: float = param(Seconds(1, 60), default=5, help="How long to wait for the caller to start speaking.")
    max_speech_s: float = param(Seconds(1, 60), default=10, help="The longest answer listened to.")
    no_input: str | None = param(Ref("prompt"), default=None, help="Played when the caller says nothing.")
    max_no_input: int = param(Integer(1, 10), default=3, help="Silences allowed before `failed`.")
    no_match: str | None = param(Ref("prompt"), default=None, help="Played when the answer is not understood.")
    max_no_match: int = param(Integer(1, 10), default=3, help="Answers not understood allowed before `failed`.")
    min_confidence: int = param(
        Integer(0, 100), default=50, help="Percent: answers recognised with less confidence count as not understood."
    )


def check(ctx: NodeContext) -> list[Diagnostic]:
    """A question has a recognition model for each of the flow's languages."""
    environment = ctx.flow_context.environment
    if environment is None:  # without an environment, W402 says resources are unchecked
        return []
    missing = ctx.flow_context.memo(
        "speech.missing_models", lambda: languages_without_model(environment, ctx.flow.languages)
    )
    if not missing:
        return []
    message = (
        f"`{ctx.node.id}` listens for speech, but no recognition model is set for {', '.join(missing)}; "
        f"add it under [speech.models] in {environment_name(ctx.flow_context)}; until then answers are not recognised"
    )
    return [ctx.problem(codes.NO_SPEECH_MODEL, message)]


async def run(ctx: CallContext, params: Ask) -> str:
    """Ask until an answer is understood well enough; separate counts for silence and answers not understood."""
    no_input = no_match = 0
    while True:
        await ctx.say(params.prompt, barge_in=True)
        heard = await ctx.channel.listen(params.expect or (), ctx.language, params.timeout_s, params.max_speech_s)
        understood = (
            heard is not None
            and bool(heard.text)
            and heard.confidence * 100 >= params.min_confidence
            and (not params.expect or heard.text in params.expect)
        )
        if heard is not None and understood:
            ctx.set(params.into, heard.text)
            ctx.set("ask.text", heard.text, quiet=True)
            ctx.set("ask.confidence", round(heard.confidence * 100), quiet=True)
            return "done"
        if heard is None:
            no_input += 1
            reached, sorry = no_input >= params.max_no_input, params.no_input
        else:
            no_match += 1
            reached, sorry = no_match >= params.max_no_match, params.no_match
        if reached:
            return "failed"
        if sorry is not None:
            await ctx.say(sorry)


NODE = NodeType(
    keyword="ask",
    params=Ask,
    exits=(
        Exit("done", help="The answer is stored in `into`."),
        Exit("failed", help="Too many silences or answers not understood."),
        Exit("error", required=False),
    ),
    listens=True,
    provides=("ask.text", "ask.confidence"),
    check=check,
    designer=Designer(label="Ask", category="Input", icon="mic", description=__doc__ or ""),
    run=run,
)
