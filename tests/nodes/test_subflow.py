"""The `subflow` node type: call another flow and come back by the outcome it returns."""

from __future__ import annotations

from flowtools import FlowTools

from callflow.flowlang.registry import Registry
from callflow.nodes import hangup, subflow

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (subflow, hangup)})


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

var verified
var attempts = 0

verify: subflow check_id
  in     caller_id = caller, tries = attempts + 1
  out    verified
  ok     -> bye
  failed -> bye
  error  -> bye

bye: hangup
"""


def test_subflow_parses_and_round_trips() -> None:
    """A subflow call with inputs, outputs and outcomes loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_subflow_stores_inputs_and_outputs_by_their_json_names() -> None:
    """`in` is stored as `inputs` (an object of expressions) and `out` as `outputs` (a list of names)."""
    node = load(VALID).nodes[0]
    assert node.params == {
        "flow": "check_id",
        "inputs": {"caller_id": "caller", "tries": "attempts + 1"},
        "outputs": ["verified"],
    }


def test_subflow_exits_are_the_outcomes_of_the_called_flow() -> None:
    """Any outcome name is an exit of a subflow node; which ones the callee returns is checked across files."""
    flow = load(VALID.replace("failed -> bye", "not_verified -> bye"))
    assert [e.exit for e in flow.edges] == ["ok", "not_verified", "error"]


def test_subflow_with_only_a_flow_name_is_complete() -> None:
    """Inputs and outputs are optional."""
    text = "flow t\n\nmenu: subflow main_menu\n  done -> bye\n\nbye: hangup\n"
    assert problems(text) == []
    assert_round_trips(text)


def test_subflow_without_any_exit_is_a_dead_end() -> None:
    """The call comes back from a subflow, so a subflow node must lead somewhere."""
    text = "flow t\n\nmenu: subflow main_menu\n"
    assert problems(text) == [
        ("E202", "a call would end after `menu` without hanging up; wire its exits or add a hangup", 3),
    ]


def test_subflow_input_reading_an_undeclared_variable_is_reported() -> None:
    """Input values are expressions in the caller, which may only read its declared variables."""
    text = VALID.replace("tries = attempts + 1", "tries = attempt + 1")
    assert problems(text) == [
        ("E303", "`verify` reads `attempt`, which is not declared; did you mean `attempts`?", 8),
    ]


def test_subflow_output_into_an_undeclared_variable_is_reported() -> None:
    """Outputs are copied into caller variables of the same name, which must be declared."""
    text = VALID.replace("out    verified", "out    verified, score")
    assert problems(text) == [
        ("E303", "`verify` stores into `score`, which is not declared; add `var score`", 9),
    ]


def test_subflow_input_given_twice_is_reported() -> None:
    """Each input of the called flow is given once."""
    text = VALID.replace("tries = attempts + 1", "caller_id = attempts")
    assert ("E103", "`caller_id` is assigned twice", 8) in problems(text)


def test_subflow_flow_is_a_name() -> None:
    """The called flow is named, not given as a path."""
    text = VALID.replace("subflow check_id", 'subflow "check_id.flow"')
    assert ("E103", 'expected a flow name, found `"check_id.flow"`', 7) in problems(text)
