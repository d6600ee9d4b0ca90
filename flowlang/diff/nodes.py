"""Node changes: parameters old → new, exits rewired, and each node's status."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from typing import Any

from callflow.flowlang.diff.graph import FlowGraph, mapped_exits
from callflow.flowlang.diff.model import ExitChange, NodeChange, ParamChange
from callflow.flowlang.diff.values import MISSING, Value, json_of, merged, same_value
from callflow.flowlang.model import JSON, Node
from callflow.flowlang.nodetype import NodeType, ParamSpec
from callflow.flowlang.registry import Registry


def node_changes(
    old: FlowGraph, new: FlowGraph, renames: Mapping[str, str], moved: set[str], registry: Registry
) -> tuple[list[NodeChange], int]:
    """Every node that differs, in model order (a removed node where it stood), and how many are unchanged.

    `moved` holds the new ids of nodes drawn elsewhere: such a node with no other change is `moved`.
    """
    back = {new_id: old_id for old_id, new_id in renames.items()}
    order = merged([renames.get(node_id, node_id) for node_id in old.nodes], list(new.nodes))
    changes: list[NodeChange] = []
    unchanged = 0
    for node_id, only_old in order:
        if only_old:
            node = old.nodes[node_id]
            params = tuple(_all_params(node, registry, old_side=True))
            exits = tuple(ExitChange(e, t, None) for e, t in old.exits[node_id])
            changes.append(NodeChange(node_id, "removed", node.type, params=params, exits=exits))
            continue
        node = new.nodes[node_id]
        old_id = back.get(node_id, node_id if node_id in old.nodes else None)
        if old_id is None:
            params = tuple(_all_params(node, registry, old_side=False))
            exits = tuple(ExitChange(e, None, t) for e, t in new.exits[node_id])
            changes.append(NodeChange(node_id, "added", node.type, params=params, exits=exits))
            continue
        change = _compared(old, new, old_id, node_id, renames, registry)
        if change is None and node_id in moved:
            change = NodeChange(node_id, "moved", node.type)
        if change is None:
            unchanged += 1
        else:
            changes.append(change)
    return changes, unchanged


def _compared(
    old: FlowGraph, new: FlowGraph, old_id: str, new_id: str, renames: Mapping[str, str], registry: Registry
) -> NodeChange | None:
    """How a node kept (or renamed) differs, or None when it does not."""
    before, after = old.nodes[old_id], new.nodes[new_id]
    same_content = old.content(old_id) == new.content(new_id)
    params = () if same_content else tuple(param_changes(before, after, registry))
    exits = tuple(_exit_changes(old, new, old_id, new_id, renames))
    order = _order(old.exits[old_id], new.exits[new_id])
    old_type = before.type if before.type != after.type else None
    renamed_from = old_id if old_id != new_id else None
    if params or old_type is not None:
        status = "changed"
    elif exits or order is not None:
        status = "rewired"
    elif renamed_from is not None:
        status = "renamed"
    else:
        return None
    return NodeChange(new_id, status, after.type, renamed_from, old_type, params, exits, order)


def _exit_changes(
    old: FlowGraph, new: FlowGraph, old_id: str, new_id: str, renames: Mapping[str, str]
) -> Iterator[ExitChange]:
    """Exits wired on one side only, or leading elsewhere (a renamed target is the same target)."""
    if mapped_exits(old, old_id, renames) == new.exits[new_id]:
        return
    before, after = dict(old.exits[old_id]), dict(new.exits[new_id])
    for exit_name, _ in merged(list(before), list(after)):
        old_target, new_target = before.get(exit_name), after.get(exit_name)
        seen_as = None if old_target is None else renames.get(old_target, old_target)
        if seen_as != new_target:
            yield ExitChange(exit_name, old_target, new_target)


def _order(
    before: tuple[tuple[str, str], ...], after: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Both orders of a node's exits, when the exits both versions have come in another order."""
    old_names, new_names = tuple(e for e, _ in before), tuple(e for e, _ in after)
    if old_names == new_names:
        return None
    common = set(old_names) & set(new_names)
    if [e for e in old_names if e in common] == [e for e in new_names if e in common]:
        return None
    return old_names, new_names


