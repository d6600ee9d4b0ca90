"""`--compare OTHER.flow`: the same day through two versions of a flow, and the difference in every figure.

Both runs use the same seed, so the same calls arrive at the same moments with the same callers, numbers,
patience and handling times (common random numbers): what differs is the flow's doing, not chance.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from callflow.flowlang.model import Flow
from callflow.runtime.capacity.result import LoadResult, QueueInterval
from callflow.runtime.capacity.run import Progress, run_load
from callflow.runtime.capacity.spec import LoadSpec
from callflow.runtime.flows import FlowSource

QUEUE_FIGURES = (
    "offered",
    "answered",
    "abandoned",
    "offer",
    "timeout",
    "service_level",
    "asa_s",
    "longest_wait_s",
    "occupancy",
    "average_queue",
    "max_queue",
)
"""The figures of a queue that a comparison sets side by side."""


@dataclass(frozen=True)
class Comparison:
    """Two runs of the same day, and what changed from the first to the second."""

    first: LoadResult
    second: LoadResult
    difference: dict[str, Any]
    """Second minus first: `calls` (outcomes, containment), `queues` (totals and intervals), `nodes` (visits)."""

    def to_json(self) -> dict[str, Any]:
        """The comparison as JSON."""
        return {"first": self.first.to_json(), "second": self.second.to_json(), "difference": self.difference}


def compare(
    spec: LoadSpec, other: Flow, progress: Progress | None = None, other_flows: FlowSource | None = None
) -> Comparison:
    """Run the day through `spec.flow`, then through `other` (its called flows from `other_flows`, by default
    where the first flow's are found), with the same random numbers."""
    first_progress = second_progress = None
    if progress is not None:
        first_progress = lambda share, calls: progress(share / 2, calls)  # noqa: E731
        second_progress = lambda share, calls: progress(0.5 + share / 2, calls)  # noqa: E731
    first = run_load(spec, first_progress)
    second = run_load(replace(spec, flow=other, flows=other_flows or spec.flows), second_progress)
    return Comparison(first, second, difference(first, second))


def difference(first: LoadResult, second: LoadResult) -> dict[str, Any]:
    """Second minus first, figure by figure (None where either has no figure)."""
    outcomes = {
        name: second.calls["outcomes"][name] - first.calls["outcomes"][name] for name in first.calls["outcomes"]
    }
    calls = {
        "arrived": second.calls["arrived"] - first.calls["arrived"],
        "outcomes": outcomes,
        "containment": _minus(second.calls["containment"], first.calls["containment"]),
    }
    queues: dict[str, Any] = {}
    for name in sorted(set(first.queues) | set(second.queues)):
        a, b = first.queues.get(name), second.queues.get(name)
        if a is None or b is None:
            continue
        queues[name] = {
            "total": _queue_difference(a.total, b.total),
            "intervals": [_queue_difference(x, y) for x, y in zip(a.intervals, b.intervals, strict=True)],
        }
    nodes: dict[str, dict[str, int]] = {}
    for flow in sorted(set(first.nodes) | set(second.nodes)):
        before, after = first.nodes.get(flow, {}), second.nodes.get(flow, {})
        changed = {
            node: after.get(node, {}).get("visits", 0) - before.get(node, {}).get("visits", 0)
            for node in list(before) + [n for n in after if n not in before]
        }
        nodes[flow] = {node: delta for node, delta in changed.items() if delta}
    return {"calls": calls, "queues": queues, "nodes": nodes}


def _queue_difference(a: QueueInterval, b: QueueInterval) -> dict[str, Any]:
    before, after = asdict(a), asdict(b)
    return {"start": a.start, **{name: _minus(after[name], before[name]) for name in QUEUE_FIGURES}}


def _minus(b: float | None, a: float | None) -> float | None:
    if a is None or b is None:
        return None
    return round(b - a, 4)
