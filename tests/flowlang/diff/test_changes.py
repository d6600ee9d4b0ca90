"""What the semantic diff reports for each kind of edit: parameters, exits, types, header, prompts, layout, comments."""

from __future__ import annotations

from typing import Any

from flowtools import FlowTools

from callflow.flowlang.diff import FlowDiff, diff_flows
from callflow.flowlang.diff.text import marked_words
from callflow.flowlang.diff.values import same_value
from callflow.flowlang.model import Edge, Flow, Node, Position
from callflow.flowlang.registry import default_registry

TOOLS = FlowTools(default_registry())

BASE = """flow line
  languages zh-CN, en

prompt hello
  zh-CN "你好。"
  en    "Hello."

prompt choices
  zh-CN "请选择。"
  en    "Please choose."

start: say hello -> menu

menu: menu choices
  timeout 5s
  key 1   -> first
  key 2   -> second
  failed  -> bye

first: say hello -> bye

second: say choices -> bye

bye: hangup
"""


def diff_of(old: str, new: str) -> FlowDiff:
    """The diff from one flow text to another."""
    return diff_flows(TOOLS.load(old), TOOLS.load(new), default_registry())


def edited(*changes: tuple[str, str]) -> str:
    """BASE with each (old, new) text change made."""
    text = BASE
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    return text


def node(difference: FlowDiff, node_id: str) -> dict[str, Any]:
    """The JSON entry of one node."""
    (found,) = [n for n in difference.to_json()["nodes"] if n["id"] == node_id]
    return found


def test_a_flow_and_itself_have_no_differences() -> None:
    """Diffing a flow with itself finds nothing; `same` and `logic_same` hold and the text says so."""
    difference = diff_of(BASE, BASE)
    assert difference.same and difference.logic_same
    assert difference.to_text() == "line: no differences\n"
    assert difference.node_counts()["unchanged"] == 5


def test_a_parameter_written_at_its_default_is_no_change() -> None:
    """Writing out a parameter's default value (or leaving it out) changes nothing for callers."""
    assert diff_of(BASE, edited(("  timeout 5s\n", "  timeout 5s\n  max_no_input 3\n"))).same
    assert diff_of(BASE, edited(("  timeout 5s\n", ""))).same


def test_a_parameter_left_out_counts_as_its_default() -> None:
    """Leaving out a parameter set to another value reports the old value and the default it falls back to."""
    text = edited(("  timeout 5s\n", "  timeout 7s\n"))
    change = node(diff_of(text, BASE.replace("  timeout 5s\n", "")), "menu")
    assert change["status"] == "changed"
    assert change["params"] == [{"name": "timeout_s", "old": 7, "default": 5}]
    assert "timeout: 7s → 5s (default)" in diff_of(text, BASE.replace("  timeout 5s\n", "")).to_text()


def test_numbers_are_the_same_whatever_their_form_but_a_flag_is_not_a_number() -> None:
    """1 and 1.0 are one value; true and 1 are not; the order of an object's keys does not count."""
    assert same_value(1, 1.0)
    assert not same_value(True, 1)
    assert same_value({"a": 1, "b": [1, 2]}, {"b": [1.0, 2], "a": 1})
    assert not same_value([1, 2], [2, 1])


def test_a_rewired_exit_shows_both_targets() -> None:
    """An exit leading elsewhere is a rewire with its old and new target; added and removed exits too."""
    difference = diff_of(
        BASE, edited(("  key 2   -> second\n", "  key 3   -> second\n"), ("failed  -> bye", "failed  -> first"))
    )
    assert node(difference, "menu") == {
        "id": "menu",
        "status": "rewired",
        "type": "menu",
        "params": [],
        "exits": [
            {"exit": "key 2", "old": "second"},
            {"exit": "key 3", "new": "second"},
            {"exit": "failed", "old": "bye", "new": "first"},
        ],
    }
    assert "  - exit key 2 -> second\n  + exit key 3 -> second\n  exit failed: bye → first\n" in difference.to_text()


def test_reordered_conditions_are_a_rewire() -> None:
    """The first `when` that holds wins, so exits written in another order are reported with both orders."""
    old = BASE.replace(
        "start: say hello -> menu",
        'start: branch\n  when caller == "1" -> first\n  when caller startswith "1" -> second\n  else -> menu',
    )
    new = BASE.replace(
        "start: say hello -> menu",
        'start: branch\n  when caller startswith "1" -> second\n  when caller == "1" -> first\n  else -> menu',
    )
    change = node(diff_of(old, new), "start")
    assert change["status"] == "rewired" and change["exits"] == []
    assert change["order"] == {
        "old": ['when caller == "1"', 'when caller startswith "1"', "else"],
        "new": ['when caller startswith "1"', 'when caller == "1"', "else"],
    }


