"""subflow: call another flow with inputs, take back its outputs, and go on by the outcome it returns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.check.subflows import call_cycle, load_called_flow
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.expression_kinds import Assignments
from callflow.flowlang.kinds import Ref, RefList
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext


@dataclass(frozen=True)
class Subflow:
    """Parameters of a subflow node."""

    flow: str = param(
        Ref("flow"), positional=True, help="The called flow: `NAME.flow` or `NAME.flow.json` next to this file."
    )
    inputs: Mapping[str, str] | None = param(
        Assignments(), default=None, word="in", help="The called flow's inputs: `input = expression`."
    )
    outputs: tuple[str, ...] | None = param(
        RefList("variable"), default=None, word="out", help="Outputs copied into variables of the same name."
    )


def check(ctx: NodeContext) -> list[Diagnostic]:
    """The call matches the called flow: its inputs, its outputs and the outcomes it returns."""
    params: Subflow = ctx.params
    around = ctx.flow_context
    callee = load_called_flow(params.flow, around.flows)
    if callee is None or call_cycle(around) is not None:
        return []  # reported by the subflow checks: not found, not well-formed, or calling in a circle
    name, node = params.flow, ctx.node.id
    problems = []
    given = dict(params.inputs or {})
    for missing in [i for i in callee.inputs if i not in given]:
        message = f"`{node}` calls `{name}` without its input `{missing}`; add `in {missing} = ...`"
        problems.append(ctx.problem(codes.SUBFLOW_INPUT, message, ctx.param_location("inputs")))
    for extra in [i for i in given if i not in callee.inputs]:
        message = f"`{name}` has no input `{extra}`; its inputs are {_names(callee.inputs)}"
        problems.append(ctx.problem(codes.SUBFLOW_INPUT, message, ctx.param_location("inputs")))
    for extra in [o for o in params.outputs or () if o not in callee.outputs]:
        message = f"`{name}` has no output `{extra}`; its outputs are {_names(callee.outputs)}"
        problems.append(ctx.problem(codes.SUBFLOW_OUTPUT, message, ctx.param_location("outputs")))
    outcomes = [str(n.params.get("outcome")) for n in callee.nodes if n.type == "return"]
    wired = {e.exit for e in ctx.edges}
    for edge in ctx.edges:
        if edge.exit != "error" and edge.exit not in outcomes:
            message = f"`{name}` never returns `{edge.exit}`; it returns {_names(dict.fromkeys(outcomes))}"
            problems.append(ctx.problem(codes.SUBFLOW_EXIT, message, edge.location))
    for outcome in dict.fromkeys(o for o in outcomes if o not in wired):
        message = f"`{name}` can return `{outcome}`, but `{node}` has no `{outcome} -> node_id`"
        problems.append(ctx.problem(codes.UNWIRED_EXIT, message))
    return problems


def _names(names: Iterable[str]) -> str:
    listed = [f"`{n}`" for n in names]
    return ", ".join(listed) if listed else "none"


async def run(ctx: CallContext, params: Subflow) -> str:
    """Run the called flow with its inputs; copy its outputs back; go on by the outcome it returns."""
    given = params.inputs or {}
    inputs = {name: ctx.evaluate(expression) for name, expression in given.items()}
    secret = frozenset(name for name, expression in given.items() if ctx.reads_secret(expression))
    ctx.event("subflow", flow=params.flow)
    outcome, frame = await ctx.engine.call_subflow(ctx, params.flow, inputs, secret)
    for name in params.outputs or ():
        ctx.set(name, frame.variables.get(name))
    return outcome


NODE = NodeType(
    keyword="subflow",
    params=Subflow,
    exits=(Exit("error", required=False),),
    open_exits=True,
    check=check,
    designer=Designer(label="Subflow", category="Flows", icon="workflow", description=__doc__ or ""),
    run=run,
)