# -- parameters ----------------------------------------------------------------------------------------------


def param_changes(before: Node, after: Node, registry: Registry) -> Iterator[ParamChange]:
    """Parameters whose value differs, a parameter left out counting as its default."""
    if before.type != after.type:
        yield from _all_params(before, registry, old_side=True)
        yield from _all_params(after, registry, old_side=False)
        return
    node_type = registry.get(after.type)
    defaults = _defaults(node_type)
    for name in _names(before, after, node_type):
        spec = node_type.spec(name) if node_type is not None else None
        old_value, new_value = before.params.get(name, MISSING), after.params.get(name, MISSING)
        if spec is not None and spec.keyed is not None:
            yield from _keyed(spec, old_value, new_value)
            continue
        default = defaults.get(name, MISSING)
        old_effective = default if old_value is MISSING else old_value
        new_effective = default if new_value is MISSING else new_value
        if old_effective is MISSING or new_effective is MISSING or not same_value(old_effective, new_effective):
            yield _change(name, spec, old_value, new_value, default)


def _all_params(node: Node, registry: Registry, old_side: bool) -> Iterator[ParamChange]:
    """Every parameter a node sets, as added (or removed, for the old side)."""
    node_type = registry.get(node.type)
    for name in _names(node, node, node_type):
        spec = node_type.spec(name) if node_type is not None else None
        value = node.params[name]
        if spec is not None and spec.keyed is not None:
            yield from _keyed(spec, value if old_side else MISSING, MISSING if old_side else value)
        else:
            yield _change(name, spec, value if old_side else MISSING, MISSING if old_side else value, MISSING)


def _names(before: Node, after: Node, node_type: NodeType | None) -> list[str]:
    """The parameters either node sets: the node type's order first, then the rest as written."""
    given = [*after.params, *(name for name in before.params if name not in after.params)]
    known = [s.name for s in node_type.specs] if node_type is not None else []
    return [name for name in known if name in given] + [name for name in given if name not in known]


def _keyed(spec: ParamSpec, old_value: Value, new_value: Value) -> Iterator[ParamChange]:
    """A keyed parameter compared key by key (a menu's words for each key)."""
    before = old_value if isinstance(old_value, Mapping) else {}
    after = new_value if isinstance(new_value, Mapping) else {}
    assert spec.keyed is not None
    for key, _ in merged(list(before), list(after)):
        old_item, new_item = before.get(key, MISSING), after.get(key, MISSING)
        if old_item is MISSING or new_item is MISSING or not same_value(old_item, new_item):
            label = f"{spec.word} {_encoded(spec.keyed.encode, key)}"
            change = _change(spec.name, spec, old_item, new_item, MISSING)
            yield dataclasses.replace(change, key=str(key), label=label)


def _change(name: str, spec: ParamSpec | None, old: Value, new: Value, default: Value) -> ParamChange:
    encode = spec.kind.encode if spec is not None else _json_text
    return ParamChange(
        name,
        json_of(old) if old is not MISSING else MISSING,
        json_of(new) if new is not MISSING else MISSING,
        default=json_of(default) if default is not MISSING and (old is MISSING or new is MISSING) else MISSING,
        label=spec.word if spec is not None else name,
        old_text=_encoded(encode, old),
        new_text=_encoded(encode, new),
        default_text=_encoded(encode, default),
    )


def _defaults(node_type: NodeType | None) -> dict[str, JSON]:
    """The value each parameter takes when a node leaves it out (parameters with no default are left out)."""
    if node_type is None:
        return {}
    found: dict[str, JSON] = {}
    for f in dataclasses.fields(node_type.params):
        if f.default is not dataclasses.MISSING:
            found[f.name] = json_of(f.default)
        elif f.default_factory is not dataclasses.MISSING:
            found[f.name] = json_of(f.default_factory())
    return found


def _encoded(encode: Any, value: Value) -> str:
    """A value as the DSL writes it ("" where there is none; JSON when the node type cannot write it)."""
    if value is MISSING:
        return ""
    try:
        return str(encode(value))
    except (TypeError, ValueError, AttributeError, KeyError):
        return _json_text(value)


def _json_text(value: JSON) -> str:
    return json.dumps(value, ensure_ascii=False)
