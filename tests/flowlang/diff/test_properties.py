"""Properties of the semantic diff on any well-formed flow: itself is no difference, renaming is only renames."""

from __future__ import annotations

import dataclasses
import json

from flow_strategies import REGISTRY, flows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callflow.flowlang.diff import diff_flows
from callflow.flowlang.diff.model import NODE_STATUSES
from callflow.flowlang.jsonform import dump_json
from callflow.flowlang.loader import load_text
from callflow.flowlang.model import Flow

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rename_nodes(flow: Flow, new_id: dict[str, str]) -> Flow:
    """The flow with its nodes renamed, and every reference to them: edges, global keys, layout and its comments."""

    def to(node_id: str) -> str:
        return new_id.get(node_id, node_id)

    def comment_key(key: str) -> str:
        return "layout " + to(key.removeprefix("layout ")) if key.startswith("layout ") else key

    return dataclasses.replace(
        flow,
        nodes=tuple(dataclasses.replace(n, id=to(n.id)) for n in flow.nodes),
        edges=tuple(dataclasses.replace(e, source=to(e.source), target=to(e.target)) for e in flow.edges),
        global_keys=tuple(dataclasses.replace(k, target=k.target and to(k.target)) for k in flow.global_keys),
        layout={to(node_id): position for node_id, position in flow.layout.items()},
        comments={comment_key(key): comment for key, comment in flow.comments.items()},
    )


@SETTINGS
@given(flows())
def test_a_flow_diffed_with_itself_is_the_same(flow: Flow) -> None:
    """Any flow diffed with itself, or with its JSON form read back, has no differences at all."""
    assert diff_flows(flow, flow, REGISTRY).same
    again = load_text(dump_json(flow), "t.flow.json", "json", REGISTRY).flow
    assert again is not None
    difference = diff_flows(flow, again, REGISTRY)
    assert difference.same and difference.to_text().endswith(": no differences\n")
    assert difference.node_counts()["unchanged"] == len({n.id for n in flow.nodes})


@SETTINGS
@given(flows())
def test_renaming_every_node_gives_only_renames(flow: Flow) -> None:
    """Every node renamed at once, references with them: each node is `renamed`, and nothing else differs."""
    ids = list(dict.fromkeys(n.id for n in flow.nodes))
    new_ids = {node_id: f"renamed-{node_id}" for node_id in ids}  # `-` never appears in the generated ids
    difference = diff_flows(flow, rename_nodes(flow, new_ids), REGISTRY)
    assert difference.renames == new_ids
    assert [(n.id, n.status, n.old_id) for n in difference.nodes] == [(new_ids[i], "renamed", i) for i in ids]
    assert (difference.header, difference.prompts, difference.layout, difference.comments) == ((), (), (), ())


@SETTINGS
@given(flows(), flows())
def test_any_two_flows_give_a_consistent_diff(old: Flow, new: Flow) -> None:
    """Between any two flows: each node is counted once, statuses are the documented ones, the result is plain JSON
    and the same every time."""
    difference = diff_flows(old, new, REGISTRY)
    old_ids, new_ids = set(n.id for n in old.nodes), set(n.id for n in new.nodes)
    entries = [(n.id, n.status) for n in difference.nodes]
    assert len({node_id for node_id, _ in entries}) == len(entries)
    assert {status for _, status in entries} <= set(NODE_STATUSES)
    removed = {node_id for node_id, status in entries if status == "removed"}
    assert removed == old_ids - new_ids - set(difference.renames)
    shown = len(entries) - len(removed)
    assert shown + difference.node_counts()["unchanged"] == len(new_ids)
    assert set(difference.renames) <= old_ids - new_ids and set(difference.renames.values()) <= new_ids - old_ids
    text = json.dumps(difference.to_json())
    assert json.loads(text) == difference.to_json()
    assert difference.to_text().count("\n") >= 1
    assert difference == diff_flows(old, new, REGISTRY)  # deterministic
    assert difference.same == diff_flows(new, old, REGISTRY).same


@SETTINGS
@given(flows(), st.data())
def test_renaming_some_nodes_is_undone_by_the_reverse_diff(flow: Flow, data: st.DataObject) -> None:
    """Renames found one way are found the other way, reversed."""
    ids = list(dict.fromkeys(n.id for n in flow.nodes))
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=1))
    new_ids = {node_id: f"renamed-{node_id}" for node_id in chosen}
    forward = diff_flows(flow, rename_nodes(flow, new_ids), REGISTRY)
    backward = diff_flows(rename_nodes(flow, new_ids), flow, REGISTRY)
    assert forward.renames == new_ids
    assert backward.renames == {new: old for old, new in new_ids.items()}
