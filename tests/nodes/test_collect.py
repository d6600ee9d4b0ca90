"""The `collect` node type: digits typed on the keypad, stored in a variable."""

from __future__ import annotations

from flowtools import FlowTools

from callflow.flowlang.registry import Registry
from callflow.nodes import branch, collect, hangup

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (collect, branch, hangup)})


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

var ticket

prompt enter
  en "Please enter your 8-digit case number, then press hash."

prompt again
  en "Please try again."

get: collect enter
  into                ticket
  min_digits          8
  max_digits          8
  terminator          "#"
  timeout             5s
  inter_digit_timeout 3s
  retry               again
  no_match            again
  max_no_match        2
  secret              yes
  done                -> check
  failed              -> bye

check: branch
  when collect.status == "terminated" -> bye
  else -> get

bye: hangup
"""

MINIMAL = """\
flow t
  languages en

var digits

prompt enter
  en "Enter the digits."

get: collect enter
  into   digits
  done   -> bye
  failed -> bye

bye: hangup
"""


def test_collect_parses_and_round_trips() -> None:
    """A collect node with every parameter loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_collect_with_only_prompt_and_into_is_complete() -> None:
    """Every other parameter of a collect node has a default."""
    assert problems(MINIMAL) == []
    assert_round_trips(MINIMAL)
    params = REGISTRY["collect"].build(load(MINIMAL).nodes[0].params)
    assert (params.min_digits, params.max_digits, params.terminator) == (1, 32, None)
    assert (params.timeout_s, params.inter_digit_timeout_s, params.barge_in, params.secret) == (5, 3, True, False)


def test_collect_stores_durations_in_seconds() -> None:
    """Durations are JSON numbers in seconds, whatever unit they were written in."""
    text = VALID.replace("inter_digit_timeout 3s", "inter_digit_timeout 1500ms")
    params = load(text).nodes[0].params
    assert (params["timeout_s"], params["inter_digit_timeout_s"], params["terminator"]) == (5, 1.5, "#")


def test_collect_may_loop_back_to_itself() -> None:
    """A loop through a collect node waits for the caller, so it is not an endless loop."""
    assert not any(code == "E203" for code, _, _ in problems(VALID))


def test_collect_needing_more_digits_than_it_accepts_is_reported() -> None:
    """`min_digits` may not exceed `max_digits`; the problem is shown at `min_digits`."""
    text = VALID.replace("min_digits          8", "min_digits          9")
    assert problems(text) == [("E105", "`min_digits` 9 is more than `max_digits` 8", 14)]


def test_collect_max_digits_below_the_default_minimum_is_fine() -> None:
    """`max_digits 1` with the default `min_digits` of 1 accepts exactly one digit."""
    text = MINIMAL.replace("  into   digits\n", "  into   digits\n  max_digits 1\n")
    assert problems(text) == []


def test_collect_digit_counts_are_between_1_and_32() -> None:
    """A digit count outside 1..32 is out of range."""
    text = VALID.replace("max_digits          8", "max_digits          40")
    assert problems(text) == [("E105", "`max_digits` must be between 1 and 32, not 40", 15)]


def test_collect_timeout_out_of_range_is_reported() -> None:
    """The wait for the first digit is between 1s and 60s."""
    text = VALID.replace("timeout             5s", "timeout             90s")
    assert problems(text) == [("E105", "`timeout` must be between 1s and 60s, not 90s", 17)]


def test_collect_inter_digit_timeout_out_of_range_is_reported() -> None:
    """The wait between digits is at least half a second."""
    text = VALID.replace("inter_digit_timeout 3s", "inter_digit_timeout 100ms")
    assert problems(text) == [("E105", "`inter_digit_timeout` must be between 500ms and 30s, not 100ms", 18)]


def test_collect_duration_without_unit_is_reported() -> None:
    """A duration needs its unit."""
    text = VALID.replace("timeout             5s", "timeout             5")
    assert problems(text) == [
        ("E103", "expected a duration such as `5s` or `500ms`, found `5`; write `5s` for seconds", 17),
    ]


def test_collect_unquoted_hash_terminator_is_reported() -> None:
    """`#` starts a comment, so the hash key must be quoted."""
    text = VALID.replace('terminator          "#"', "terminator #")
    assert problems(text) == [("E103", 'expected a key such as 1, * or "#"', 16)]


def test_collect_needs_into() -> None:
    """A collect node must say where the digits go."""
    text = MINIMAL.replace("  into   digits\n", "")
    assert problems(text) == [("E104", "`collect` needs `into`", 9)]


def test_collect_into_an_undeclared_variable_is_reported() -> None:
    """The digits go into a declared variable."""
    text = MINIMAL.replace("into   digits", "into   digit")
    assert problems(text) == [
        ("E303", "`get` stores into `digit`, which is not declared; did you mean `digits`?", 10),
    ]


def test_collect_without_failed_is_reported() -> None:
    """A collect node must say where callers go when their attempts are used up."""
    text = MINIMAL.replace("  failed -> bye\n", "")
    assert problems(text) == [("E109", "exit `failed` of `get` leads nowhere; add `failed -> node_id`", 9)]