def test_a_node_of_another_type_is_changed_with_both_types() -> None:
    """A node whose type changes is `changed`, with the old type and each side's parameters."""
    difference = diff_of(BASE, edited(("first: say hello -> bye", "first: transfer operator")))
    change = node(difference, "first")
    assert (change["status"], change["type"], change["old_type"]) == ("changed", "transfer", "say")
    assert change["params"] == [{"name": "prompt", "old": "hello"}, {"name": "destination", "new": "operator"}]
    assert change["exits"] == [{"exit": "next", "old": "bye"}]
    assert "first (say → transfer): changed\n  - prompt: hello\n  + destination: operator\n" in difference.to_text()


def test_a_new_first_node_changes_where_calls_start() -> None:
    """Putting another node first is a header change: calls start elsewhere."""
    new = BASE.replace("start: say hello -> menu", "intro: say choices -> start\n\nstart: say hello -> menu")
    difference = diff_of(BASE, new)
    assert [h.to_json() for h in difference.header] == [{"field": "start", "old": "start", "new": "intro"}]
    assert [(n.id, n.status) for n in difference.nodes] == [("intro", "added")]


def test_prompt_texts_and_files_are_compared_per_language() -> None:
    """A changed text, an added file and a removed language each get a line; the nodes playing the prompt are named."""
    new = edited(('  zh-CN "你好。"\n  en    "Hello."', '  zh-CN "您好。"\n  en file "hello-en.wav"'))
    (prompt,) = diff_of(BASE, new).to_json()["prompts"]
    assert prompt == {
        "id": "hello",
        "status": "changed",
        "text": [{"language": "zh-CN", "old": "你好。", "new": "您好。"}, {"language": "en", "old": "Hello."}],
        "file": [{"language": "en", "new": "hello-en.wav"}],
        "used_by": ["start", "first"],
    }


def test_keyed_parameters_are_compared_key_by_key() -> None:
    """A menu's words are compared for each key: one changed key is one line."""
    old = edited(("  timeout 5s\n", '  timeout 5s\n  speech  yes\n  words 1 "one"\n  words 2 "two"\n'))
    new = edited(("  timeout 5s\n", '  timeout 5s\n  speech  yes\n  words 1 "one"\n  words 2 "second", "two"\n'))
    change = node(diff_of(old, new), "menu")
    assert change["params"] == [{"name": "words", "key": "2", "old": ["two"], "new": ["second", "two"]}]
    assert 'words 2: "two" → "second", "two"' in diff_of(old, new).to_text()


def test_layout_changes_stay_apart_from_logic() -> None:
    """Moved, newly placed and unplaced nodes are layout changes only: the nodes are `moved`, calls are the same."""
    old = BASE + "\nlayout\n  start 0, 0\n  menu  0, 100\n  bye   0, 300\n"
    new = BASE + "\nlayout\n  start 0, 0\n  menu  50, 100.5\n  first 0, 200\n"
    difference = diff_of(old, new)
    assert difference.logic_same and not difference.same
    assert [m.to_json() for m in difference.layout] == [
        {"id": "menu", "old": {"x": 0, "y": 100}, "new": {"x": 50, "y": 100.5}},
        {"id": "first", "old": None, "new": {"x": 0, "y": 200}},
        {"id": "bye", "old": {"x": 0, "y": 300}, "new": None},
    ]
    assert [(n.id, n.status) for n in difference.nodes] == [("menu", "moved"), ("first", "moved"), ("bye", "moved")]
    assert "  menu: 0, 100 → 50, 100.5\n  first: (not placed) → 0, 200\n" in difference.to_text()


def test_a_changed_node_that_moved_is_changed_and_its_move_is_in_the_layout() -> None:
    """A node with a logic change keeps its logic status; where it moved is only in the layout part."""
    old = BASE + "\nlayout\n  menu 0, 100\n"
    new = edited(("timeout 5s", "timeout 9s")) + "\nlayout\n  menu 10, 100\n"
    difference = diff_of(old, new)
    assert [(n.id, n.status) for n in difference.nodes] == [("menu", "changed")]
    assert [m.id for m in difference.layout] == ["menu"]


