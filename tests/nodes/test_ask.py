"""The `ask` node type: a spoken question answered by voice."""

from __future__ import annotations

from flowtools import FlowTools

from callflow.flowlang.registry import Registry
from callflow.nodes import ask, branch, hangup

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (ask, branch, hangup)})


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

var answer

prompt question
  en "Would you like to hear this again?"

prompt pardon
  en "Sorry, please say yes or no."

q: ask question
  into           answer
  expect         "yes", "no"
  timeout        4s
  max_speech     5s
  no_input       pardon
  max_no_input   2
  no_match       pardon
  max_no_match   2
  min_confidence 60
  done           -> check
  failed         -> bye

check: branch
  when ask.text == "yes" and ask.confidence >= 80 -> q
  else -> bye

bye: hangup
"""

MINIMAL = """\
flow t
  languages en

var city

prompt question
  en "Which city are you calling about?"

q: ask question
  into   city
  done   -> bye
  failed -> bye

bye: hangup
"""


def test_ask_parses_and_round_trips() -> None:
    """An ask node with every parameter loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_ask_expected_phrases_are_a_json_list() -> None:
    """The phrases the recogniser listens for are kept in order."""
    params = load(VALID).nodes[0].params
    assert params["expect"] == ["yes", "no"]
    assert params["min_confidence"] == 60


def test_ask_with_only_prompt_and_into_is_complete() -> None:
    """Without `expect` any speech is taken; every other setting has a default."""
    assert problems(MINIMAL) == []
    assert_round_trips(MINIMAL)
    params = REGISTRY["ask"].build(load(MINIMAL).nodes[0].params)
    assert (params.expect, params.timeout_s, params.max_speech_s, params.min_confidence) == (None, 5, 10, 50)
    assert (params.max_no_input, params.max_no_match) == (3, 3)


def test_ask_may_loop_back_to_itself() -> None:
    """A loop through an ask node waits for the caller, so it is not an endless loop."""
    assert not any(code == "E203" for code, _, _ in problems(VALID))


def test_ask_provides_the_text_and_confidence() -> None:
    """`ask.text` and `ask.confidence` are known variables after an ask node."""
    assert not any(code == "E303" for code, _, _ in problems(VALID))


def test_ask_min_confidence_is_a_percentage() -> None:
    """The confidence threshold is between 0 and 100."""
    text = VALID.replace("min_confidence 60", "min_confidence 150")
    assert problems(text) == [("E105", "`min_confidence` must be between 0 and 100, not 150", 21)]


def test_ask_max_speech_out_of_range_is_reported() -> None:
    """An answer is listened to for at most a minute."""
    text = VALID.replace("max_speech     5s", "max_speech     120s")
    assert problems(text) == [("E105", "`max_speech` must be between 1s and 60s, not 120s", 16)]


def test_ask_expected_phrases_are_quoted() -> None:
    """Each expected phrase is a quoted text."""
    text = VALID.replace('expect         "yes", "no"', 'expect         "yes", no')
    assert problems(text) == [("E103", 'expected a quoted text, found `no`; write "no"', 14)]


def test_ask_needs_into() -> None:
    """An ask node must say where the answer goes."""
    text = VALID.replace("  into           answer\n", "")
    assert problems(text) == [("E104", "`ask` needs `into`", 12)]


def test_ask_without_done_is_reported() -> None:
    """An ask node must say where the call goes with an answer."""
    text = VALID.replace("  done           -> check\n", "")
    found = problems(text)
    assert ("E109", "exit `done` of `q` leads nowhere; add `done -> node_id`", 12) in found
