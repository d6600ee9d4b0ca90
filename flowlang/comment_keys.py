"""The lines a comment can be kept with: the keys of `comments` in the model and in the JSON graph.

A `.flow` file keeps each comment on a line of the text, so a comment of the JSON graph whose key names no line
(a parameter not given, an exit not wired, a header field not set) would be lost on the way to `.flow` text and
back. Such a comment is reported where it is, not dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.errors import Location
from callflow.flowlang.header import FIELDS
from callflow.flowlang.model import Comment, Edge, Flow, Node, Prompt
from callflow.flowlang.registry import Registry


def flow_keys(flow: Flow) -> set[str]:
    """The lines of a flow's header and layout block."""
    keys = {"", *(["title"] if flow.title is not None else [])}
    keys |= {name for name in FIELDS if name not in ("title", "global_key") and getattr(flow, name)}
    keys |= {f"global_key {key.key}" for key in flow.global_keys}
    if flow.layout:
        keys |= {"layout"} | {f"layout {node_id}" for node_id in flow.layout}
    return keys


def prompt_keys(prompt: Prompt) -> set[str]:
    """The lines of a prompt: its first, one per language, one per audio file."""
    files = {"file" if language == "*" else f"file {language}" for language in prompt.file}
    return {"", *prompt.text, *files}


def node_keys(node: Node, registry: Registry, edges: Iterable[Edge]) -> set[str]:
    """The lines of a node: its first, one per parameter (per key of a keyed one) not on the first, one per exit."""
    keys = {""} | {f"exit:{edge.exit}" for edge in edges}
    node_type = registry.get(node.type)
    if node_type is None:
        return keys
    for spec in node_type.specs:
        value = node.params.get(spec.name)
        if value is None or (spec.positional and spec.keyed is None):
            continue
        keys |= {f"{spec.name} {key}" for key in value} if spec.keyed is not None else {spec.name}
    return keys


def stray_comments(flow: Flow, registry: Registry, file: str) -> list[Diagnostic]:
    """Comments of a JSON graph that belong to no line its `.flow` text would have."""
    found = list(_stray(flow.comments, flow_keys(flow), file, ""))
    found += [p for i, v in enumerate(flow.variables) for p in _stray(v.comments, {""}, file, f"/variables/{i}")]
    found += [
        p for i, pr in enumerate(flow.prompts) for p in _stray(pr.comments, prompt_keys(pr), file, f"/prompts/{i}")
    ]
    for index, node in enumerate(flow.nodes):
        keys = node_keys(node, registry, flow.edges_from(node.id))
        found += _stray(node.comments, keys, file, f"/nodes/{index}")
    return found


def _stray(comments: Mapping[str, Comment], keys: set[str], file: str, pointer: str) -> Iterator[Diagnostic]:
    for key in comments:
        if key not in keys:
            where = Location(file, pointer=f"{pointer}/comments/{key.replace('~', '~0').replace('/', '~1')}")
            message = f"the comment `{key}` belongs to no line here, so `.flow` text could not keep it"
            yield Diagnostic(codes.INVALID_FLOW, message, where)
