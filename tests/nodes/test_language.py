"""The `language` node type: switch the call's language."""

from __future__ import annotations

from flowtools import FlowTools

from callflow.flowlang.registry import Registry
from callflow.nodes import hangup, language, menu

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (language, menu, hangup)})


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages zh-CN, en

prompt main
  zh-CN "人工服务请按1，For English press 9。"
  en    "For an agent press 1."

choose: menu main
  key 1  -> bye
  key 9  -> english
  failed -> bye

english: language en -> choose

bye: hangup
"""


def test_language_parses_and_round_trips() -> None:
    """A language switch to a declared language loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_language_switch_goes_on_by_next() -> None:
    """`-> choose` on the node's first line is its `next` exit."""
    flow = load(VALID)
    assert flow.node("english") is not None
    assert [(e.exit, e.target) for e in flow.edges_from("english")] == [("next", "choose")]


def test_language_not_declared_by_the_flow_is_reported() -> None:
    """A call can only switch to a language the flow declares, so that every prompt has it."""
    text = VALID.replace("language en", "language fr")
    message = "`english` switches to `fr`, which the flow does not declare in `languages`; it declares zh-CN, en"
    assert problems(text) == [("E305", message, 13)]


def test_language_in_a_flow_without_languages_is_reported() -> None:
    """A flow that declares no languages has nothing to switch to."""
    text = "flow t\n\nstart: language en -> bye\n\nbye: hangup\n"
    assert problems(text) == [
        ("E305", "`start` switches to `en`, which the flow does not declare in `languages`", 3),
    ]


def test_language_is_a_name() -> None:
    """The language is written as a name such as `en`, not quoted."""
    text = VALID.replace("language en", 'language "en"')
    assert ("E103", 'expected a language name, found `"en"`', 13) in problems(text)


def test_language_loop_through_a_menu_is_allowed() -> None:
    """Switching language and returning to the menu waits for the caller, so it is not an endless loop."""
    assert not any(code == "E203" for code, _, _ in problems(VALID))
