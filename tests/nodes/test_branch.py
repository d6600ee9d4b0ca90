"""The `branch` node type: choose the next step by conditions or by value."""

from __future__ import annotations

from flowtools import FlowTools

from callflow.flowlang.registry import Registry
from callflow.nodes import branch, hangup, say

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (branch, say, hangup)})


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

var area = ""

prompt local
  en "Local call."

route: branch
  when caller startswith "0571" -> by_area
  else -> bye

by_area: branch area
  case "zj" -> hello
  case 1, 2 -> bye
  else      -> bye

hello: say local -> bye

bye: hangup
"""


def test_branch_parses_and_round_trips() -> None:
    """An if/else branch and a switch on a value load without problems and are written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_branch_exit_names_carry_their_condition_or_value() -> None:
    """`when` exits are named by their condition, `case` exits by their constant as JSON."""
    flow = load(VALID)
    assert [e.exit for e in flow.edges_from("route")] == ['when caller startswith "0571"', "else"]
    assert [e.exit for e in flow.edges_from("by_area")] == ['case "zj"', "case 1", "case 2", "else"]


def test_branch_with_a_value_takes_case_exits_only() -> None:
    """A switch on a value cannot have `when` exits."""
    text = VALID.replace('case "zj" -> hello', 'when area == "zj" -> hello')
    assert problems(text) == [
        ("E107", "`when` exits belong to a branch without a value; use `case`", 14),
    ]


def test_branch_without_a_value_takes_when_exits_only() -> None:
    """An if/else chain cannot have `case` exits."""
    text = VALID.replace('when caller startswith "0571" -> by_area', 'case "0571" -> by_area')
    assert problems(text) == [
        ("E107", "`case` exits belong to a branch with a value (`branch VALUE`); use `when`", 10),
    ]


def test_branch_without_else_is_reported() -> None:
    """A branch must say where calls go when nothing matches."""
    text = VALID.replace("  else -> bye\n", "", 1)
    assert problems(text) == [("E109", "exit `else` of `route` leads nowhere; add `else -> node_id`", 9)]


def test_branch_condition_reading_an_undeclared_variable_is_reported() -> None:
    """Conditions may only read declared or built-in variables."""
    text = VALID.replace("when caller startswith", "when callr startswith")
    assert problems(text) == [
        ("E303", "`route` reads `callr`, which is not declared; did you mean `caller`?", 10),
    ]


def test_branch_condition_that_does_not_parse_is_reported() -> None:
    """A condition is checked as an expression when the flow loads."""
    text = VALID.replace('when caller startswith "0571"', 'when caller startswith "0571" and')
    assert problems(text)[0] == ("E103", "expected a value after `and`", 10)


def test_branches_looping_without_the_caller_are_an_endless_loop() -> None:
    """A loop of branches never waits for the caller, so it could spin forever."""
    text = VALID.replace("else      -> bye", "else      -> route")
    assert problems(text) == [
        ("E203", "the loop route -> by_area -> route never waits for the caller and could repeat forever", 9),
    ]
