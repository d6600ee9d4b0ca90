"""Header changes: the flow's name, title, languages, inputs and outputs, start, global keys and variables.

When the language calls start in changes without `default_language` saying so (the first of `languages` is
another), that is shown too, as `start_language`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from callflow.flowlang.diff.model import HeaderChange
from callflow.flowlang.diff.values import MISSING, Value, merged, same_value
from callflow.flowlang.model import Flow, GlobalKey, Variable

FIELDS = ("name", "title", "languages", "default_language", "inputs", "outputs")


def header_changes(old: Flow, new: Flow, renames: Mapping[str, str]) -> Iterator[HeaderChange]:
    """The header's changes in the order the header is written, then the start, global keys and variables."""
    for name in FIELDS:
        before, after = _plain(getattr(old, name)), _plain(getattr(new, name))
        if not same_value(before, after):
            yield HeaderChange(name, before, after)
    if old.language != new.language and (old.default_language, new.default_language) != (old.language, new.language):
        yield HeaderChange("start_language", old.language, new.language)
    old_start = old.nodes[0].id if old.nodes else None
    new_start = new.nodes[0].id if new.nodes else None
    if (renames.get(old_start, old_start) if old_start else None) != new_start:
        yield HeaderChange("start", old_start, new_start)
    yield from _global_keys(old.global_keys, new.global_keys, renames)
    yield from _variables(old.variables, new.variables)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _global_keys(
    old: tuple[GlobalKey, ...], new: tuple[GlobalKey, ...], renames: Mapping[str, str]
) -> Iterator[HeaderChange]:
    before = {k.key: k for k in reversed(old)}  # the first of a repeated key counts, as in a menu
    after = {k.key: k for k in reversed(new)}
    for key, _ in merged([k.key for k in old if before[k.key] is k], [k.key for k in new if after[k.key] is k]):
        was, now = before.get(key), after.get(key)
        seen_as = None
        if was is not None:
            seen_as = (was.action, renames.get(was.target, was.target) if was.target else None)
        if seen_as != (None if now is None else (now.action, now.target)):
            yield HeaderChange("global_key", _key_json(was), _key_json(now), key=key)


def _key_json(key: GlobalKey | None) -> Value:
    if key is None:
        return MISSING
    data: dict[str, Any] = {"action": key.action}
    if key.target is not None:
        data["to"] = key.target
    return data


def _variables(old: tuple[Variable, ...], new: tuple[Variable, ...]) -> Iterator[HeaderChange]:
    before = {v.name: v for v in reversed(old)}
    after = {v.name: v for v in reversed(new)}
    for name, _ in merged([v.name for v in old if before[v.name] is v], [v.name for v in new if after[v.name] is v]):
        was, now = _variable_json(before.get(name)), _variable_json(after.get(name))
        if not same_value(None if was is MISSING else was, None if now is MISSING else now):
            yield HeaderChange("variable", was, now, key=name)


def _variable_json(variable: Variable | None) -> Value:
    if variable is None:
        return MISSING
    return {"value": variable.value, "secret": variable.secret}
