"""The shared queues of a load run: first come first served, patience, announcements, the offer, shifts."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from load_runs import ENVIRONMENT, at, fixed, spec

from callflow.runtime.capacity.callers import CallerMix, CallerType
from callflow.runtime.capacity.run import run_load
from callflow.runtime.capacity.spec import Staffing
from callflow.runtime.simulator.script import parse_script

STRAIGHT = """\
flow straight

start: queue agents
  done -> bye

bye: hangup
"""

WAITING = """\
flow waiting
  languages en

prompt ahead
  en "There are {queue.position} callers ahead of you."

prompt offer
  en "Press 1 to leave a message."

start: queue agents
  position       ahead
  announce_every 30s
  offer          offer
  offer_after    60s
  offer_key      1
  done           -> bye
  offer          -> mailbox

mailbox: voicemail messages
  saved -> bye
  empty -> bye

bye: hangup
"""

WITH_MAILBOX = ENVIRONMENT + '\n[mailboxes.messages]\ndescription = "Messages"\n'


def one_agent(handling_s: float, agents: tuple[int, ...] = (1,)) -> dict[str, Staffing]:
    """One queue, `agents` on shift per interval, every conversation `handling_s` long."""
    return {"agents": Staffing(agents, fixed(handling_s))}


def callers(*steps: str) -> CallerMix:
    """Every caller follows the same script."""
    return CallerMix((CallerType("caller", 1.0, tuple(parse_script(list(steps)))),))


def test_callers_are_answered_first_come_first_served() -> None:
    """One agent takes the callers in the order they came, each when the one before has finished."""
    result = run_load(spec(STRAIGHT, at(0, 10, 20), one_agent(100)))
    queue = result.queues["agents"].total
    assert (queue.offered, queue.answered, queue.abandoned) == (3, 3, 0)
    assert queue.longest_wait_s == 180.0  # the third waits for two conversations of 100 s, less its 20 s
    assert queue.asa_s == 90.0  # (0 + 90 + 180) / 3
    assert queue.answered_within == 1
    assert result.calls["outcomes"]["answered"] == 3


def test_a_caller_hangs_up_when_patience_runs_out() -> None:
    """A caller who has waited as long as its patience hangs up: abandoned, and the wait counted as so long."""
    result = run_load(spec(STRAIGHT, at(0, 10), one_agent(100), patience=fixed(50)))
    queue = result.queues["agents"].total
    assert (queue.answered, queue.abandoned, queue.longest_wait_s) == (1, 1, 50.0)
    assert result.calls["outcomes"]["abandoned"] == 1
    assert result.queues["agents"].waits["abandoned"] == [0, 0, 0, 0, 0, 1]  # 50 s: the sixth bin of 10 s


def test_a_caller_answered_before_its_patience_runs_out_stays() -> None:
    """Patience only ends a wait that lasts longer than it."""
    result = run_load(spec(STRAIGHT, at(0, 10), one_agent(100), patience=fixed(91)))
    assert result.queues["agents"].total.abandoned == 0
    assert result.calls["outcomes"]["answered"] == 2


def test_position_announcements_say_how_many_callers_are_really_ahead() -> None:
    """The flow's announcement counts the callers ahead in the shared queue, every `announce_every`."""
    run = spec(WAITING, at(0, 1, 2, 3), one_agent(1000), env=WITH_MAILBOX, traces=4, limit_s=200)
    result = run_load(run)
    heard = {
        trace["call"]: [event["text"] for event in trace["events"] if event["event"] == "prompt"]
        for trace in result.traces
    }
    two, offer = "There are 2 callers ahead of you.", "Press 1 to leave a message."
    assert heard["load-0000004"][:5] == [two, two, offer, two, two]  # at 0, 30 and 60 s (the offer first), 90
    assert heard["load-0000003"][:2] == ["There are 1 callers ahead of you."] * 2
    assert [text for text in heard["load-0000002"] if "ahead" in text] == []  # next in line: no count to hear


