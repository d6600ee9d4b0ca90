"""transfer: hand the call to a destination on the allow-list of the environment; it then leaves the flow."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang.kinds import Ref, Seconds
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param


@dataclass(frozen=True)
class Transfer:
    """Parameters of a transfer node."""

    destination: str = param(Ref("destination"), positional=True, help="The environment's destination.")
    ring_s: float = param(Seconds(5, 300), default=30, help="How long the destination may ring before `no_answer`.")
    prompt: str | None = param(Ref("prompt"), default=None, help="Played before transferring.")


NODE = NodeType(
    keyword="transfer",
    params=Transfer,
    exits=(
        Exit("failed", required=False, help="The transfer could not be made."),
        Exit("busy", required=False, otherwise="failed", help="The destination was busy."),
        Exit("no_answer", required=False, otherwise="failed", help="The destination did not answer within `ring`."),
        Exit("error", required=False),
    ),
    terminal=True,
    listens=True,
    designer=Designer(label="Transfer", category="Agents", icon="phone-forwarded", description=__doc__ or ""),
)
