"""Flows that call flows: finding a called flow next to its caller, and calls that go round in a circle."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import networkx as nx

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import FlowContext
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


def load_called_flow(name: str, directory: Path | None, registry: Registry) -> Flow | None:
    """A called flow, read once per version of its file; None when missing or not well-formed."""
    if directory is None:
        return None
    path = flow_path(name, directory)
    if path is None:
        return None
    try:
        return _load(path.resolve(), path.stat().st_mtime_ns, registry)
    except OSError:  # gone, or unreadable, since it was found
        return None


def _called(flow: Flow, registry: Registry) -> set[str]:
    ctx = FlowContext(flow, registry, None, lambda _: None)
    return {ref.name for ref in ctx.references if ref.kind == "flow"}


def call_cycle(ctx: FlowContext) -> list[str] | None:
    """A chain of calls that leads from this flow back to itself, if any."""
    graph = nx.DiGraph()
    pending = [ctx.flow]
    seen = {ctx.flow.name}
    while pending:
        flow = pending.pop()
        for name in _called(flow, ctx.registry):
            graph.add_edge(flow.name, name)
            callee = ctx.flow if name == ctx.flow.name else load_called_flow(name, ctx.directory, ctx.registry)
            if callee is not None and name not in seen:
                seen.add(name)
                pending.append(callee)
    if ctx.flow.name not in graph:
        return None
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
        if len(ref.name.encode("utf-8")) > MAX_NAME_BYTES:
            message = (
                f"`{ref.node.id}` calls a flow whose name is longer than a file name can be ({MAX_NAME_BYTES} bytes)"
            )
            yield ctx.problem(codes.SUBFLOW_NOT_FOUND, message, ref.location)
        elif ctx.directory is not None and flow_path(ref.name, ctx.directory) is None:
            message = (
                f"`{ref.node.id}` calls flow `{ref.name}`, but there is no {ref.name}.flow or {ref.name}.flow.json"
            )
            yield ctx.problem(codes.SUBFLOW_NOT_FOUND, message + " next to this file", ref.location)
        elif load_called_flow(ref.name, ctx.directory, ctx.registry) is None and ctx.directory is not None:
            message = f"`{ref.node.id}` calls flow `{ref.name}`, which has errors; run `callflow check` on it"
            yield ctx.problem(codes.SUBFLOW_NOT_FOUND, message, ref.location)
    cycle = call_cycle(ctx)
    if cycle is not None:
        first = next(ref for ref in calls if ref.name == cycle[1])
        message = "flows call each other in a circle: " + " -> ".join(cycle)
        yield ctx.problem(codes.RECURSIVE_SUBFLOW, message, first.location)
