"""W208 `early-keys-lost`: a prompt that keys cannot cut, right before a menu, loses the keys of callers who know
the menu; the flow answers it by writing `barge_in` on the prompt."""

from __future__ import annotations

import pytest

from callflow.flowlang.check import check_flow
from callflow.flowlang.loader import load_text

FLOW = """flow t
  languages en

var choice = ""

prompt welcome
  en "Welcome."

prompt choose
  en "Press 1 or 2."

welcome: say welcome -> {after}{barge_in}

mark: set choice = "none" -> choose

choose: {listener}

bye: hangup
"""
MENU = "menu choose\n  key 1  -> bye\n  key 2  -> bye\n  failed -> bye"


def warnings(after: str = "choose", barge_in: str = "", listener: str = MENU) -> list[tuple[str, int | None]]:
    """W208 warnings of the flow, as (node named first in the message, line)."""
    text = FLOW.format(after=after, barge_in=f"\n  barge_in {barge_in}" if barge_in else "", listener=listener)
    loaded = load_text(text, "t.flow", "dsl")
    assert loaded.flow is not None, [p.render() for p in loaded.problems]
    found = check_flow(loaded.flow)
    return [(p.message.split("`")[1], p.location.line) for p in found if p.code.id == "W208"]


def test_a_prompt_without_barge_in_before_a_menu_is_warned_about() -> None:
    """A `say` (no barge-in by default) that leads to a menu: the warning, at the `say`."""
    assert warnings() == [("welcome", 12)]


def test_nodes_that_neither_play_nor_listen_between_them_change_nothing() -> None:
    """Through a `set` the menu still comes right after the prompt."""
    assert warnings(after="mark") == [("welcome", 12)]


def test_a_prompt_before_a_collect_is_warned_about_too() -> None:
    """A `collect` waits for keys with barge-in, like a menu."""
    collect = "collect choose\n  into choice\n  max_digits 2\n  done -> bye\n  failed -> bye"
    assert warnings(listener=collect) == [("welcome", 12)]


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_barge_in_written_on_the_prompt_answers_the_warning(answer: str) -> None:
    """`barge_in yes` lets the key through; `barge_in no`, written out, says the prompt is meant to be heard whole."""
    assert warnings(barge_in=answer) == []


def test_a_menu_that_takes_no_keys_while_it_speaks_is_no_menu_to_warn_for() -> None:
    """A menu without barge-in loses the early key itself: the prompt before it changes nothing."""
    assert warnings(listener=MENU + "\n  barge_in no") == []


def test_a_prompt_before_a_node_that_does_not_wait_for_keys_is_not_warned_about() -> None:
    """A `say` followed by a hang-up has no menu after it."""
    assert warnings(after="bye") == []
