"""schedule: choose the next step by the environment's business hours: open, closed or a holiday."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang.kinds import Ref
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param


@dataclass(frozen=True)
class Schedule:
    """Parameters of a schedule node."""

    schedule: str = param(Ref("schedule"), positional=True, help="The environment's schedule to consult.")


NODE = NodeType(
    keyword="schedule",
    params=Schedule,
    exits=(
        Exit("open", help="Within working hours."),
        Exit("closed", help="Outside working hours."),
        Exit("holiday", required=False, otherwise="closed", help="On a holiday of the schedule."),
        Exit("error", required=False),
    ),
    designer=Designer(label="Schedule", category="Logic", icon="clock", description=__doc__ or ""),
)
