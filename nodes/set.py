"""set: give variables new values from expressions, optionally saving them with the call record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import FlowContext, NodeContext
from callflow.flowlang.check.graph import flow_graph
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.expression import Binary, ExpressionError, parse_expression, variables, walk
from callflow.flowlang.expression_kinds import Assignments
from callflow.flowlang.kinds import Flag
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext
from callflow.runtime.trace import MASK


@dataclass(frozen=True)
class Set:
    """Parameters of a set node."""

    values: Mapping[str, str] = param(
        Assignments(targets="variable"), positional=True, help="`name = expression` pairs, set in order."
    )
    save: bool = param(Flag(), default=False, help="Whether the values are also stored with the call record.")


def check(ctx: NodeContext) -> list[Diagnostic]:
    """In a loop, an assignment that squares or doubles its own variable (`n = n * n`, `s = s + s`) passes the
    limits of a value within a few rounds: a warning, since the call would then take the error path."""
    params: Set = ctx.params
    growing = [(name, text) for name, text in params.values.items() if _grows_itself(name, text)]
    if not growing:  # the loops are looked for only then: networkx loads for few flows (flowlang/check/graph.py)
        return []
    if ctx.node.id not in ctx.flow_context.memo("nodes in loops", lambda: _nodes_in_loops(ctx.flow_context)):
        return []
    return [
        ctx.problem(
            codes.GROWING_VALUE,
            f"`{name} = {text}` squares or doubles `{name}` each time round a loop through `{ctx.node.id}`; within "
            "a few rounds it passes the limits of a value (64-bit numbers, 65,536 characters) and `set` fails",
            ctx.param_location("values"),
        )
        for name, text in growing
    ]


def _nodes_in_loops(ctx: FlowContext) -> frozenset[str]:
    import networkx as nx  # loads when a flow is checked, not with every command

    graph = flow_graph(ctx)
    looping = [
        component
        for component in nx.strongly_connected_components(graph)
        if len(component) > 1 or any(graph.has_edge(node, node) for node in component)
    ]
    return frozenset().union(*looping)


def _grows_itself(name: str, text: str) -> bool:
    """Whether `text` adds or multiplies two parts that both read `name`."""
    try:
        expr = parse_expression(text)
    except ExpressionError:  # reported by the parameter's own check
        return False
    return any(
        isinstance(part, Binary) and part.op in ("*", "+") and name in variables(part.left) & variables(part.right)
        for part in walk(expr)
    )


async def run(ctx: CallContext, params: Set) -> str:
    """Evaluate each expression in order and set its variable; with `save`, keep the values with the call."""
    for name, expression in params.values.items():
        ctx.set(name, ctx.evaluate(expression))
    if params.save:
        saved = {name: ctx.get(name) for name in params.values}
        ctx.store.save_values(ctx.call.id, saved)
        ctx.values_event("save", values={k: MASK if ctx.is_secret(k) else v for k, v in saved.items()})
    return "next"


NODE = NodeType(
    keyword="set",
    params=Set,
    exits=(Exit("next", help="After the values are set."), Exit("error", required=False)),
    primary_exit="next",
    check=check,
    designer=Designer(label="Set", category="Logic", icon="variable", description=__doc__ or ""),
    run=run,
)
