"""The `hangup` node type: end the call."""

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

prompt bye
  en "Goodbye."

goodbye: say bye -> end

end: hangup
"""


def test_hangup_parses_and_round_trips() -> None:
    """A hangup node loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_hangup_ends_the_call_so_needs_no_exits() -> None:
    """A hangup node is terminal: it is not a dead end, and a flow of one hangup is complete."""
    text = "flow t\n\nend: hangup\n"
    assert problems(text) == []
    assert load(text).nodes[0].params == {}


def test_hangup_takes_no_value() -> None:
    """Nothing may follow the hangup keyword."""
    text = VALID.replace("end: hangup", "end: hangup now")
    assert problems(text) == [("E103", "`hangup` takes no value after its keyword", 9)]


def test_hangup_has_no_next_step() -> None:
    """A hangup node cannot lead anywhere."""
    text = VALID.replace("end: hangup", "end: hangup -> goodbye")
    assert problems(text) == [
        ("E107", "`hangup` has no single next step; write its exits on their own lines", 9),
    ]


def test_hangup_has_no_parameters() -> None:
    """A parameter line under a hangup node is unknown."""
    text = VALID + '  reason "done"\n'
    assert problems(text) == [("E102", "`hangup` has no parameter `reason`", 10)]


def test_hangup_has_no_exits() -> None:
    """Wiring an exit of a hangup node is an unknown exit."""
    text = VALID + "  next -> goodbye\n"
    assert problems(text) == [("E107", "`hangup` has no exit `next`; it has no exits", 10)]
