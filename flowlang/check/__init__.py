"""Static checks of a flow: structure, graph, prompts, variables, resources, subflows and each node type's own."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.bargein import check_bargein
from callflow.flowlang.check.context import FlowContext, NodeContext, SourceLine
from callflow.flowlang.check.graph import check_graph
from callflow.flowlang.check.prompts import check_prompts
from callflow.flowlang.check.resources import check_resources
from callflow.flowlang.check.secrets import check_secrets
from callflow.flowlang.check.structure import check_structure
from callflow.flowlang.check.subflows import FlowSet, FolderFlows, check_subflows
from callflow.flowlang.check.variables import check_variables
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.memory import collection_paused
from callflow.flowlang.model import JSON, Edge, Flow
from callflow.flowlang.nodetype import NodeType
from callflow.flowlang.registry import Registry, default_registry
from callflow.flowlang.validation import validator_for

if TYPE_CHECKING:
    from callflow.flowlang.environment import Environment

__all__ = ["FlowContext", "FlowSet", "FolderFlows", "NodeContext", "check_flow"]


def _no_source(_: object) -> None:
    return None


def check_flow(
    flow: Flow,
    *,
    environment: Environment | None = None,
    registry: Registry | None = None,
    source_line: SourceLine = _no_source,
    directory: Path | None = None,
    flows: FlowSet | None = None,
) -> list[Diagnostic]:
    """Every problem a well-formed flow still has, sorted by place; called flows are found in `flows`, or as files
    in `directory`."""
    registry = registry or default_registry()
    if flows is None and directory is not None:
        flows = FolderFlows(directory, registry)
    ctx = FlowContext(flow, registry, environment, source_line, flows)
    with collection_paused():
        found = [
            *check_structure(ctx),
            *check_graph(ctx),
            *check_bargein(ctx),
            *check_prompts(ctx),
            *check_variables(ctx),
            *check_secrets(ctx),
            *check_resources(ctx),
            *check_subflows(ctx),
            *_node_checks(ctx),
        ]
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=codes.sort_key)


@cache
def _params_validator(node_type: NodeType) -> Any:
    return validator_for(node_type.schema())


def params_valid(node_type: NodeType, params: Mapping[str, JSON]) -> bool:
    """Whether a node's parameters fit its node type's schema."""
    return bool(_params_validator(node_type).is_valid(params))


def _node_checks(ctx: FlowContext) -> Iterator[Diagnostic]:
    edges: dict[str, list[Edge]] = {}
    for edge in ctx.flow.edges:
        edges.setdefault(edge.source, []).append(edge)
    for node in ctx.flow.nodes:
        node_type = ctx.node_type(node)
        if node_type is None or node_type.check is None:
            continue
        if not params_valid(node_type, node.params):
            continue  # its parameter problems are reported when the flow is read; its own checks assume valid ones
        params = node_type.build(node.params)
        yield from node_type.check(NodeContext(ctx, node, node_type, params, tuple(edges.get(node.id, ()))))
