"""return: end a subflow with an outcome, which becomes the exit its caller takes."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang.kinds import Ref
from callflow.flowlang.nodetype import Designer, NodeType, param
from callflow.runtime.context import CallContext
from callflow.runtime.signals import Returned


@dataclass(frozen=True)
class Return:
    """Parameters of a return node."""

    outcome: str = param(Ref(), positional=True, help="The outcome, such as `ok`: the caller's exit of that name.")


async def run(ctx: CallContext, params: Return) -> str:
    """Hand the outcome back to the node that called this flow."""
    raise Returned(params.outcome)


NODE = NodeType(
    keyword="return",
    params=Return,
    exits=(),
    terminal=True,
    designer=Designer(label="Return", category="Flows", icon="corner-down-left", description=__doc__ or ""),
    run=run,
)
