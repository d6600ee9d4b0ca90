"""A day at the reference hotline under load: every call accounted for, figures that move the right way,
the same day for the same seed, memory held by the calls in flight only."""

from __future__ import annotations

import json
import threading
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest
from load_runs import MONDAY, exponential

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.flowlang.registry import default_registry
from callflow.runtime.capacity.arrivals import poisson
from callflow.runtime.capacity.callers import read_mix
from callflow.runtime.capacity.figures import OUTCOMES
from callflow.runtime.capacity.result import LoadResult
from callflow.runtime.capacity.run import run_load
from callflow.runtime.capacity.spec import LoadSpec, Staffing
from callflow.runtime.flows import FlowLibrary

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def hotline(agents: int, *, calls_per_hour: float = 900, hours: float = 2, seed: int = 1) -> LoadSpec:
    """The hotline on a Monday morning with the shipped caller mix; `agents` in the main queue, a third of them
    in the local one."""
    flow = load_file(EXAMPLES / "hotline_12345.flow").flow
    assert flow is not None
    return LoadSpec(
        flow=flow,
        environment=load_environment(EXAMPLES / "callflow.toml"),
        arrivals=poisson(MONDAY, calls_per_hour, hours * 3600, 1800),
        queues={
            "hotline": Staffing((agents,), exponential(240)),
            "hotline-local": Staffing((max(1, agents // 3),), exponential(240)),
        },
        patience=exponential(150),
        callers=read_mix(EXAMPLES / "load" / "hotline-callers.yaml"),
        flows=FlowLibrary(EXAMPLES, default_registry()),
        directory=EXAMPLES,
        seed=seed,
    )


@pytest.fixture(scope="module")
def day() -> LoadResult:
    """Two busy hours with too few agents."""
    return run_load(hotline(20))


def test_every_arrival_ends_exactly_once_in_one_outcome(day: LoadResult) -> None:
    """Outcomes add up to the arrivals, overall, per interval and per caller type."""
    arrived = day.calls["arrived"]
    assert arrived > 1500
    assert sum(day.calls["outcomes"].values()) == arrived
    assert [sum(row.outcomes.values()) for row in day.intervals] == [row.arrived for row in day.intervals]
    assert sum(row.arrived for row in day.intervals) == arrived
    assert sum(caller["calls"] for caller in day.callers) == arrived
    assert day.nodes["hotline_12345"]["start"]["visits"] == arrived
    assert all(day.calls["outcomes"][name] > 0 for name in ("answered", "abandoned", "voicemail", "contained"))


def test_every_caller_offered_to_a_queue_leaves_it_exactly_once(day: LoadResult) -> None:
    """In each queue and interval: offered = answered + abandoned + took the offer + timed out."""
    for queue in day.queues.values():
        for row in [*queue.intervals, queue.total]:
            assert row.offered == row.answered + row.abandoned + row.offer + row.timeout
        assert sum(queue.waits["answered"]) == queue.total.answered
        assert sum(queue.waits["abandoned"]) == queue.total.abandoned
    offered = sum(queue.total.offered for queue in day.queues.values())
    nodes = day.nodes["hotline_12345"]
    assert offered == nodes["local_queue"]["visits"] + nodes["main_queue"]["visits"]
    answered = sum(queue.total.answered for queue in day.queues.values())
    assert answered == day.calls["outcomes"]["answered"] == nodes["survey"]["visits"]


def test_voicemail_counts_the_callers_who_reached_the_mailbox(day: LoadResult) -> None:
    """The offer taken in a queue and the menu's mailbox key both end in voicemail; messages left are counted."""
    nodes = day.nodes["hotline_12345"]
    assert day.calls["outcomes"]["voicemail"] == nodes["mailbox"]["visits"]
    took_offer = sum(queue.total.offer for queue in day.queues.values())
    assert took_offer > 0
    assert nodes["mailbox"]["visits"] == took_offer + nodes["main_menu"]["exits"]["key 3"]
    assert day.calls["voicemails_saved"] == nodes["mailbox"]["exits"]["saved"]


def test_figures_move_the_right_way_as_agents_are_added() -> None:
    """More agents, the same callers: service level up, waits and abandonment down, occupancy down."""
    runs = [run_load(hotline(agents)) for agents in (14, 20, 28)]
    totals = [run.queues["hotline"].total for run in runs]
    levels = [t.service_level or 0 for t in totals]
    assert levels == sorted(levels) and levels[0] < levels[-1]
    assert [t.asa_s or 0 for t in totals] == sorted((t.asa_s or 0 for t in totals), reverse=True)
    assert [t.abandoned for t in totals] == sorted((t.abandoned for t in totals), reverse=True)
    assert [t.occupancy or 0 for t in totals] == sorted((t.occupancy or 0 for t in totals), reverse=True)
    assert [run.calls["outcomes"]["answered"] for run in runs] == sorted(
        run.calls["outcomes"]["answered"] for run in runs
    )
    assert len({run.calls["arrived"] for run in runs}) == 1  # the same calls in every run


def test_the_same_seed_gives_the_same_day(day: LoadResult) -> None:
    """A run is deterministic: the same seed gives the same figures, byte for byte; another seed, other calls."""
    again = run_load(hotline(20))
    assert json.dumps(again.to_json()) == json.dumps(day.to_json())
    other = run_load(hotline(20, seed=2))
    assert other.calls["arrived"] != day.calls["arrived"]


def test_memory_is_held_by_the_calls_in_flight_not_the_calls_simulated() -> None:
    """Ten times the calls at the same rate (and about as many in flight at once) take about the same memory at
    their peak: nothing is kept per call once it has ended."""

    def peak(hours: float) -> int:
        spec = hotline(60, hours=hours)
        run_load(replace(spec, arrivals=poisson(MONDAY, 600, 600, 600)))  # flows, prompts and caches made once
        tracemalloc.start()
        try:
            run_load(spec)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    short, long = peak(0.25), peak(2.5)
    assert long < short * 1.5, (short, long)


def test_a_run_reports_its_progress_from_a_worker_thread() -> None:
    """The service's way: a run in a thread, told its progress, returns an object that is JSON."""
    seen: list[tuple[float, int]] = []
    results: list[LoadResult] = []

    def work() -> None:
        results.append(run_load(hotline(20, hours=0.5), lambda share, calls: seen.append((share, calls))))

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=600)
    assert results, "the run did not finish"
    shares = [share for share, _ in seen]
    assert shares == sorted(shares) and shares[-1] == 1.0 and len(shares) > 10
    assert seen[-1][1] == results[0].calls["arrived"]
    assert json.loads(json.dumps(results[0].to_json()))["calls"]["arrived"] == results[0].calls["arrived"]


def test_an_error_raised_by_the_progress_callback_stops_the_run() -> None:
    """A service cancels a run by raising from its progress callback."""

    class Cancelled(Exception):
        """The run was cancelled."""

    def cancel(share: float, calls: int) -> None:
        if share > 0.2:
            raise Cancelled

    with pytest.raises(Cancelled):
        run_load(hotline(20, hours=0.5), cancel)


def test_outcomes_are_the_documented_ones(day: LoadResult) -> None:
    """The outcomes in the figures are exactly the documented list, in its order."""
    assert list(day.calls["outcomes"]) == list(OUTCOMES)
