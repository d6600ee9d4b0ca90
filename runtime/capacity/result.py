"""The figures of a load run, as one JSON-serialisable object: what the command prints, the report draws and the
flow service returns.

Service level is the share of the callers who left a queue (answered, hung up, took the offer or timed out) that
an agent answered within the target's seconds: callers who gave up count against it. The average speed of answer
is over the answered callers; occupancy is the agents' time talking over their time on shift.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from callflow.runtime.capacity.figures import OUTCOMES, WAIT_BIN_S, QueueFigures

if TYPE_CHECKING:
    from callflow.runtime.capacity.agents import AgentGroup
    from callflow.runtime.capacity.run import LoadRun
    from callflow.runtime.capacity.spec import LoadSpec


@dataclass(frozen=True)
class QueueInterval:
    """One queue's figures over one interval (or the whole day)."""

    start: str
    agents: float
    """Agents on shift, on average."""
    offered: int
    """Callers who joined the queue."""
    answered: int
    abandoned: int
    offer: int
    """Callers who took the flow's offer (such as a voicemail)."""
    timeout: int
    """Callers who reached the queue's `max_wait`."""
    answered_within: int
    service_level: float | None
    asa_s: float | None
    longest_wait_s: float
    occupancy: float | None
    average_queue: float
    """Callers waiting, on average."""
    max_queue: int


@dataclass(frozen=True)
class QueueResult:
    """One queue over the day."""

    name: str
    total: QueueInterval
    intervals: tuple[QueueInterval, ...]
    length: dict[str, Any]
    """Callers waiting over the day: `step_s`, and the `average` and `max` in each step."""
    waits: dict[str, Any]
    """Histograms of the waits: `bin_s`, and counts of `answered` and `abandoned` callers per bin."""


@dataclass(frozen=True)
class CallsInterval:
    """The calls that arrived in one interval, by outcome."""

    start: str
    arrived: int
    outcomes: dict[str, int]


@dataclass(frozen=True)
class LoadResult:
    """Everything a load run found."""

    flow: str
    start: str
    interval_s: float
    asked: dict[str, Any]
    """What the run was asked (the spec, as JSON)."""
    calls: dict[str, Any]
    """Arrivals, outcomes, containment, failures, calls in flight at most."""
    intervals: tuple[CallsInterval, ...]
    queues: dict[str, QueueResult]
    callers: tuple[dict[str, Any], ...]
    """Per caller type: calls and outcomes."""
    nodes: dict[str, dict[str, dict[str, Any]]]
    """Traffic per flow and node: `visits` and the count of each exit taken (the heat map's numbers)."""
    traces: tuple[dict[str, Any], ...] = ()
    """The whole traces of the first calls, when asked for (`LoadSpec.traces`), in the order they ended."""

    def to_json(self) -> dict[str, Any]:
        """The result as JSON: mappings, lists, strings, numbers, None."""
        return plain(asdict(self))  # type: ignore[no-any-return]