def test_a_caller_takes_the_flows_offer_when_its_script_presses_the_key() -> None:
    """After `offer_after` the offer is played; a caller whose next step is the offer key leaves for voicemail."""
    run = spec(WAITING, at(0, 5), one_agent(1000), callers=callers("dtmf:1"), env=WITH_MAILBOX, limit_s=2000)
    result = run_load(run)
    queue = result.queues["agents"].total
    assert (queue.answered, queue.offer) == (1, 1)
    assert result.calls["outcomes"]["voicemail"] == 1
    assert result.nodes["waiting"]["start"]["exits"]["offer"] == 1


def test_a_caller_with_nothing_to_press_stays_after_the_offer() -> None:
    """A silent caller lets the offer pass and is answered when the agent is free."""
    run = spec(WAITING, at(0, 5), one_agent(300), env=WITH_MAILBOX, limit_s=2000)
    result = run_load(run)
    queue = result.queues["agents"].total
    assert (queue.answered, queue.offer, queue.abandoned) == (2, 0, 0)


def test_a_scripted_hang_up_while_waiting_is_an_abandoned_call() -> None:
    """A caller whose script hangs up does so a reaction time after joining, as in `callflow simulate`."""
    result = run_load(spec(STRAIGHT, at(0, 10), one_agent(100), callers=callers("hangup")))
    queue = result.queues["agents"].total
    assert (queue.answered, queue.abandoned) == (1, 1)
    assert queue.longest_wait_s == 1.0


def test_agents_off_shift_finish_their_conversation_and_take_no_one_else() -> None:
    """When the next interval has fewer agents, a busy agent ends the conversation, then leaves."""
    run = spec(STRAIGHT, at(3500, 3550, hours=2), one_agent(200, agents=(1, 0)), limit_s=1000)
    result = run_load(run)
    rows = result.queues["agents"].intervals
    assert rows[0].answered == 1  # the first caller talks on past the end of the shift
    assert result.calls["outcomes"] == {**dict.fromkeys(result.calls["outcomes"], 0), "answered": 1, "time_limit": 1}
    assert rows[1].agents == 0.0


def test_a_caller_still_waiting_at_the_time_limit_ends_there() -> None:
    """The per-call time limit ends a wait that nothing else would end."""
    result = run_load(spec(STRAIGHT, at(0, 1), one_agent(5000), limit_s=600))
    assert result.calls["outcomes"]["time_limit"] == 1
    assert result.queues["agents"].total.abandoned == 1


def test_occupancy_is_the_agents_time_talking_over_their_time_on_shift() -> None:
    """Three conversations of 600 s in an hour with two agents on shift: a quarter of their time."""
    result = run_load(spec(STRAIGHT, at(0, 0, 1200), one_agent(600, agents=(2,))))
    assert result.queues["agents"].intervals[0].occupancy == 0.25


def test_an_unknown_queue_cannot_be_left_without_agents() -> None:
    """A run refuses to start when a queue the flow waits in has no agents."""
    from callflow.runtime.capacity.run import LoadSpecError

    try:
        run_load(spec(STRAIGHT, at(0), {}))
    except LoadSpecError as error:
        assert "agents=N" in str(error)
    else:
        raise AssertionError("a queue without agents was accepted")


COUNTING = """\
flow counting

start: lookup calls
  query     "insert into calls (caller) values (:caller) returning id"
  params    caller = caller
  found     -> wait
  not_found -> wait
  error     -> wait

wait: queue agents
  done -> bye

bye: hangup
"""


def test_lookups_that_write_leave_the_data_as_it_was(tmp_path: Path) -> None:
    """A run writes to a private copy of each SQLite source: every call's insert succeeds, the file is unchanged."""
    database = tmp_path / "calls.sqlite"
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("create table calls (id integer primary key, caller text)")
    before = database.read_bytes()
    env = ENVIRONMENT + f'\n[sources.calls]\ntype = "sqlite"\npath = "{database}"\n'
    result = run_load(spec(COUNTING, at(0, 1, 2), one_agent(10, agents=(3,)), env=env))
    assert result.nodes["counting"]["start"]["exits"] == {"found": 3, "not_found": 0, "error": 0}
    assert result.calls["node_errors"] == 0
    assert database.read_bytes() == before
