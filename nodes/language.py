"""language: switch the call to another of the flow's languages; later prompts play in it."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.kinds import Ref
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext


@dataclass(frozen=True)
class Language:
    """Parameters of a language node."""

    language: str = param(Ref("language"), positional=True, help="The language to continue in, such as `en`.")


def check(ctx: NodeContext) -> list[Diagnostic]:
    """A call can only switch to a language the flow declares (so every prompt has it)."""
    params: Language = ctx.params
    declared = ctx.flow.languages
    if params.language in declared:
        return []
    message = f"`{ctx.node.id}` switches to `{params.language}`, which the flow does not declare in `languages`"
    if declared:
        message += f"; it declares {', '.join(declared)}"
    return [ctx.problem(codes.UNKNOWN_LANGUAGE, message, ctx.param_location("language"))]


async def run(ctx: CallContext, params: Language) -> str:
    """Every later prompt of the call is in this language."""
    ctx.call.language = params.language
    ctx.event("language", language=params.language)
    return "next"


NODE = NodeType(
    keyword="language",
    params=Language,
    exits=(Exit("next", help="After the switch."), Exit("error", required=False)),
    primary_exit="next",
    check=check,
    designer=Designer(label="Language", category="Logic", icon="languages", description=__doc__ or ""),
    run=run,
)
