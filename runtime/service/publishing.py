"""Publishing: a draft becomes a numbered, immutable version that live calls run, when it has no errors and its
tests pass among what is published; rolling back publishes an earlier version again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from callflow.flowlang.diagnostics import Diagnostic
from callflow.runtime.service.library import flow_file
from callflow.runtime.service.testing import run_suites
from callflow.runtime.service.workspace import Workspace, has_errors
from callflow.runtime.store.audit import Actor
from callflow.runtime.store.versions import Version


@dataclass
class PublishRefused(Exception):
    """Why a draft was not published: its errors, or its failing tests."""

    reason: str
    message: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


async def publish(workspace: Workspace, name: str, comment: str | None, actor: Actor, *, force: bool) -> Version:
    """Publish a flow's draft as its next version.

    Checked and tested as it would run: this draft with the newest published version of every other flow. Refused
    while it has errors, or while a test fails (unless `force`, which the caller allows only to admins)."""
    draft = workspace.folder.flows.get(workspace.tenant.id, name)
    candidate = workspace.published().with_texts({name: draft.text})
    loaded = workspace.parsed.load(draft.text, flow_file(name))
    diagnostics = workspace.check(loaded, draft.text, candidate)
    if has_errors(diagnostics):
        raise PublishRefused("flow_has_errors", f"{name} has errors; fix them before publishing", diagnostics)
    run = await run_suites(workspace, name, candidate)
    failures = run.failures()
    if failures and not force:
        count = len(failures)
        message = (
            f"{count} test case{'s' * (count != 1)} of {name} fail{'s' * (count == 1)}; fix them or publish with force"
        )
        raise PublishRefused("tests_failed", message, failures=failures)
    detail = {"revision": draft.revision, **({"forced": True, "failing": len(failures)} if failures else {})}
    return workspace.folder.versions.publish(workspace.tenant.id, name, draft.text, comment, actor, detail=detail)


def rollback(workspace: Workspace, name: str, to: int, comment: str | None, actor: Actor) -> Version:
    """Publish version `to` again, as the newest version."""
    old = workspace.folder.versions.get(workspace.tenant.id, name, to)
    note = comment or f"rollback to version {to}"
    return workspace.folder.versions.publish(workspace.tenant.id, name, old.text, note, actor, rollback_of=to)
