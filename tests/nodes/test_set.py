"""The `set` node type: give variables new values."""

from __future__ import annotations

from flowtools import FlowTools

from callflow.flowlang.registry import Registry
from callflow.nodes import branch, collect, hangup, set

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (set, collect, branch, hangup)})


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

var misses = 0
var rating

prompt enter
  en "Enter."

get: collect enter
  into   rating
  done   -> count
  failed -> bye

count: set misses = misses + 1, rating = "none" -> check
  save yes

check: branch
  when misses >= 3 -> bye
  else             -> get

bye: hangup
"""


def test_set_parses_and_round_trips() -> None:
    """A set node with two assignments loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_set_keeps_assignments_in_order_as_written() -> None:
    """Assignments are a JSON object of expressions, in the order written; `-> check` is the `next` exit."""
    flow = load(VALID)
    node = flow.node("count")
    assert node is not None
    assert list(node.params["values"].items()) == [("misses", "misses + 1"), ("rating", '"none"')]
    assert node.params["save"] is True
    assert [(e.exit, e.target) for e in flow.edges_from("count")] == [("next", "check")]


def test_set_into_an_undeclared_variable_is_reported() -> None:
    """A set node only assigns declared variables."""
    text = VALID.replace('rating = "none"', 'ratng = "none"')
    assert problems(text) == [
        ("E303", "`count` stores into `ratng`, which is not declared; did you mean `rating`?", 15),
    ]


def test_set_expression_reading_an_undeclared_variable_is_reported() -> None:
    """The values are expressions that may only read declared variables."""
    text = VALID.replace("misses = misses + 1", "misses = mises + 1")
    assert problems(text) == [("E303", "`count` reads `mises`, which is not declared; did you mean `misses`?", 15)]


def test_set_expression_that_does_not_parse_is_reported() -> None:
    """Each value is checked as an expression when the flow loads."""
    text = VALID.replace("misses = misses + 1", "misses = misses +")
    assert ("E103", "expected a value after `+`", 15) in problems(text)


def test_set_with_a_bad_value_reports_only_that_value() -> None:
    """A value that does not parse is one problem, not also a missing parameter."""
    text = VALID.replace("misses = misses + 1", "misses = misses +")
    assert problems(text) == [("E103", "expected a value after `+`", 15)]


def test_set_assigning_a_variable_twice_is_reported() -> None:
    """One set node gives each variable one value."""
    text = VALID.replace('rating = "none"', "misses = 2")
    assert ("E103", "`misses` is assigned twice", 15) in problems(text)


def test_set_needs_values() -> None:
    """A set node without assignments does nothing, so it is an error."""
    text = VALID.replace('set misses = misses + 1, rating = "none" -> check', "set -> check")
    assert problems(text) == [("E104", "`set` needs `values`", 15)]


def test_set_loop_without_the_caller_is_an_endless_loop() -> None:
    """A set node does not wait for the caller, so a loop of set and branch could spin forever."""
    text = VALID.replace("else             -> get", "else             -> count")
    message = "the loop count -> check -> count never waits for the caller and could repeat forever"
    assert ("E203", message, 15) in problems(text)


def test_a_counter_in_a_loop_is_not_a_growing_value() -> None:
    """`misses = misses + 1` round a loop is the ordinary counter: no warning."""
    assert problems(VALID) == []


def test_squaring_or_doubling_a_variable_in_a_loop_is_reported() -> None:
    """`n = n * n` or `s = s + s` round a loop passes a value's limits within a few rounds: W207 for each."""
    text = VALID.replace('rating = "none"', "misses = misses * misses, rating = rating + rating").replace(
        "misses = misses + 1, ", ""
    )
    message = (
        "`{0} = {1}` squares or doubles `{0}` each time round a loop through `count`; within a few rounds it passes "
        "the limits of a value (64-bit numbers, 65,536 characters) and `set` fails"
    )
    assert problems(text) == [
        ("W207", message.format("misses", "misses * misses"), 15),
        ("W207", message.format("rating", "rating + rating"), 15),
    ]


def test_squaring_a_variable_outside_any_loop_is_not_reported() -> None:
    """Once is harmless: the warning is for nodes a call can pass through again and again."""
    text = VALID.replace("  else             -> get", "  else             -> bye").replace(
        "misses = misses + 1", "misses = (misses + 1) * (misses + 1)"
    )
    assert [code for code, _, _ in problems(text)] == []
