"""Resource checks: every queue, mailbox, destination, data source, schedule and switch a flow names exists."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import FlowContext
from callflow.flowlang.check.variables import variable_uses
from callflow.flowlang.diagnostics import Diagnostic

RESOURCE_KINDS = ("queue", "mailbox", "destination", "source", "schedule", "switch")
_TABLE = {
    "queue": "queues",
    "mailbox": "mailboxes",
    "destination": "destinations",
    "source": "sources",
    "schedule": "schedules",
    "switch": "switches",
}


def check_resources(ctx: FlowContext) -> Iterator[Diagnostic]:
    """Names of resources that the environment does not define."""
    uses = [(r.kind, r.name, f"`{r.node.id}`", r.location) for r in ctx.references if r.kind in RESOURCE_KINDS]
    uses += [
        ("switch", u.name.removeprefix("switch."), u.where, u.location)
        for u in variable_uses(ctx)
        if u.name.startswith("switch.")
    ]
    if not uses:
        return
    environment = ctx.environment
    if environment is None:
        message = "no callflow.toml was found next to the flow or above it, so resource names are not checked"
        yield ctx.problem(codes.NO_ENVIRONMENT, message, ctx.flow.location)
        return
    for kind, name, where, location in uses:
        defined = environment.names(kind)
        if name not in defined:
            close = difflib.get_close_matches(name, sorted(defined), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f"; add [{_TABLE[kind]}.{name}] to the environment"
            if kind == "switch" and not close:
                hint = f"; add `{name} = false` under [switches] in the environment"
            message = f"{where} uses {kind} `{name}`, which {environment_name(ctx)} does not define{hint}"
            yield ctx.problem(codes.UNKNOWN_RESOURCE, message, location)


def environment_name(ctx: FlowContext) -> str:
    """How messages name the environment file."""
    path = getattr(ctx.environment, "path", None)
    return f"`{path.name}`" if path is not None else "the environment"
