"""Reading the JSON graph: whatever a `.flow.json` holds, problems are reported where they are, nothing of the
wrong type reaches the checks, and what reads cleanly converts to `.flow` text that means the same."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from callflow.flowlang.check import check_flow
from callflow.flowlang.loader import Loaded, dump, load_text

GRAPH: dict[str, Any] = {
    "version": 1,
    "flow": "f",
    "languages": ["en"],
    "prompts": [{"id": "hello", "text": {"en": "Hello."}}],
    "nodes": [
        {"id": "greet", "type": "say", "params": {"prompt": "hello"}},
        {"id": "bye", "type": "hangup", "params": {}},
    ],
    "edges": [{"from": "greet", "exit": "next", "to": "bye"}],
}


def graph(**changes: Any) -> dict[str, Any]:
    """The small graph above with top-level keys changed."""
    return {**copy.deepcopy(GRAPH), **changes}


def with_node(node: dict[str, Any]) -> dict[str, Any]:
    """The graph with its first node replaced."""
    data = graph()
    data["nodes"][0] = node
    return data


def read(data: dict[str, Any] | str) -> Loaded:
    """The graph read from its JSON text; the checks must run on whatever it gives, without raising."""
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    loaded = load_text(text, "f.flow.json", "json")
    if loaded.flow is not None:
        check_flow(loaded.flow)
    return loaded


def rendered(loaded: Loaded) -> list[str]:
    return [p.render() for p in loaded.problems]


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (
            {"id": "greet", "type": "say", "params": None},
            "f.flow.json#/nodes/0/params: error[E103]: expected an object",
        ),
        ({"id": "greet", "type": "say", "params": [1]}, "f.flow.json#/nodes/0/params: error[E103]: expected an object"),
        (
            {"id": "greet", "type": "say", "params": {"prompt": 5}},
            "#/nodes/0/params/prompt: error[E103]: expected a text",
        ),
        (
            {"id": "greet", "type": "say", "params": {"prompt": [[]]}},
            "#/nodes/0/params/prompt: error[E103]: expected a",
        ),
        ({"id": "greet", "type": "say"}, "f.flow.json#/nodes/0/params: error[E104]: `prompt` is missing"),
    ],
    ids=["params-null", "params-list", "prompt-5", "prompt-list", "no-params"],
)
def test_wrong_parameters_are_located_errors_and_are_left_out(node: dict[str, Any], expected: str) -> None:
    """`"params": null`, `"prompt": 5` and a node with no `params` are errors at their place; the value of the
    wrong type is not in the flow, so the checks after reading never see it (they raised TypeError before)."""
    loaded = read(with_node(node))
    assert not loaded.ok
    assert any(expected in problem for problem in rendered(loaded)), rendered(loaded)
    assert loaded.flow is not None and "prompt" not in loaded.flow.nodes[0].params


@pytest.mark.parametrize("key", ["layout", "comments"])
def test_a_key_named_params_elsewhere_is_not_taken_for_a_node_s_parameters(key: str) -> None:
    """Wrong types under `layout` or `comments`, under a key named `params`, stop the reading (they were treated
    as parameter problems, and the flow built anyway raised a traceback)."""
    loaded = read(graph(**{key: {"params": 5}}))
    assert loaded.flow is None
    assert rendered(loaded) == [f"f.flow.json#/{key}/params: error[E111]: expected an object, found 5"]


def test_deep_nesting_is_an_error_at_the_bracket_too_deep() -> None:
    """100,000 nested arrays are refused with the line and column where nesting passes 64 (RecursionError before)."""
    text = json.dumps(graph(title="DEEP")).replace('"DEEP"', "[" * 100_000 + "]" * 100_000)
    (problem,) = read(text).problems
    assert problem.code.id == "E100"
    assert problem.message == "nested more than 64 deep"
    assert (problem.location.line, problem.location.column) == (1, text.index("[" * 64) + 64)


@pytest.mark.parametrize(
    "number",
    ["9" * 5000, "1" + "0" * 400 + ".5", "1e400", "-1e400", "NaN", "Infinity", "-Infinity", "9007199254740992"],
)
def test_a_number_a_flow_cannot_hold_is_an_error_where_it_is(number: str) -> None:
    """5,000 digits (ValueError before), numbers that are infinity, NaN and past 2^53 are refused at their column."""
    text = json.dumps(graph(layout={"greet": {"x": 0, "y": "Y"}})).replace('"Y"', number)
    (problem,) = read(text).problems
    assert (problem.code.id, problem.location.line, problem.location.column) == ("E100", 1, text.index(number) + 1)


def test_a_whole_number_written_with_a_point_converts_to_a_whole_number() -> None:
    """JSON's `3.0` for a whole-number parameter is 3, so the `.flow` text `convert` writes reads back (it wrote
    `3.0`, which the DSL refuses)."""
    data = graph(prompts=[{"id": "p", "text": {"en": "Hi."}}], variables=[{"name": "x"}])
    data["nodes"][0] = {"id": "greet", "type": "collect", "params": {"prompt": "p", "into": "x", "max_digits": 3.0}}
    data["edges"] = [{"from": "greet", "exit": "done", "to": "bye"}, {"from": "greet", "exit": "failed", "to": "bye"}]
    loaded = read(data)
    assert loaded.ok and loaded.flow is not None, rendered(loaded)
    text = dump(loaded.flow, "dsl")
    assert "  max_digits 3\n" in text
    back = load_text(text, "f.flow", "dsl")
    assert back.ok and back.flow == loaded.flow


def test_a_layout_coordinate_past_the_range_is_refused_when_read() -> None:
    """A coordinate of `1e30` is refused where it is written, not converted into text that reads differently."""
    (problem,) = read(graph(layout={"greet": {"x": 1e30, "y": 0}})).problems
    assert problem.message.startswith("the number 1e+30 is too large")


def test_nodes_that_share_an_id_are_an_error_when_read() -> None:
    """Edges and layout name nodes by id: two nodes with one id cannot be written faithfully, so the file does not
    read cleanly and `fmt` and `convert` refuse it."""
    data = graph()
    data["nodes"].append({"id": "bye", "type": "hangup", "params": {}})
    loaded = read(data)
    assert not loaded.ok
    assert "f.flow.json#/nodes/2: error[E106]: node `bye` is declared twice" in rendered(loaded)


def test_an_exit_a_node_type_leaves_open_is_a_word() -> None:
    """A subflow's exits are named by the called flow, but as words, as `.flow` text writes them: a tab is not."""
    data = graph()
    data["nodes"][0] = {"id": "greet", "type": "subflow", "params": {"flow": "other"}}
    data["edges"] = [{"from": "greet", "exit": "\t", "to": "bye"}, {"from": "greet", "exit": "done", "to": "bye"}]
    loaded = read(data)
    assert [p.code.id for p in loaded.problems] == ["E107"]
    assert loaded.flow is not None and [e.exit for e in loaded.flow.edges] == ["done"]


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("case 3.0", "exit `case 3.0`: must be a quoted text or a whole number"),
        ("case true", "exit `case true`: must be a quoted text or a whole number"),
        ("case 007", "exit `case 007`: `007` is not a valid value"),
        ("case 1e99", "exit `case 1e99`: `1e99` is not a valid value"),
    ],
)
def test_a_case_value_is_a_text_or_a_whole_number_as_in_flow_text(label: str, message: str) -> None:
    """Case values that `.flow` text cannot write are refused in JSON too."""
    data = graph()
    data["nodes"][0] = {"id": "greet", "type": "branch", "params": {"value": "caller"}}
    data["edges"] = [{"from": "greet", "exit": label, "to": "bye"}, {"from": "greet", "exit": "else", "to": "bye"}]
    assert [p.message for p in read(data).problems] == [message]


