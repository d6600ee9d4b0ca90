"""The `return` node type: end a subflow with an outcome."""

from __future__ import annotations

from flowtools import FlowTools

from callflow.flowlang.registry import Registry
from callflow.nodes import branch, return_, set

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (return_, branch, set)})


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow check_id
  inputs  caller_id
  outputs verified

var verified = false

decide: branch
  when caller_id startswith "0571" -> yes
  else -> no

yes: set verified = true -> ok

ok: return ok

no: return failed
"""


def test_return_parses_and_round_trips() -> None:
    """A subflow ending in two outcomes loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_return_keyword_and_module_name_differ() -> None:
    """The keyword and JSON type are `return`; only the module is `return_`, as `return` is a Python keyword."""
    assert return_.NODE.keyword == "return"
    assert [(n.type, n.params) for n in load(VALID).nodes[2:]] == [
        ("return", {"outcome": "ok"}),
        ("return", {"outcome": "failed"}),
    ]


def test_return_ends_the_subflow_so_needs_no_exits() -> None:
    """A return node is terminal: it is not a dead end."""
    assert not any(code == "E202" for code, _, _ in problems(VALID))


def test_return_needs_an_outcome() -> None:
    """A return node names the outcome its caller goes on by."""
    text = VALID.replace("no: return failed", "no: return")
    assert problems(text) == [("E104", "`return` needs `outcome`", 15)]


def test_return_outcome_is_a_plain_name() -> None:
    """The outcome is written as a name, not quoted."""
    text = VALID.replace("no: return failed", 'no: return "failed"')
    assert ("E103", 'expected a plain name, found `"failed"`', 15) in problems(text)


def test_return_has_no_next_step() -> None:
    """Nothing comes after a return node."""
    text = VALID.replace("ok: return ok", "ok: return ok -> decide")
    assert problems(text) == [
        ("E107", "`return` has no single next step; write its exits on their own lines", 13),
    ]
