"""subflow: call another flow with inputs, take back its outputs, and go on by the outcome it returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from callflow.flowlang.kinds import Assignments, Ref, RefList
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param


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


NODE = NodeType(
    keyword="subflow",
    params=Subflow,
    exits=(Exit("error", required=False),),
    open_exits=True,
    designer=Designer(label="Subflow", category="Flows", icon="workflow", description=__doc__ or ""),
)
