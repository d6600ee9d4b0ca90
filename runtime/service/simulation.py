"""Simulated calls in the service: a draft or a published version, on the tenant's environment."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from callflow.flowlang.model import Flow
from callflow.runtime.call_record import CallOrigin
from callflow.runtime.recorder import Recorder
from callflow.runtime.service.library import Catalog, flow_file
from callflow.runtime.service.workspace import Workspace
from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.simulator.run import Simulation, Simulator, moment
from callflow.runtime.simulator.script import parse_script

DRAFT = "draft"


@dataclass(frozen=True)
class CallRequest:
    """What to simulate: which version, when, who calls whom, and what the caller does."""

    version: str | int = DRAFT
    at: str | None = None
    caller: str = "10000000000"
    called: str = "12345"
    steps: tuple[str, ...] = ()
    switches: dict[str, bool] = field(default_factory=dict)
    queue_position: int = 1
    limit_s: float = 3600.0
    save: bool = False
    """Keep the call's record in the records (the designer's test calls are kept only when asked)."""


def flow_and_catalog(workspace: Workspace, name: str, version: str | int) -> tuple[Flow, Catalog]:
    """The flow to run (its draft or one of its versions) and where the flows it calls come from."""
    if version == DRAFT:
        workspace.folder.flows.get(workspace.tenant.id, name)  # NotFound for a flow that is not there
        catalog = workspace.drafts()
        return catalog.for_calls().get(name), catalog
    number = int(version)
    text = workspace.folder.versions.get(workspace.tenant.id, name, number).text
    loaded = workspace.parsed.load(text, flow_file(name))
    if loaded.flow is None or not loaded.ok:
        raise RuntimeFailure(f"version {number} of {name} cannot be read")
    return loaded.flow, workspace.published()


async def simulate(
    workspace: Workspace,
    name: str,
    request: CallRequest,
    sink: Callable[[dict[str, Any]], None] | None = None,
    recorder: Recorder | None = None,
) -> Simulation:
    """One simulated call; `sink` sees each event as it happens; its record goes to `recorder` when the request
    asks to save it."""
    if not math.isfinite(request.limit_s) or request.limit_s <= 0:
        raise ValueError("the time limit is a positive number of seconds")
    flow, catalog = flow_and_catalog(workspace, name, request.version)
    environment = workspace.environment()
    start = moment(request.at, environment)
    script = parse_script(list(request.steps))
    version = 0 if request.version == DRAFT else int(request.version)
    origin = CallOrigin(workspace.tenant.name, name, version, "simulated")
    kept = recorder if request.save else None
    simulator = Simulator(environment, workspace.files, library=catalog.for_calls(), recorder=kept, origin=origin)
    try:
        return await simulator.call(
            flow,
            script,
            at=start,
            caller=request.caller,
            called=request.called,
            switches=request.switches,
            limit_s=request.limit_s,
            queue_position=request.queue_position,
            sink=sink,
        )
    finally:
        simulator.close()
