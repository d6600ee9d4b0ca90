"""Comparing two versions of a flow (a published version or the draft): the semantic diff, and the test cases
whose calls go differently."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from callflow.flowlang.diff import diff_flows
from callflow.flowlang.errors import FlowError
from callflow.flowlang.model import Flow
from callflow.runtime.service.library import Catalog, flow_file
from callflow.runtime.service.testing import suite_environment
from callflow.runtime.service.workspace import Workspace
from callflow.runtime.store.errors import NotFound
from callflow.runtime.testing.consequence import affected_cases
from callflow.runtime.testing.flowtest import cases_from, parse_test_text

DRAFT = "draft"


@dataclass
class Comparison:
    """What changed from one version to another, and for which test cases the calls go differently."""

    old: str | int
    new: str | int
    diff: dict[str, Any]
    cases: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """As the API answers."""
        return {"from": self.old, "to": self.new, "diff": self.diff, "cases": self.cases, "errors": self.errors}


def side(workspace: Workspace, name: str, which: str | int) -> tuple[Flow, Catalog]:
    """One side of a comparison: the flow, and where the flows it calls come from."""
    folder, tenant = workspace.folder, workspace.tenant.id
    if which == DRAFT:
        text, catalog = folder.flows.get(tenant, name).text, workspace.drafts()
    else:
        text, catalog = folder.versions.get(tenant, name, int(which)).text, workspace.published()
    loaded = workspace.parsed.load(text, flow_file(name))
    if loaded.flow is None:
        raise NotFound(f"{which} of {name} cannot be read as a flow")
    return loaded.flow, catalog


def default_old(workspace: Workspace, name: str) -> int:
    """What a draft is compared with when nothing is named: the newest version."""
    newest = workspace.folder.versions.newest(workspace.tenant.id, name)
    if newest is None:
        raise NotFound(f"{name} has no published version to compare with")
    return newest.version


async def compare(workspace: Workspace, name: str, old_side: str | int, new_side: str | int) -> Comparison:
    """The diff from `old_side` to `new_side`, and every suite's cases whose calls differ (subflows as the new
    side finds them)."""
    old, _ = side(workspace, name, old_side)
    new, catalog = side(workspace, name, new_side)
    difference = diff_flows(old, new, workspace.registry)
    result = Comparison(old_side, new_side, difference.to_json())
    for suite in workspace.folder.suites.all(workspace.tenant.id, name):
        try:
            data = parse_test_text(suite.text, suite.file)
            environment = suite_environment(workspace, data, suite)
            found = await affected_cases(
                old,
                new,
                cases_from(data, suite.file),
                environment,
                catalog.for_calls(),
                registry=workspace.registry,
                folder=workspace.files,
                renames=difference.renames,
            )
        except FlowError as error:
            result.errors.append({"suite": suite.suite, "error": str(error)})
            continue
        result.cases += [{"suite": suite.suite, **case.to_json()} for case in found]
    return result
