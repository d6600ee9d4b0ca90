"""Renamed nodes: reported as renames when content and wiring match, every reference seen through the renames."""

from __future__ import annotations

import re

from flowtools import FlowTools

from callflow.flowlang.diff import FlowDiff, diff_flows
from callflow.flowlang.registry import default_registry

TOOLS = FlowTools(default_registry())

BASE = """flow line
  languages en
  global_key 0 -> choose

prompt hello
  en "Hello."

prompt choices
  en "Press 1 or 2."

prompt bye
  en "Goodbye."

start: say hello -> choose

choose: menu choices
  key 1  -> one
  key 2  -> two
  failed -> farewell

one: say bye -> hang_up

two: say bye -> hang_up

farewell: say bye -> hang_up

hang_up: hangup

layout
  choose 0, 100
"""


def renamed(text: str, *pairs: tuple[str, str]) -> str:
    """The text with node ids renamed wherever they stand as whole words."""
    for old, new in pairs:
        text = re.sub(rf"(?<![\w.\-]){re.escape(old)}(?![\w.\-])", new, text)
    return text


def diff_of(old: str, new: str) -> FlowDiff:
    return diff_flows(TOOLS.load(old), TOOLS.load(new), default_registry())


def statuses(difference: FlowDiff) -> list[tuple[str, str, str | None]]:
    return [(n.id, n.status, n.old_id) for n in difference.nodes]


def test_a_renamed_node_and_every_reference_to_it_are_one_rename() -> None:
    """Edges into the node, a global key and a layout line follow the new id: one rename, nothing rewired."""
    difference = diff_of(BASE, renamed(BASE, ("choose", "main_menu")))
    assert statuses(difference) == [("main_menu", "renamed", "choose")]
    assert difference.renames == {"choose": "main_menu"}
    assert difference.header == () and difference.layout == () and difference.comments == ()
    assert difference.to_text() == "line: 1 node renamed\n\nchoose → main_menu (menu): renamed\n"


def test_the_start_node_can_be_renamed() -> None:
    """Nothing leads to the first node but the call's start, which is enough to know it."""
    difference = diff_of(BASE, renamed(BASE, ("start", "welcome")))
    assert statuses(difference) == [("welcome", "renamed", "start")]
    assert difference.header == ()


def test_renamed_nodes_leading_to_each_other_are_all_renames() -> None:
    """A chain of renamed nodes: each one's targets are renamed too, and still the same nodes."""
    new = renamed(BASE, ("one", "first"), ("hang_up", "end"), ("farewell", "bye_bye"))
    difference = diff_of(BASE, new)
    assert statuses(difference) == [
        ("first", "renamed", "one"),
        ("bye_bye", "renamed", "farewell"),
        ("end", "renamed", "hang_up"),
    ]


def test_identical_nodes_are_told_apart_by_what_leads_to_them() -> None:
    """Two nodes alike in content and exits are paired by the edges into them, not by their order in the file."""
    new = BASE.replace(
        "one: say bye -> hang_up\n\ntwo: say bye -> hang_up", "b: say bye -> hang_up\n\na: say bye -> hang_up"
    )
    new = new.replace("key 1  -> one\n  key 2  -> two", "key 1  -> a\n  key 2  -> b")
    difference = diff_of(BASE, new)
    assert difference.renames == {"one": "a", "two": "b"}
    assert [n.status for n in difference.nodes] == ["renamed", "renamed"]


def test_a_renamed_node_that_also_changed_is_removed_and_added() -> None:
    """Content must match: a new id with other parameters is another node."""
    new = renamed(BASE, ("farewell", "goodbye")).replace("goodbye: say bye", "goodbye: say hello")
    assert statuses(diff_of(BASE, new)) == [
        ("choose", "rewired", None),
        ("farewell", "removed", None),
        ("goodbye", "added", None),
    ]


def test_a_renamed_node_whose_exit_leads_elsewhere_is_removed_and_added() -> None:
    """Wiring must match: a new id with an exit rewired is another node."""
    new = renamed(BASE, ("farewell", "goodbye")).replace("goodbye: say bye -> hang_up", "goodbye: say bye -> choose")
    assert [s for _, s, _ in statuses(diff_of(BASE, new))] == ["rewired", "removed", "added"]


def test_a_renamed_node_with_one_more_way_in_is_a_rename_and_a_rewire() -> None:
    """One edge into it shared is enough; the new edge into it shows as a rewire of the node it leaves."""
    new = renamed(BASE, ("farewell", "goodbye")).replace("key 2  -> two", "key 2  -> goodbye")
    difference = diff_of(BASE, new)
    assert statuses(difference) == [("choose", "rewired", None), ("goodbye", "renamed", "farewell")]
    assert [e.to_json() for e in difference.nodes[0].exits] == [{"exit": "key 2", "old": "two", "new": "goodbye"}]


def test_a_node_reached_from_nowhere_it_was_reached_from_is_not_a_rename() -> None:
    """A look-alike node that nothing that led to the old one leads to is another node."""
    new = BASE.replace("failed -> farewell", "failed -> two").replace("farewell: say bye", "unused: say bye")
    new = new.replace("key 1  -> one", "key 1  -> unused")
    assert statuses(diff_of(BASE, new)) == [
        ("choose", "rewired", None),
        ("farewell", "removed", None),
        ("unused", "added", None),
    ]


def test_unreachable_look_alikes_are_a_rename() -> None:
    """A node that nothing leads to, renamed, is still a rename (nothing led to either)."""
    old = BASE.replace("hang_up: hangup", "hang_up: hangup\n\nspare: say hello -> hang_up")
    new = BASE.replace("hang_up: hangup", "hang_up: hangup\n\nreserve: say hello -> hang_up")
    assert statuses(diff_of(old, new)) == [("reserve", "renamed", "spare")]


def test_two_nodes_swapping_ids_are_changed_not_renamed() -> None:
    """An id both versions have names the same node in both: ids that swap are nodes changed in place."""
    old = BASE.replace("one: say bye -> hang_up", "one: say hello -> hang_up")
    swapped = renamed(old, ("one", "x"), ("two", "one"), ("x", "two"))
    difference = diff_of(old, swapped)
    assert [(n.id, n.status) for n in difference.nodes] == [
        ("choose", "rewired"),
        ("two", "changed"),
        ("one", "changed"),
    ]
    assert difference.renames == {}