def test_comment_changes_stay_apart_from_logic() -> None:
    """Comments added or changed on nodes, prompts and the flow are listed apart; calls are the same."""
    new = edited(
        ("first: say hello -> bye", "# The first choice.\nfirst: say hello -> bye"),
        ("  timeout 5s\n", "  timeout 5s  # long enough\n"),
    )
    difference = diff_of(BASE, new + "# The end.\n")
    assert difference.logic_same
    assert [c.to_json() for c in difference.comments] == [
        {"on": "flow", "id": None, "line": "end of file", "old": None, "new": {"above": ["The end."], "end": None}},
        {"on": "node", "id": "menu", "line": "timeout_s", "old": None, "new": {"above": [], "end": "long enough"}},
        {"on": "node", "id": "first", "line": "", "old": None, "new": {"above": ["The first choice."], "end": None}},
    ]


def test_header_changes_are_listed_in_header_order() -> None:
    """Title, languages, the language calls start in, global keys and variables each get one entry."""
    new = BASE.replace(
        "flow line\n  languages zh-CN, en\n",
        'flow line\n  title "Line"\n  languages en, zh-CN\n  global_key 0 -> menu\n\nvar tries = 0\n',
    )
    difference = diff_of(BASE, new)
    assert [h.to_json() for h in difference.header] == [
        {"field": "title", "old": None, "new": "Line"},
        {"field": "languages", "old": ["zh-CN", "en"], "new": ["en", "zh-CN"]},
        {"field": "start_language", "old": "zh-CN", "new": "en"},
        {"field": "global_key", "key": "0", "new": {"action": "goto", "to": "menu"}},
        {"field": "variable", "key": "tries", "new": {"value": 0, "secret": False}},
    ]


def test_a_flow_with_errors_is_diffed_as_the_engine_reads_it() -> None:
    """Repeated ids and exits, unknown node types and dangling edges do not stop the diff: the first one counts."""
    old = Flow(
        name="broken",
        nodes=(Node("a", "say", {"prompt": "p"}), Node("a", "hangup"), Node("b", "teleport", {"to": "mars"})),
        edges=(Edge("a", "next", "b"), Edge("a", "next", "nowhere"), Edge("ghost", "next", "a")),
        layout={"ghost": Position(1, 2)},
    )
    new = Flow(
        name="broken",
        nodes=(Node("a", "say", {"prompt": "p"}), Node("b", "teleport", {"to": "venus"})),
        edges=(Edge("a", "next", "nowhere"),),
    )
    difference = diff_flows(old, new)
    assert [n.to_json() for n in difference.nodes] == [
        {
            "id": "a",
            "status": "rewired",
            "type": "say",
            "params": [],
            "exits": [{"exit": "next", "old": "b", "new": "nowhere"}],
        },
        {
            "id": "b",
            "status": "changed",
            "type": "teleport",
            "params": [{"name": "to", "old": "mars", "new": "venus"}],
            "exits": [],
        },
    ]
    assert 'to: "mars" → "venus"' in difference.to_text()


def test_a_small_edit_to_a_long_prompt_text_is_marked_in_place() -> None:
    """Under a long text's `old → new` line, the edit is marked as `git diff --word-diff` marks it: Chinese by
    character, spaced languages by word; a rewrite or a short text is left as the two texts."""
    assert marked_words(
        "办理居住证请携带身份证和租房合同到所在街道办事处。", "办理暂住证请携带身份证和租房合同到所在街道办事处。"
    ) == ("办理[-居-]{+暂+}住证请携带身份证和租房合同到所在街道办事处。")
    assert marked_words(
        "For an agent press 1. For self-service press 2.", "For an operator press 1. For self-service press 2."
    ) == ("For an [-agent-]{+operator+} press 1. For self-service press 2.")
    assert marked_words("Welcome to the city library.", "Thank you for calling. Goodbye.") is None
    assert marked_words("你好。", "您好。") is None
    new = edited(('en    "Please choose."', 'en    "Please choose one of the options."'))
    assert '  en: "Please choose." → "Please choose one of the options."\n' in diff_of(BASE, new).to_text()
    long_old = edited(('en    "Please choose."', 'en    "Please choose a service now."'))
    long_new = edited(('en    "Please choose."', 'en    "Please choose a service today."'))
    assert (
        '"Please choose a service today."\n      Please choose a service [-now-]{+today+}.\n'
        in diff_of(long_old, long_new).to_text()
    )
