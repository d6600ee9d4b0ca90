"""Round-trip properties: `.flow` and JSON convert into each other with nothing lost, and `fmt` is stable."""

from __future__ import annotations

from flow_strategies import REGISTRY, flows
from hypothesis import HealthCheck, given, settings

from callflow.flowlang.jsonform import dump_json
from callflow.flowlang.loader import load_text
from callflow.flowlang.model import Flow
from callflow.flowlang.printer import format_flow

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(flows())
def test_dsl_text_reads_back_as_the_same_flow(flow: Flow) -> None:
    """Printing a flow as `.flow` text and reading it back gives the same flow, comments included."""
    text = format_flow(flow, REGISTRY)
    loaded = load_text(text, "t.flow", "dsl", REGISTRY)
    assert [p.render() for p in loaded.problems] == []
    assert loaded.flow == flow


@SETTINGS
@given(flows())
def test_json_reads_back_as_the_same_flow(flow: Flow) -> None:
    """Writing a flow as JSON and reading it back gives the same flow."""
    loaded = load_text(dump_json(flow), "t.flow.json", "json", REGISTRY)
    assert [p.render() for p in loaded.problems] == []
    assert loaded.flow == flow


@SETTINGS
@given(flows())
def test_fmt_is_idempotent(flow: Flow) -> None:
    """Formatting formatted text changes nothing."""
    text = format_flow(flow, REGISTRY)
    again = load_text(text, "t.flow", "dsl", REGISTRY).flow
    assert again is not None
    assert format_flow(again, REGISTRY) == text


@SETTINGS
@given(flows())
def test_dsl_to_json_to_dsl_gives_the_fmt_output(flow: Flow) -> None:
    """`.flow` -> JSON -> `.flow` gives exactly what `callflow fmt` writes."""
    text = format_flow(flow, REGISTRY)
    via_json = load_text(dump_json(flow), "t.flow.json", "json", REGISTRY).flow
    assert via_json is not None
    assert format_flow(via_json, REGISTRY) == text


@SETTINGS
@given(flows())
def test_json_to_dsl_to_json_gives_the_same_json(flow: Flow) -> None:
    """JSON -> `.flow` -> JSON gives the same JSON text."""
    json_text = dump_json(flow)
    via_dsl = load_text(format_flow(flow, REGISTRY), "t.flow", "dsl", REGISTRY).flow
    assert via_dsl is not None
    assert dump_json(via_dsl) == json_text
