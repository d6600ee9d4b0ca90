"""The semantic diff of two versions of a flow: what changed for callers, apart from layout and comments.

```python
from callflow.flowlang.diff import diff_flows

difference = diff_flows(old, new, registry)
difference.to_json()  # the documented shape a canvas paints from (docs/diff.md)
difference.to_text()  # for people, like a code review
```
"""

from __future__ import annotations

from callflow.flowlang.diff.graph import FlowGraph
from callflow.flowlang.diff.header import header_changes
from callflow.flowlang.diff.model import FlowDiff
from callflow.flowlang.diff.nodes import node_changes
from callflow.flowlang.diff.notes import comment_changes, moves
from callflow.flowlang.diff.prompts import prompt_changes
from callflow.flowlang.diff.renames import find_renames
from callflow.flowlang.memory import collection_paused
from callflow.flowlang.model import Flow
from callflow.flowlang.registry import Registry, default_registry

__all__ = ["FlowDiff", "diff_flows"]


def diff_flows(old: Flow, new: Flow, registry: Registry | None = None) -> FlowDiff:
    """What differs from `old` to `new`, in model order; the registry knows the parameters of each node type."""
    registry = registry or default_registry()
    with collection_paused():  # many small objects, no cycles: the collector would walk them again and again
        return _diff(old, new, registry)


def _diff(old: Flow, new: Flow, registry: Registry) -> FlowDiff:
    old_graph, new_graph = FlowGraph.of(old), FlowGraph.of(new)
    renames = find_renames(old_graph, new_graph)
    layout = tuple(moves(old_graph, new_graph, renames))
    nodes, unchanged = node_changes(old_graph, new_graph, renames, {m.id for m in layout}, registry)
    return FlowDiff(
        old_name=old.name,
        new_name=new.name,
        header=tuple(header_changes(old, new, renames)),
        prompts=tuple(prompt_changes(old, new, registry)),
        nodes=tuple(nodes),
        layout=layout,
        comments=tuple(comment_changes(old, new, renames)),
        renames=renames,
        unchanged=unchanged,
    )