def test_a_comment_on_no_line_is_reported_not_lost() -> None:
    """A comment keyed to a parameter the node does not give would vanish in `.flow` text: it is an error."""
    data = graph()
    data["nodes"][0]["comments"] = {"barge_in": {"above": ["skip it"]}, "": {}}
    assert rendered(read(data)) == [
        "f.flow.json#/nodes/0/comments/barge_in: error[E111]: the comment `barge_in` belongs to no line here,"
        " so `.flow` text could not keep it"
    ]


def test_an_empty_comment_entry_is_no_comment() -> None:
    """`"": {}` holds no text; it reads as no comment, as `.flow` text (which cannot write one) reads back."""
    data = graph()
    data["nodes"][0]["comments"] = {"": {}}
    loaded = read(data)
    assert loaded.ok and loaded.flow is not None and loaded.flow.nodes[0].comments == {}


def test_keys_of_a_keyed_parameter_are_keys() -> None:
    """A menu's `words` are keyed by telephone keys; any other key is an error, as in `.flow` text."""
    data = graph()
    data["nodes"][0] = {"id": "greet", "type": "menu", "params": {"prompt": "hello", "words": {"a b": ["x"]}}}
    data["edges"] = [{"from": "greet", "exit": "failed", "to": "bye"}]
    assert any("nodes/0/params/words" in p for p in rendered(read(data)))


def test_a_trailing_newline_does_not_pass_a_name_pattern() -> None:
    """Patterns end where JSON Schema's (ECMA-262) do: `"bye\\n"` is not a node id (Python's `$` allowed it)."""
    data = graph()
    data["nodes"][1]["id"] = "bye\n"
    assert rendered(read(data))[0].startswith("f.flow.json#/nodes/1/id: error[E111]:")
