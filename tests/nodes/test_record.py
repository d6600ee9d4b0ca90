"""The `record` node type: record the caller into a file named by a variable."""

from __future__ import annotations

from flowtools import FlowTools

from callflow.flowlang.registry import Registry
from callflow.nodes import hangup, record, say

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (record, say, hangup)})


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

var name_file

prompt say_name
  en "After the tone, please say your name."

prompt again
  en "We did not hear you. Goodbye."

name: record say_name
  into       name_file
  max_length 10s
  min_length 500ms
  silence    2s
  terminator "#"
  beep       no
  done       -> bye
  empty      -> sorry

sorry: say again -> bye

bye: hangup
"""

MINIMAL = """\
flow t

var leg

rec: record
  into leg
  done -> bye

bye: hangup
"""


def test_record_parses_and_round_trips() -> None:
    """A record node with every parameter loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)
    assert load(VALID).nodes[0].params["min_length_s"] == 0.5


def test_record_without_a_prompt_is_complete() -> None:
    """A recording needs only a variable for its file name; the prompt is optional."""
    assert problems(MINIMAL) == []
    assert_round_trips(MINIMAL)
    params = REGISTRY["record"].build(load(MINIMAL).nodes[0].params)
    assert (params.prompt, params.max_length_s, params.min_length_s, params.beep) == (None, 120, 1, True)


def test_record_empty_falls_back_to_done() -> None:
    """Without an `empty` exit, a recording too short to keep goes on by `done`."""
    assert REGISTRY["record"].exit("empty").otherwise == "done"
    text = VALID.replace("  empty      -> sorry\n", "").replace("\nsorry: say again -> bye\n", "")
    text = text.replace('\nprompt again\n  en "We did not hear you. Goodbye."\n', "")
    assert problems(text) == []


def test_record_needs_into() -> None:
    """A recording must say which variable receives its file name."""
    text = MINIMAL.replace("  into leg\n", "")
    assert problems(text) == [("E104", "`record` needs `into`", 5)]


def test_record_into_an_undeclared_variable_is_reported() -> None:
    """The file name goes into a declared variable."""
    text = MINIMAL.replace("into leg", "into legs")
    assert problems(text) == [("E303", "`rec` stores into `legs`, which is not declared; did you mean `leg`?", 6)]


def test_record_min_length_must_be_shorter_than_max_length() -> None:
    """The shortest recording kept must be shorter than the longest made."""
    text = VALID.replace("min_length 500ms", "min_length 10s")
    assert problems(text) == [("E105", "`min_length` 10s must be shorter than `max_length` 10s", 15)]


def test_record_silence_out_of_range_is_reported() -> None:
    """At least one second of silence ends a recording."""
    text = VALID.replace("silence    2s", "silence    0s")
    assert problems(text) == [("E105", "`silence` must be between 1s and 60s, not 0s", 16)]


def test_record_without_done_is_reported() -> None:
    """A record node must say where the call goes after recording."""
    text = VALID.replace("  done       -> bye\n", "")
    assert problems(text) == [("E109", "exit `done` of `name` leads nowhere; add `done -> node_id`", 12)]
