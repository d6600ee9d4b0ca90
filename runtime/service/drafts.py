"""Drafts in the service: read from a request in either form, kept as canonical DSL, checked on every save."""

from __future__ import annotations

from dataclasses import dataclass, replace

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.errors import Location
from callflow.flowlang.loader import Loaded, dump
from callflow.flowlang.model import Flow, Node
from callflow.runtime.service.library import flow_file
from callflow.runtime.service.workspace import Workspace
from callflow.runtime.store.audit import Actor
from callflow.runtime.store.flows import Draft, check_name

DSL = "dsl"
JSON = "json"


class InvalidFlow(Exception):
    """A text that cannot be read as a flow, with the problems that say why."""

    def __init__(self, message: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Saved:
    """A draft as saved, and what the check of it found."""

    draft: Draft
    diagnostics: list[Diagnostic]


def read_flow(workspace: Workspace, name: str, text: str, form: str) -> Loaded:
    """The flow in a request's text; raises InvalidFlow when it cannot be read or names another flow."""
    file = flow_file(name) + (".json" if form == JSON else "")
    loaded = workspace.parsed.load(text, file, form)
    if not loaded.ok or loaded.flow is None:
        errors = [p for p in loaded.problems if p.severity == codes.Severity.ERROR]
        raise InvalidFlow(f"{file} cannot be read as a flow", errors or loaded.problems)
    if loaded.flow.name != name:
        where = Location(file, 1, 1) if form == DSL else Location(file, pointer="/flow")
        problem = Diagnostic(
            codes.SYNTAX, f"this text is flow `{loaded.flow.name}`, but it was sent as flow `{name}`", where
        )
        raise InvalidFlow(f"{file} names another flow", [problem])
    return loaded


def canonical(workspace: Workspace, flow: Flow) -> str:
    """The text a draft is kept as: what `callflow fmt` writes."""
    return dump(flow, DSL, workspace.registry)


def new_flow(workspace: Workspace, name: str, title: str | None, languages: tuple[str, ...] = ("zh-CN", "en")) -> str:
    """The text of a new flow: a header and a first node."""
    check_name(name)
    flow = Flow(name, title=title or None, languages=languages, nodes=(Node("start", "hangup"),))
    return canonical(workspace, flow)


def save_draft(workspace: Workspace, name: str, text: str, form: str, revision: int | None, actor: Actor) -> Saved:
    """Save a draft (create it when `revision` is None); the check of what was saved."""
    loaded = read_flow(workspace, name, text, form)
    assert loaded.flow is not None
    stored = canonical(workspace, loaded.flow)
    flows, tenant = workspace.folder.flows, workspace.tenant.id
    if revision is None:
        draft = flows.create(tenant, name, loaded.flow.title, stored, actor)
    else:
        draft = flows.save(tenant, name, loaded.flow.title, stored, revision, actor)
    return Saved(draft, check_draft(workspace, draft))


def check_draft(workspace: Workspace, draft: Draft) -> list[Diagnostic]:
    """Every problem of a saved draft, among the tenant's drafts and environment."""
    loaded = workspace.parsed.load(draft.text, flow_file(draft.name))
    return workspace.check(loaded, draft.text)


def renamed_text(workspace: Workspace, draft: Draft, to: str) -> str:
    """A draft's text under another flow name."""
    loaded = workspace.parsed.load(draft.text, flow_file(draft.name))
    if loaded.flow is None:
        raise InvalidFlow(f"{draft.name} cannot be read as a flow", list(loaded.problems))
    return canonical(workspace, replace(loaded.flow, name=to))


def node_of(location: Location, flow: Flow | None) -> str | None:
    """The node a problem is in, found from its place (a DSL line, or a JSON Pointer into `nodes` or `edges`)."""
    if flow is None:
        return None
    if location.pointer is not None:
        parts = location.pointer.split("/")
        if len(parts) > 2 and parts[2].isdigit():
            index = int(parts[2])
            if parts[1] == "nodes" and index < len(flow.nodes):
                return flow.nodes[index].id
            if parts[1] == "edges" and index < len(flow.edges):
                return flow.edges[index].source
        return None
    line = location.line
    if line is None:
        return None
    anchors: list[tuple[int, str | None]] = [(n.location.line, n.id) for n in flow.nodes if n.location.line]
    anchors += [(p.location.line, None) for p in flow.prompts if p.location.line]
    anchors += [(v.location.line, None) for v in flow.variables if v.location.line]
    before = [(at, node) for at, node in anchors if at <= line]
    return max(before, key=lambda anchor: anchor[0])[1] if before else None


def diagnostics_json(diagnostics: list[Diagnostic], flow: Flow | None) -> list[dict[str, object]]:
    """Diagnostics as the API answers them, each with the node it is about when that is known."""
    found = []
    for diagnostic in diagnostics:
        data: dict[str, object] = diagnostic.to_json()
        node = node_of(diagnostic.location, flow)
        if node is not None:
            data["node"] = node
        found.append(data)
    return found
