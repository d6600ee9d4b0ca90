"""The `say` node type: play a prompt, then go on."""

from __future__ import annotations

from flowtools import FlowTools

from callflow.flowlang.registry import Registry
from callflow.nodes import hangup, say

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (say, hangup)})


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

prompt hello
  en "Hello."

greet: say hello -> bye
  barge_in yes

bye: hangup
"""


def test_say_parses_and_round_trips() -> None:
    """A say node with its prompt and next step loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_say_stores_its_parameters_as_json_values() -> None:
    """The prompt and the barge-in flag become the node's JSON params; `-> bye` is its `next` exit."""
    flow = load(VALID)
    assert flow.nodes[0].params == {"prompt": "hello", "barge_in": True}
    assert [(e.exit, e.target) for e in flow.edges] == [("next", "bye")]


def test_say_needs_a_prompt() -> None:
    """A say node without a prompt is missing its one required parameter."""
    text = VALID.replace("say hello", "say")
    assert ("E104", "`say` needs `prompt`", 7) in problems(text)


def test_say_barge_in_is_yes_or_no() -> None:
    """The barge-in flag accepts yes or no only."""
    text = VALID.replace("barge_in yes", "barge_in maybe")
    assert problems(text) == [("E103", "expected `yes` or `no`, found `maybe`", 8)]


def test_say_of_an_undeclared_prompt_is_reported() -> None:
    """A say node may only play a declared prompt."""
    text = VALID.replace("say hello", "say hallo")
    assert problems(text) == [
        ("W304", "prompt `hello` is never played", 4),
        ("E301", "`greet` plays prompt `hallo`, which is not declared; add `prompt hallo`", 7),
    ]


def test_say_without_a_next_step_is_a_dead_end() -> None:
    """A call must not end after a say node without hanging up."""
    text = VALID.replace("say hello -> bye", "say hello")
    assert problems(text) == [
        ("E202", "a call would end after `greet` without hanging up; wire its exits or add a hangup", 7),
        ("W201", "no path from the start (`greet`) reaches `bye`", 10),
    ]
