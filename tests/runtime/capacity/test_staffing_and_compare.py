"""`--find-agents` next to Erlang C, and `--compare` with common random numbers."""

from __future__ import annotations

from dataclasses import replace

import pytest
from load_runs import MONDAY, exponential, flow, straight_spec

from callflow.runtime.capacity.arrivals import Arrivals
from callflow.runtime.capacity.compare import compare
from callflow.runtime.capacity.erlang import agents_needed, average_speed_of_answer, erlang_c, service_level
from callflow.runtime.capacity.run import LoadSpecError, run_load
from callflow.runtime.capacity.spec import ServiceTarget
from callflow.runtime.capacity.staffing import find_agents


def test_erlang_c_gives_the_textbook_figures() -> None:
    """The product's Erlang C (used beside the simulation) matches published tables: 10 Erlangs, 12 agents."""
    assert round(erlang_c(12, 10), 4) == 0.4494
    assert round(service_level(12, 10, 180, 20), 4) == 0.6402
    assert round(average_speed_of_answer(12, 10, 180), 2) == 40.44
    assert agents_needed(10, 180, 20, 0.8) == 14
    assert erlang_c(10, 10) == 1.0 and average_speed_of_answer(10, 10, 180) == float("inf")


def test_the_agents_found_meet_the_target_in_every_interval_and_are_close_to_erlang_c() -> None:
    """For a flow straight into a queue (Erlang C's own case), the search lands within an agent or two of Erlang
    C's answer in each interval, meets the target everywhere, and no interval has agents to spare."""
    day = replace(
        straight_spec(10, 14, calls=0),
        arrivals=Arrivals(MONDAY, 3600, (150.0, 400.0, 250.0)),  # 7.5, 20 and 12.5 Erlangs of 180 s calls
        target=ServiceTarget(80, 20),
    )
    search = find_agents(day, ["agents"])
    rows = search.queues[0].intervals
    assert search.met
    assert all(day.target.met(row.service_level) for row in rows)
    assert [row.erlang_c for row in rows] == [agents_needed(row.offered / 3600 * 180, 180, 20, 0.8) for row in rows]
    assert all(abs(row.agents - row.erlang_c) <= 2 for row in rows), [(r.agents, r.erlang_c) for r in rows]
    fewer = [list(r.agents for r in rows) for _ in rows]
    for index, counts in enumerate(fewer):  # one agent fewer in any interval misses the target there
        counts[index] -= 1
        tried = run_load(day.with_agents({"agents": tuple(counts)}))
        assert not day.target.met(tried.queues["agents"].intervals[index].service_level), index


def test_the_search_refuses_a_queue_the_flow_does_not_use() -> None:
    """Only queues of the run can be searched."""
    with pytest.raises(LoadSpecError, match="no such queue"):
        find_agents(straight_spec(10, 12, calls=100), ["elsewhere"])


LONG_GREETING = """\
flow straight
  languages en

prompt hello
  en "Welcome to the line. Calls may be recorded for quality and training purposes. Please hold on."

start: say hello -> wait

wait: queue agents
  done -> bye

bye: hangup
"""


def test_comparing_a_flow_with_itself_shows_no_difference() -> None:
    """The same flow twice with the same seed: the same calls, the same figures, nothing changed."""
    comparison = compare(straight_spec(10, 12, calls=2000), flow())
    difference = comparison.difference
    assert set(difference["calls"]["outcomes"].values()) == {0}
    assert all(
        value in (0, 0.0, None) for key, value in difference["queues"]["agents"]["total"].items() if key != "start"
    )
    assert comparison.first.to_json() == comparison.second.to_json()


def test_a_comparison_sees_the_flows_difference_with_the_same_callers() -> None:
    """Putting a greeting before the queue: the same calls arrive, and every one joins the queue later; with
    common random numbers the waits differ only through the flow."""
    comparison = compare(straight_spec(10, 12, calls=3000, patience=exponential(120)), flow(LONG_GREETING))
    first, second = comparison.first, comparison.second
    assert first.calls["arrived"] == second.calls["arrived"]
    assert second.nodes["straight"]["start"]["visits"] == second.calls["arrived"]
    assert comparison.difference["nodes"]["straight"]["wait"] == second.calls["arrived"]
    # the greeting delays every call by the same few seconds: nearly the same queue, shifted in time
    assert abs(comparison.difference["queues"]["agents"]["total"]["offered"]) <= 5
    assert abs(comparison.difference["calls"]["outcomes"]["abandoned"]) < first.calls["outcomes"]["abandoned"] * 0.25
