"""Flows that call flows: finding a called flow (next to its caller, or in a tenant's service), and calls that go
round in a circle."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import FlowContext
from callflow.flowlang.check.graph import has_cycle
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.loader import load_file
from callflow.flowlang.model import Flow
from callflow.flowlang.registry import Registry

MAX_NAME_BYTES = 255 - len(".flow.json")
"""A called flow is found by its file name, which most file systems keep to 255 bytes."""


def flow_path(name: str, directory: Path) -> Path | None:
    """The file of a called flow: `NAME.flow` or `NAME.flow.json` in the caller's folder."""
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return None
    for suffix in (".flow", ".flow.json"):
        candidate = directory / f"{name}{suffix}"
        try:
            if candidate.is_file():
                return candidate
        except OSError:  # a name the file system cannot hold (too long, ...) names no file
            continue
    return None


@lru_cache(maxsize=256)
def _load(path: Path, mtime_ns: int, registry: Registry) -> Flow | None:
    loaded = load_file(path, registry)
    return loaded.flow if loaded.ok else None


class FlowSet(Protocol):
    """The flows a checked flow may call, by name."""

    def exists(self, name: str) -> bool:
        """Whether a flow of that name is there at all (well-formed or not)."""

    def get(self, name: str) -> Flow | None:
        """The flow of that name; None when it is missing or not well-formed."""

    def missing(self, name: str) -> str:
        """How to say that a flow is not there (it ends a sentence)."""


@dataclass(frozen=True)
class FolderFlows:
    """Called flows as files next to the caller: `NAME.flow` or `NAME.flow.json`."""

    directory: Path
    registry: Registry

    def exists(self, name: str) -> bool:
        return flow_path(name, self.directory) is not None

    def get(self, name: str) -> Flow | None:
        path = flow_path(name, self.directory)
        if path is None:
            return None
        try:
            return _load(path.resolve(), path.stat().st_mtime_ns, self.registry)
        except OSError:  # gone, or unreadable, since it was found
            return None

    def missing(self, name: str) -> str:
        if len(name.encode("utf-8")) > MAX_NAME_BYTES:
            return f"that name is longer than a file name can be ({MAX_NAME_BYTES} bytes)"
        return f"there is no {name}.flow or {name}.flow.json next to this file"


def load_called_flow(name: str, flows: FlowSet | None) -> Flow | None:
    """A called flow; None when there is no way to find flows, or it is missing or not well-formed."""
    return flows.get(name) if flows is not None else None


def _called(flow: Flow, registry: Registry) -> set[str]:
    ctx = FlowContext(flow, registry, None, lambda _: None)
    return {ref.name for ref in ctx.references if ref.kind == "flow"}


def call_cycle(ctx: FlowContext) -> list[str] | None:
    """A chain of calls that leads from this flow back to itself, if any."""
    calls: dict[str, list[str]] = {}
    pending = [ctx.flow]
    seen = {ctx.flow.name}
    while pending:
        flow = pending.pop()
        for name in _called(flow, ctx.registry):
            calls.setdefault(flow.name, []).append(name)
            callee = ctx.flow if name == ctx.flow.name else load_called_flow(name, ctx.flows)
            if callee is not None and name not in seen:
                seen.add(name)
                pending.append(callee)
    if ctx.flow.name not in calls or not has_cycle(calls):
        return None
    import networkx as nx  # only for a cycle of calls (flowlang/check/graph.py)

    graph = nx.DiGraph([(caller, called) for caller, names in calls.items() for called in names])
    try:
        cycle = nx.find_cycle(graph, ctx.flow.name)
    except nx.NetworkXNoCycle:
        return None
    names = [source for source, _ in cycle]
    return [*names, names[0]] if ctx.flow.name in names else None


def check_subflows(ctx: FlowContext) -> Iterator[Diagnostic]:
    """Called flows that cannot be found or do not load, and flows that end up calling themselves."""
    calls = [ref for ref in ctx.references if ref.kind == "flow"]
    if not calls:
        return
    for ref in calls:
        if ref.name == ctx.flow.name:
            continue
        if ctx.flows is None:
            continue
        if not ctx.flows.exists(ref.name):
            message = f"`{ref.node.id}` calls flow `{ref.name}`, but {ctx.flows.missing(ref.name)}"
            yield ctx.problem(codes.SUBFLOW_NOT_FOUND, message, ref.location)
        elif ctx.flows.get(ref.name) is None:
            message = f"`{ref.node.id}` calls flow `{ref.name}`, which has errors; run `callflow check` on it"
            yield ctx.problem(codes.SUBFLOW_NOT_FOUND, message, ref.location)
    cycle = call_cycle(ctx)
    if cycle is not None:
        first = next(ref for ref in calls if ref.name == cycle[1])
        message = "flows call each other in a circle: " + " -> ".join(cycle)
        yield ctx.problem(codes.RECURSIVE_SUBFLOW, message, first.location)
