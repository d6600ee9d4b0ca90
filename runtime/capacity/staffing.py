"""`--find-agents`: the fewest agents in each interval that meet a service-level target, found by simulation.

Every run simulates the whole day with the same seed (common random numbers: the same calls, callers, patience
and handling times), so a change of agents is the only change between two runs. A first run with agents to spare
counts the calls each queue is offered per interval; Erlang C for those calls is the first guess. Then each
interval's count is narrowed down between a count that missed the target and one that met it, all intervals at
once, one day per step. Intervals are not independent (callers still waiting at the end of one are served in the
next), so an interval that misses with a count it met with before searches upwards again, until a whole day meets
the target in every interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from callflow.runtime.capacity.erlang import agents_needed
from callflow.runtime.capacity.result import LoadResult, plain
from callflow.runtime.capacity.run import LoadSpecError, Progress, run_load
from callflow.runtime.capacity.spec import LoadSpec

SPARE_AGENTS = 100_000
"""Agents for the first run: so many that nobody waits."""

MAX_RUNS = 24
"""Days simulated at most in one search."""


@dataclass(frozen=True)
class IntervalStaffing:
    """The agents one queue needs in one interval, found by simulation, beside Erlang C's answer."""

    start: str
    agents: int
    erlang_c: int
    offered: int
    service_level: float | None
    asa_s: float | None
    occupancy: float | None
    abandoned: int


@dataclass(frozen=True)
class QueueStaffing:
    """The agents one queue needs over the day."""

    queue: str
    intervals: tuple[IntervalStaffing, ...]


@dataclass(frozen=True)
class StaffingResult:
    """What the search found, and the day simulated with it."""

    target: dict[str, float]
    queues: tuple[QueueStaffing, ...]
    runs: int
    """Days simulated."""
    met: bool
    """Whether every interval of the last run meets the target."""
    result: LoadResult
    """The day simulated with the agents found."""

    def to_json(self) -> dict[str, Any]:
        """The search as JSON."""
        return {
            "target": self.target,
            "queues": plain([asdict(queue) for queue in self.queues]),
            "runs": self.runs,
            "met": self.met,
            "result": self.result.to_json(),
        }


def find_agents(spec: LoadSpec, queues: Sequence[str], progress: Progress | None = None) -> StaffingResult:
    """The fewest agents per interval for each of `queues` that meet `spec.target`, other queues as given."""
    unknown = [name for name in queues if name not in spec.queues]
    if unknown:
        raise LoadSpecError(f"--find-agents {', '.join(unknown)}: the run has no such queue ({', '.join(spec.queues)})")
    intervals, target = spec.intervals, spec.target
    runs = 0

    def simulate(agents: dict[str, list[int]]) -> LoadResult:
        nonlocal runs
        runs += 1
        report: Progress | None = None
        if progress is not None:
            done = runs - 1
            report = lambda share, calls: progress(min((done + share) / (MAX_RUNS / 2), 0.99), calls)  # noqa: E731
        return run_load(spec.with_agents({name: tuple(counts) for name, counts in agents.items()}), report)

    pilot = simulate({name: [SPARE_AGENTS] * intervals for name in queues})
    guess = {name: _erlang_guess(spec, pilot, name) for name in queues}
    low = {name: [-1 if pilot.queues[name].intervals[i].offered else 0 for i in range(intervals)] for name in queues}
    high: dict[str, list[int | None]] = {name: [None] * intervals for name in queues}
    trial = {name: [max(g, 1) if low[name][i] < 0 else 0 for i, g in enumerate(guess[name])] for name in queues}
    for name in queues:
        for i in range(intervals):
            if low[name][i] == 0:
                high[name][i] = 0
    result = pilot
    while runs < MAX_RUNS:
        result = simulate(trial)
        settled = True
        for name in queues:
            rows = result.queues[name].intervals
            for i in range(intervals):
                count, ok = trial[name][i], target.met(rows[i].service_level)
                if ok:
                    high[name][i] = count
                else:
                    low[name][i] = count
                    if (high[name][i] or 0) <= count:  # enough before, not now: its neighbours changed
                        high[name][i] = None
                trial[name][i] = _next_trial(low[name][i], high[name][i], count)
                settled = settled and ok and trial[name][i] == count
        if settled:
            break
    met = all(target.met(row.service_level) for name in queues for row in result.queues[name].intervals)
    return StaffingResult(
        target={"percent": target.percent, "seconds": target.seconds},
        queues=tuple(_queue_staffing(spec, result, name, trial[name]) for name in queues),
        runs=runs,
        met=met,
        result=result,
    )


def _next_trial(low: int, high: int | None, current: int) -> int:
    """The next count to try between one that missed (`low`; -1: none has missed yet) and one that met (`high`;
    None: none has met yet). Below a count that met, steps of about 8 % until one misses, then halves the gap: a
    count far too low would fill the queue for hours and cost a long day to simulate."""
    if high is None:
        return max(current + 1, low + 1, math.ceil(current * 1.1))
    if low < 0:
        return max(0, high - max(1, math.ceil(high * 0.08)))
    if high - low <= 1:
        return high
    return (low + high) // 2


def _erlang_guess(spec: LoadSpec, pilot: LoadResult, queue: str) -> list[int]:
    handling_s = spec.queues[queue].handling.mean_s
    return [_erlang(row.offered, spec.report_interval_s, handling_s, spec) for row in pilot.queues[queue].intervals]


def _erlang(offered: int, interval_s: float, handling_s: float, spec: LoadSpec) -> int:
    load = offered / interval_s * handling_s
    return agents_needed(load, handling_s, spec.target.seconds, spec.target.percent / 100)


def _queue_staffing(spec: LoadSpec, result: LoadResult, queue: str, agents: list[int]) -> QueueStaffing:
    handling_s = spec.queues[queue].handling.mean_s
    rows = result.queues[queue].intervals
    return QueueStaffing(
        queue,
        tuple(
            IntervalStaffing(
                start=row.start,
                agents=count,
                erlang_c=_erlang(row.offered, spec.report_interval_s, handling_s, spec),
                offered=row.offered,
                service_level=row.service_level,
                asa_s=row.asa_s,
                occupancy=row.occupancy,
                abandoned=row.abandoned,
            )
            for row, count in zip(rows, agents, strict=True)
        ),
    )


Finder = Callable[[LoadSpec, Sequence[str], Progress | None], StaffingResult]
