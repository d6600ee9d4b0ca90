"""The `menu` node type: choose by key (or by voice), with retries for silence and mistakes."""

from __future__ import annotations

from flowtools import FlowTools

from callflow.flowlang.registry import Registry
from callflow.nodes import hangup, menu

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (menu, hangup)})


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

prompt main
  en "Press 1 for help, 0 to hear this again."

prompt sorry
  en "Sorry."

choose: menu main
  no_match sorry
  timeout  5s
  speech   yes
  words 1  "help", "agent"
  key 1    -> bye
  key 0, * -> choose
  failed   -> bye

bye: hangup
"""


def test_menu_parses_and_round_trips() -> None:
    """A menu with keys, spoken words and a retry prompt loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_menu_keys_on_one_line_are_separate_exits() -> None:
    """`key 0, * -> choose` wires two exits to the same node; spoken words are kept by key."""
    flow = load(VALID)
    assert [(e.exit, e.target) for e in flow.edges] == [
        ("key 1", "bye"),
        ("key 0", "choose"),
        ("key *", "choose"),
        ("failed", "bye"),
    ]
    assert flow.nodes[0].params["words"] == {"1": ["help", "agent"]}


def test_menu_may_loop_back_to_itself() -> None:
    """A loop through a menu waits for the caller, so it is not an endless loop."""
    assert not any(code == "E203" for code, _, _ in problems(VALID))


def test_menu_without_keys_is_reported() -> None:
    """A menu must offer at least one key."""
    text = VALID.replace('  words 1  "help", "agent"\n', "").replace("  key 1    -> bye\n", "")
    text = text.replace("  key 0, * -> choose\n", "")
    assert ("E109", "menu `choose` offers no keys; add `key 1 -> node_id`", 10) in problems(text)


def test_menu_key_that_starts_another_is_a_warning() -> None:
    """A key that is the start of a longer key makes the menu wait for more digits: the warning says how long
    (the menu's inter-digit timeout) and that a terminator answers it."""
    text = VALID.replace("key 1    -> bye", "key 1    -> bye\n  key 12   -> bye")
    assert problems(text) == [
        (
            "W205",
            "key 1 is the start of key 12, so after 1 the menu waits 3s (its `inter_digit_timeout`) for another key "
            'before taking 1; add `terminator "#"` (and ask callers to press # after 1) to take it at once',
            15,
        ),
    ]
    slower = text.replace("key 1    -> bye", "inter_digit_timeout 1500ms\n  key 1    -> bye")
    assert [message.split(";")[0] for _, message, _ in problems(slower)] == [
        "key 1 is the start of key 12, so after 1 the menu waits 1500ms (its `inter_digit_timeout`) for another key "
        "before taking 1"
    ]


def test_a_terminator_answers_the_key_prefix_warning() -> None:
    """With a terminator, callers can end a short key at once (`1#`), so the prefix is not reported."""
    text = VALID.replace("key 1    -> bye", 'terminator "#"\n  key 1    -> bye\n  key 12   -> bye')
    assert problems(text) == []


def test_menu_offering_a_key_twice_is_reported() -> None:
    """Each key of a menu leads to one place."""
    text = VALID.replace("key 0, * -> choose", "key 0, 1 -> choose")
    assert problems(text) == [("E204", "`choose` offers key 1 twice", 16)]


def test_menu_words_for_a_key_not_offered_are_reported() -> None:
    """Spoken words must belong to a key the menu offers."""
    text = VALID.replace('words 1  "help"', 'words 2  "help"')
    assert problems(text) == [("E103", "`words 2`: the menu offers no key 2", 14)]


def test_menu_words_without_speech_are_reported() -> None:
    """Spoken words need speech recognition switched on."""
    text = VALID.replace("  speech   yes\n", "")
    assert problems(text) == [("E103", "`words` are given but `speech` is off; add `speech yes`", 13)]


def test_menu_timeout_out_of_range_is_reported() -> None:
    """The wait for the first key is between 1s and 60s."""
    text = VALID.replace("timeout  5s", "timeout  90s")
    assert problems(text) == [("E105", "`timeout` must be between 1s and 60s, not 90s", 12)]


def test_menu_without_failed_is_reported() -> None:
    """A menu must say where callers go after too many mistakes."""
    text = VALID.replace("  failed   -> bye\n", "")
    assert problems(text) == [("E109", "exit `failed` of `choose` leads nowhere; add `failed -> node_id`", 10)]
