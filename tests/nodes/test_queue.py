"""The `queue` node type: wait in a queue for an agent."""

from __future__ import annotations

import asyncio
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flowtools import FlowTools

from callflow.flowlang.check import check_flow
from callflow.flowlang.environment import load_environment, load_environment_text
from callflow.flowlang.loader import dump
from callflow.flowlang.registry import Registry
from callflow.nodes import hangup, queue, say
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import parse_script

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (queue, say, hangup)})
EXAMPLES = Path(__file__).parents[2] / "examples"


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

prompt position
  en "There are {queue.position} callers ahead of you."

prompt offer
  en "To leave a message instead, press 1."

prompt thanks
  en "Thank you."

agents: queue hotline
  position       position
  announce_every 30s
  music          "default"
  offer          offer
  offer_after    180s
  offer_key      1
  max_wait       600s
  done           -> survey
  offer          -> mailbox
  timeout        -> mailbox

survey: say thanks -> bye

mailbox: say thanks -> bye

bye: hangup
"""

MINIMAL = """\
flow t

agents: queue hotline
  done -> bye

bye: hangup
"""


def test_queue_parses_and_round_trips() -> None:
    """A queue with announcements, an offer and a maximum wait loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_queue_with_only_a_queue_and_done_is_complete() -> None:
    """Announcements, offer and maximum wait are optional; only `done` must be wired."""
    assert problems(MINIMAL) == []
    assert_round_trips(MINIMAL)
    params = REGISTRY["queue"].build(load(MINIMAL).nodes[0].params)
    assert (params.position, params.offer, params.offer_after_s, params.max_wait_s) == (None, None, None, None)
    assert (params.announce_every_s, params.offer_key) == (None, "1")


def test_queue_durations_are_stored_in_seconds() -> None:
    """`offer_after 180s` is stored as 180 seconds and written back as `180s`."""
    text = VALID.replace("offer_after    180s", "offer_after    180s")
    flow = load(text)
    assert flow.nodes[0].params["offer_after_s"] == 180
    assert dump(flow, "dsl", REGISTRY) == VALID


def test_queue_provides_the_position_for_announcements() -> None:
    """`{queue.position}` in a prompt is a known variable."""
    assert not any(code == "E303" for code, _, _ in problems(VALID))


def test_queue_offer_without_offer_after_is_reported() -> None:
    """An offer needs the time in the queue after which it is made."""
    text = VALID.replace("  offer_after    180s\n", "")
    message = "`offer` needs `offer_after`: the time in the queue before the offer is played"
    assert problems(text) == [("E104", message, 17)]


def test_queue_offer_after_without_offer_is_reported() -> None:
    """A time for the offer needs the prompt that makes it."""
    text = VALID.replace("  offer          offer\n", "").replace("  offer          -> mailbox\n", "")
    text = text.replace('\nprompt offer\n  en "To leave a message instead, press 1."\n', "")
    assert problems(text) == [("E104", "`offer_after` needs `offer`: the prompt that makes the offer", 14)]


def test_queue_offer_exit_without_offer_prompt_is_reported() -> None:
    """An `offer` exit that no prompt tells the caller about could never be taken."""
    text = VALID.replace("  offer          offer\n", "").replace("  offer_after    180s\n", "")
    text = text.replace('\nprompt offer\n  en "To leave a message instead, press 1."\n', "")
    message = "exit `offer` is wired, but no `offer` prompt tells the caller about it; add `offer prompt_id`"
    assert problems(text) == [("E103", message, 17)]


def test_queue_offer_prompt_without_offer_exit_is_reported() -> None:
    """An offer the caller accepts must lead somewhere."""
    text = VALID.replace("  offer          -> mailbox\n", "")
    message = "`agents` makes an offer, but exit `offer` leads nowhere; add `offer -> node_id`"
    assert problems(text) == [("E109", message, 17)]


def test_queue_announce_every_out_of_range_is_reported() -> None:
    """Position announcements come between every 10s and every 600s."""
    text = VALID.replace("announce_every 30s", "announce_every 5s")
    assert problems(text) == [("E105", "`announce_every` must be between 10s and 600s, not 5s", 15)]


def test_queue_offer_key_is_a_telephone_key() -> None:
    """The offer is accepted by a key such as 1 or "#"."""
    assert load(VALID.replace("offer_key      1", 'offer_key      "#"')).nodes[0].params["offer_key"] == "#"
    text = VALID.replace("offer_key      1", "offer_key      a")
    assert problems(text) == [("E103", 'expected keys 0-9, * or #, found `a` (write the hash key as "#")', 19)]


def test_queue_listens_so_it_may_loop() -> None:
    """A caller back in the queue after a conversation waits again, so the loop is not endless."""
    text = MINIMAL.replace("done -> bye", "done -> agents")
    assert problems(text) == [("W201", "no path from the start (`agents`) reaches `bye`", 6)]


