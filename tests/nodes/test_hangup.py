"""The `hangup` node type: end the call."""

from __future__ import annotations

from callflow.flowlang.check import check_flow
from callflow.flowlang.loader import dump, load_text
from callflow.flowlang.model import Flow
from callflow.flowlang.registry import Registry
from callflow.nodes import hangup, say

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (say, hangup)})


def load(text: str) -> Flow:
    """The flow a text describes, which must load without problems."""
    loaded = load_text(text, "t.flow", "dsl", REGISTRY)
    assert loaded.flow is not None and loaded.problems == [], [p.message for p in loaded.problems]
    return loaded.flow


def problems(text: str) -> list[tuple[str, str, int | None]]:
    """Every problem of a flow text as (code, message, line), leaving out the no-environment warning."""
    loaded = load_text(text, "t.flow", "dsl", REGISTRY)
    found = loaded.problems + (check_flow(loaded.flow, registry=REGISTRY) if loaded.flow else [])
    return [(p.code.id, p.message, p.location.line) for p in found if p.code.id != "W402"]


def assert_round_trips(text: str) -> None:
    """The text is canonical, and its DSL and JSON forms read back into the same model."""
    flow = load(text)
    assert dump(flow, "dsl", REGISTRY) == text
    for form in ("dsl", "json"):
        again = load_text(dump(flow, form, REGISTRY), "t.flow", form, REGISTRY)
        assert again.problems == [] and again.flow == flow


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
