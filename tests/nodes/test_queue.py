"""The `queue` node type: wait in a queue for an agent."""

from __future__ import annotations

from pathlib import Path

from flowtools import FlowTools

from callflow.flowlang.check import check_flow
from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import dump
from callflow.flowlang.registry import Registry
from callflow.nodes import hangup, queue, say

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
    assert (params.announce_every_s, params.offer_key) == (30, "1")


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