def test_queue_is_checked_against_the_environment() -> None:
    """The queue must be defined in `callflow.toml`."""
    environment = load_environment(EXAMPLES / "callflow.toml")
    assert check_flow(load(VALID), registry=REGISTRY, environment=environment) == []
    flow = load(MINIMAL.replace("queue hotline", "queue hotlines"))
    found = check_flow(flow, registry=REGISTRY, environment=environment)
    message = "`agents` uses queue `hotlines`, which `callflow.toml` does not define; did you mean `hotline`?"
    assert [(p.code.id, p.message, p.location.line) for p in found] == [("E401", message, 3)]


def unbounded(flow_text: str, environment_text: str) -> list[tuple[str, str, int | None]]:
    """The W209 problems of a flow checked against an environment."""
    environment = load_environment_text(environment_text, "callflow.toml")
    found = check_flow(load(flow_text), registry=REGISTRY, environment=environment)
    return [(p.code.id, p.message, p.location.line) for p in found if p.code.id == "W209"]


def test_a_queue_with_no_maximum_wait_and_no_offer_is_a_warning() -> None:
    """Neither the node nor the environment's queue limits the wait, and nothing offers a way out: W209 at the node."""
    message = (
        "`agents` waits in queue `hotline` with no maximum wait and no offer: a caller nobody answers waits until "
        "the call's time limit; add `max_wait 600s` and `timeout -> node_id`, or set `max_wait_s` under "
        "[queues.hotline] in the environment"
    )
    assert unbounded(MINIMAL, "[queues.hotline]\n") == [("W209", message, 3)]


def test_a_maximum_wait_or_an_offer_silences_the_unbounded_queue_warning() -> None:
    """`max_wait` on the node, `max_wait_s` on the environment's queue, or an offer each bound the wait."""
    with_max_wait = MINIMAL.replace("  done -> bye", "  max_wait 600s\n  done -> bye\n  timeout -> bye")
    assert unbounded(with_max_wait, "[queues.hotline]\n") == []
    assert unbounded(MINIMAL, "[queues.hotline]\nmax_wait_s = 600\n") == []
    assert unbounded(VALID.replace("  max_wait       600s\n", ""), "[queues.hotline]\n") == []


AT = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

WAITING = """\
flow t
  languages en

prompt position
  en "There are {queue.position} callers ahead of you."

prompt busy
  en "All our agents are busy."

agents: queue hotline
  position position
  done     -> bye
  timeout  -> busy

busy: say busy -> bye

bye: hangup
"""


def wait(tmp_path: Path, flow_text: str, queue_settings: str, *steps: str) -> Simulation:
    """Simulate a caller waiting in `hotline`, three callers ahead, with the queue's settings in the environment."""
    (tmp_path / "callflow.toml").write_text(f'timezone = "Asia/Shanghai"\n[queues.hotline]\n{queue_settings}')
    simulator = Simulator(load_environment(tmp_path / "callflow.toml"), tmp_path)
    try:
        return asyncio.run(simulator.call(load(flow_text), parse_script(list(steps)), at=AT, queue_position=3))
    finally:
        simulator.close()


def intervals(result: Simulation) -> list[float]:
    """Seconds between one position announcement and the next."""
    announced = [e["t"] for e in result.events if e["event"] == "prompt" and e.get("prompt") == "position"]
    return [round(later - earlier, 3) for earlier, later in pairwise(announced)]


def queue_events(result: Simulation) -> list[dict[str, Any]]:
    """The queue's events: joining, each announcement, leaving."""
    return [e for e in result.events if e["event"] == "queue"]


def test_the_environments_maximum_wait_is_the_nodes_default(tmp_path: Path) -> None:
    """`max_wait_s = 90` under [queues.hotline] ends a wait nobody answers after 90 s, through `timeout`."""
    result = wait(tmp_path, WAITING, "max_wait_s = 90\n")
    leave = queue_events(result)[-1]
    assert (leave["outcome"], leave["waited_s"]) == ("timeout", 90)
    assert result.said()[-1] == "All our agents are busy."


def test_the_environments_announcement_interval_is_the_nodes_default(tmp_path: Path) -> None:
    """`announce_every_s = 45` spaces the position announcements 45 s apart (not the built-in 30 s)."""
    result = wait(tmp_path, WAITING, "announce_every_s = 45\nmax_wait_s = 100\n")
    assert intervals(result) == [45, 45]


def test_the_nodes_own_settings_win_over_the_environments(tmp_path: Path) -> None:
    """A node's `max_wait` and `announce_every` are used even when the environment's queue has its own."""
    flow = WAITING.replace("  position position\n", "  position position\n  announce_every 20s\n  max_wait 50s\n")
    result = wait(tmp_path, flow, "announce_every_s = 45\nmax_wait_s = 100\n")
    assert queue_events(result)[-1]["waited_s"] == 50
    assert intervals(result) == [20, 20]


def test_without_either_the_announcements_come_every_30_seconds(tmp_path: Path) -> None:
    """With no interval on the node or the environment's queue, positions are announced every 30 s."""
    result = wait(tmp_path, WAITING, "max_wait_s = 70\n")
    assert intervals(result) == [30, 30]
