"""branch: choose the next step by conditions (`when ... -> x`, `else -> y`) or by value (`case "en" -> x`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.evaluation import is_truthy, values_equal
from callflow.flowlang.expression_kinds import Expression, Literal
from callflow.flowlang.nodetype import Designer, Exit, ExitFamily, NodeType, param
from callflow.runtime.context import CallContext


@dataclass(frozen=True)
class Branch:
    """Parameters of a branch node: with a `value`, it is a switch on that value's cases."""

    value: str | None = param(Expression(), default=None, positional=True, help="Switch on this value.")


def check(ctx: NodeContext) -> list[Diagnostic]:
    """A switch uses `case` exits only; an if/else chain uses `when` exits only."""
    params: Branch = ctx.params
    wrong = "when" if params.value is not None else "case"
    right = "case" if params.value is not None else "when"
    return [
        ctx.problem(
            codes.UNKNOWN_EXIT,
            f"`{edge.exit.split(' ', 1)[0]}` exits belong to a branch "
            + ("without a value" if wrong == "when" else "with a value (`branch VALUE`)")
            + f"; use `{right}`",
            edge.location,
        )
        for edge in ctx.edges
        if edge.exit.startswith(wrong + " ")
    ]


def _exits(ctx: CallContext, params: Branch) -> tuple[tuple[str, str], ...]:
    """The node's `when` exits with their conditions (`case` exits with their values, for a switch), in order."""
    word = "when " if params.value is None else "case "
    return tuple((e.exit, e.exit.removeprefix(word)) for e in ctx.edges() if e.exit.startswith(word))


async def run(ctx: CallContext, params: Branch) -> str:
    """The first `when` that holds, or the `case` equal to the value; `else` otherwise."""
    exits = ctx.prepared(_exits, params)
    if params.value is None:
        for exit_name, condition in exits:
            if is_truthy(ctx.evaluate(condition)):
                return exit_name
        return "else"
    value = ctx.evaluate(params.value)
    for exit_name, case in exits:
        if values_equal(value, json.loads(case)):
            return exit_name
    return "else"


NODE = NodeType(
    keyword="branch",
    params=Branch,
    exits=(Exit("else", help="When no condition or case matches."), Exit("error", required=False)),
    families=(
        ExitFamily("when", Expression(), groupable=False, help="Taken when the condition holds; first match wins."),
        ExitFamily("case", Literal(), help="Taken when the value equals this constant."),
    ),
    check=check,
    designer=Designer(label="Branch", category="Logic", icon="git-branch", description=__doc__ or ""),
    run=run,
)
