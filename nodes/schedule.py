"""schedule: choose the next step by the environment's business hours: open, closed or a holiday."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang.kinds import Ref
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.runtime.context import CallContext
from callflow.runtime.signals import RuntimeFailure


@dataclass(frozen=True)
class Schedule:
    """Parameters of a schedule node."""

    schedule: str = param(Ref("schedule"), positional=True, help="The environment's schedule to consult.")


async def run(ctx: CallContext, params: Schedule) -> str:
    """`open`, `closed` or `holiday`, at the call's moment in the schedule's time zone."""
    schedule = ctx.environment.schedules.get(params.schedule)
    if schedule is None:
        raise RuntimeFailure(f"the environment has no schedule `{params.schedule}`")
    state = schedule.state_at(ctx.clock.now())
    ctx.event("schedule", schedule=params.schedule, state=state)
    return state


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
    run=run,
)
