"""Prompt changes: prompts added and removed, and texts and files changed per language."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from callflow.flowlang.diff.model import PromptChange, TextChange
from callflow.flowlang.diff.values import merged
from callflow.flowlang.model import Flow, Prompt
from callflow.flowlang.registry import Registry


def prompt_changes(old: Flow, new: Flow, registry: Registry) -> Iterator[PromptChange]:
    """Each prompt that is not the same, in model order, with the nodes that play it (in the version it is in)."""
    before, after = _by_id(old), _by_id(new)
    players: dict[int, dict[str, list[str]]] = {}
    for prompt_id, only_old in merged(list(before), list(after)):
        was, now = before.get(prompt_id), after.get(prompt_id)
        flow = old if only_old else new
        if id(flow) not in players:
            players[id(flow)] = played_by(flow, registry)
        used_by = tuple(players[id(flow)].get(prompt_id, ()))
        if was is None:
            assert now is not None
            yield PromptChange(prompt_id, "added", _texts({}, now.text), _texts({}, now.file), used_by)
        elif now is None:
            yield PromptChange(prompt_id, "removed", _texts(was.text, {}), _texts(was.file, {}), used_by)
        else:
            text, file = _texts(was.text, now.text), _texts(was.file, now.file)
            if text or file:
                yield PromptChange(prompt_id, "changed", text, file, used_by)


def _by_id(flow: Flow) -> dict[str, Prompt]:
    found: dict[str, Prompt] = {}
    for prompt in flow.prompts:
        found.setdefault(prompt.id, prompt)
    return found


def _texts(before: Mapping[str, str], after: Mapping[str, str]) -> tuple[TextChange, ...]:
    """Per language, the texts (or files) that differ."""
    if before == after:
        return ()
    return tuple(
        TextChange(language, before.get(language), after.get(language))
        for language, _ in merged(list(before), list(after))
        if before.get(language) != after.get(language)
    )


def played_by(flow: Flow, registry: Registry) -> dict[str, list[str]]:
    """The nodes that name each prompt in a parameter, by prompt id, in model order."""
    found: dict[str, list[str]] = {}
    for node in flow.nodes:
        node_type = registry.get(node.type)
        if node_type is None:
            continue
        for spec in node_type.specs:
            if spec.kind.refers_to != "prompt" or spec.name not in node.params:
                continue
            value = node.params[spec.name]
            for item in value.values() if spec.keyed is not None and isinstance(value, Mapping) else [value]:
                for name in spec.kind.names(item):
                    users = found.setdefault(name, [])
                    if node.id not in users:
                        users.append(node.id)
    return found