def plain(value: Any) -> Any:
    """A value with its tuples made lists, as JSON has them (so a result equals itself read back from JSON)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def build_result(spec: LoadSpec, run: LoadRun) -> LoadResult:
    """The result of a finished run."""
    interval_s, intervals = spec.report_interval_s, spec.intervals
    starts = [(spec.arrivals.start + timedelta(0, i * interval_s)).isoformat() for i in range(intervals)]
    end_s = intervals * interval_s
    queues = {
        name: _queue(name, run.queue_figures[name], run.groups[name], starts, interval_s, end_s) for name in spec.queues
    }
    figures = run.call_figures
    arrivals = figures.arrivals()
    totals = {outcome: sum(counts) for outcome, counts in figures.outcomes.items()}
    arrived = sum(arrivals)
    calls = {
        "arrived": arrived,
        "outcomes": totals,
        "containment": _share(totals["contained"], arrived),
        "voicemails_saved": run.store.voicemails,
        "node_errors": figures.errors,
        "fallbacks": figures.fallbacks,
        "peak_in_flight": run.peak_in_flight,
    }
    per_interval = tuple(
        CallsInterval(start, arrivals[i], {outcome: figures.outcomes[outcome][i] for outcome in OUTCOMES})
        for i, start in enumerate(starts)
    )
    callers = tuple(
        {"name": caller.name, "calls": sum(counts.values()), "outcomes": dict(counts)}
        for caller, counts in zip(spec.callers.types, figures.by_type, strict=True)
    )
    nodes: dict[str, dict[str, dict[str, Any]]] = {}
    for flow in run.flows.flows.values():
        traffic = nodes[flow.name] = {}
        for node in flow.nodes:
            exits = {edge.exit: figures.exits[flow.name, node.id, edge.exit] for edge in flow.edges_from(node.id)}
            traffic[node.id] = {"visits": figures.visits[flow.name, node.id], "exits": exits}
    for (flow_name, node_id, exit_name), count in sorted(figures.exits.items()):
        node_traffic = nodes.get(flow_name, {}).get(node_id)
        if node_traffic is not None and exit_name not in node_traffic["exits"]:
            node_traffic["exits"][exit_name] = count  # an exit that leads nowhere: the call fell back
    return LoadResult(
        flow=spec.flow.name,
        start=spec.arrivals.start.isoformat(),
        interval_s=interval_s,
        asked=spec.to_json(),
        calls=calls,
        intervals=per_interval,
        queues=queues,
        callers=callers,
        nodes=nodes,
        traces=tuple(sorted(run.traces, key=lambda trace: str(trace["call"]))),
    )


def _queue(
    name: str, figures: QueueFigures, group: AgentGroup, starts: list[str], interval_s: float, end_s: float
) -> QueueResult:
    for level in (group.waiting_level, group.busy_level, group.staffed_level):
        level.close(max(end_s, level.since))
    rows = tuple(
        _interval(figures, group, [i], start, i * interval_s, (i + 1) * interval_s) for i, start in enumerate(starts)
    )
    total = _interval(figures, group, list(range(len(starts))), starts[0], 0.0, end_s)
    length = {
        "step_s": group.waiting_level.bin_s,
        "average": group.waiting_level.averages(end_s),
        "max": group.waiting_level.peaks[: round(end_s / group.waiting_level.bin_s)],
    }
    waits = {"bin_s": WAIT_BIN_S, **{kind: _histogram(counts) for kind, counts in figures.waits.items()}}
    return QueueResult(name, total, rows, length, waits)


def _interval(
    figures: QueueFigures, group: AgentGroup, indexes: list[int], start: str, begin: float, end: float
) -> QueueInterval:
    def total(values: list[int] | list[float]) -> Any:
        return sum(values[i] for i in indexes)

    answered, within = total(figures.answered), total(figures.within)
    left = answered + total(figures.abandoned) + total(figures.offer) + total(figures.timeout)
    staffed = group.staffed_level.area(begin, end)
    return QueueInterval(
        start=start,
        agents=round(staffed / (end - begin), 3),
        offered=total(figures.offered),
        answered=answered,
        abandoned=total(figures.abandoned),
        offer=total(figures.offer),
        timeout=total(figures.timeout),
        answered_within=within,
        service_level=_share(within, left),
        asa_s=round(total(figures.wait_sum) / answered, 3) if answered else None,
        longest_wait_s=round(max((figures.longest[i] for i in indexes), default=0.0), 3),
        occupancy=round(group.busy_level.area(begin, end) / staffed, 4) if staffed else None,
        average_queue=round(group.waiting_level.area(begin, end) / (end - begin), 3),
        max_queue=group.waiting_level.peak(begin, end),
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _histogram(counts: Any) -> list[int]:
    if not counts:
        return []
    return [counts.get(i, 0) for i in range(max(counts) + 1)]
