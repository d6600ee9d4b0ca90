"""The `voicemail` node type: record a message into a mailbox."""

from __future__ import annotations

from pathlib import Path

from flowtools import FlowTools

from callflow.flowlang.check import check_flow
from callflow.flowlang.environment import load_environment
from callflow.flowlang.registry import Registry
from callflow.nodes import branch, hangup, say, voicemail

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (voicemail, branch, say, hangup)})
EXAMPLES = Path(__file__).parents[2] / "examples"


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

prompt leave
  en "Please leave your message after the tone. Press hash when you are done."

prompt thanks
  en "Your message has been received. Thank you for calling. Goodbye."

mailbox: voicemail mayor
  prompt     leave
  max_length 120s
  min_length 1s
  silence    5s
  terminator "#"
  beep       yes
  saved      -> check
  empty      -> bye

check: branch
  when voicemail.seconds < 5 -> bye
  else -> goodbye

goodbye: say thanks -> bye

bye: hangup
"""

MINIMAL = """\
flow t

mailbox: voicemail mayor
  saved -> bye

bye: hangup
"""


def test_voicemail_parses_and_round_trips() -> None:
    """The mayor's mailbox of the reference flow loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_voicemail_defaults_match_the_reference_mailbox() -> None:
    """By default a message is 1s to 120s long, ends on 5s of silence or "#", and starts after a beep."""
    assert problems(MINIMAL) == []
    assert_round_trips(MINIMAL)
    params = REGISTRY["voicemail"].build(load(MINIMAL).nodes[0].params)
    assert (params.max_length_s, params.min_length_s, params.silence_s) == (120, 1, 5)
    assert (params.terminator, params.beep, params.prompt) == ("#", True, None)


def test_voicemail_empty_falls_back_to_saved() -> None:
    """Without an `empty` exit, a message too short to keep goes on by `saved`."""
    assert REGISTRY["voicemail"].exit("empty").otherwise == "saved"
    assert problems(VALID.replace("  empty      -> bye\n", "")) == []


def test_voicemail_min_length_must_be_shorter_than_max_length() -> None:
    """The shortest message kept must be shorter than the longest recorded; shown at `min_length`."""
    text = VALID.replace("min_length 1s", "min_length 60s").replace("max_length 120s", "max_length 30s")
    assert problems(text) == [("E105", "`min_length` 60s must be shorter than `max_length` 30s", 13)]


def test_voicemail_max_length_at_the_default_min_length_is_reported() -> None:
    """A `max_length` equal to the default `min_length` is reported at `max_length`."""
    text = MINIMAL.replace("  saved -> bye", "  max_length 1s\n  saved      -> bye")
    assert problems(text) == [("E105", "`min_length` 1s must be shorter than `max_length` 1s", 4)]


def test_voicemail_max_length_out_of_range_is_reported() -> None:
    """A message is at most an hour long."""
    text = VALID.replace("max_length 120s", "max_length 2h")
    assert problems(text) == [
        ("E103", "expected a duration such as `5s` or `500ms`, found `2h`; did you mean `120m`? (units: ms, s, m)", 12),
    ]
    text = VALID.replace("max_length 120s", "max_length 3660s")
    assert problems(text) == [("E105", "`max_length` must be between 1s and 3600s, not 3660s", 12)]


def test_voicemail_without_saved_is_reported() -> None:
    """A voicemail node must say where the call goes after the message."""
    text = MINIMAL.replace("  saved -> bye\n", "  beep no\n")
    assert problems(text) == [
        ("E202", "a call would end after `mailbox` without hanging up; wire its exits or add a hangup", 3),
        ("W201", "no path from the start (`mailbox`) reaches `bye`", 6),
    ]


def test_voicemail_mailbox_is_checked_against_the_environment() -> None:
    """The mailbox must be defined in `callflow.toml`."""
    environment = load_environment(EXAMPLES / "callflow.toml")
    assert check_flow(load(VALID), registry=REGISTRY, environment=environment) == []
    flow = load(MINIMAL.replace("voicemail mayor", "voicemail major"))
    found = check_flow(flow, registry=REGISTRY, environment=environment)
    message = "`mailbox` uses mailbox `major`, which `callflow.toml` does not define; did you mean `mayor`?"
    assert [(p.code.id, p.message, p.location.line) for p in found] == [("E401", message, 3)]
