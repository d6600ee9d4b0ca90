"""A capacity simulation asked for over HTTP: a day of callers through a tenant's flow (its draft or a version),
on the tenant's environment, optionally searching the agents needed or comparing with another version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from callflow.runtime.capacity.compare import compare
from callflow.runtime.capacity.flows import FlowSet
from callflow.runtime.capacity.request import spec_from_request
from callflow.runtime.capacity.run import run_load
from callflow.runtime.capacity.staffing import find_agents
from callflow.runtime.service.jobs import Progress, Work
from callflow.runtime.service.simulation import DRAFT, flow_and_catalog
from callflow.runtime.service.workspace import Workspace

OPTIONS = ("version", "find_agents", "compare_with")
"""What the body holds besides the run itself (`runtime/capacity/request.py`)."""


def load_work(workspace: Workspace, name: str, body: Mapping[str, Any]) -> Work:
    """The work of a load job, checked now (a bad request fails at once, not in the job)."""
    flow, catalog = flow_and_catalog(workspace, name, body.get("version", DRAFT))
    environment = workspace.environment()
    other = None
    if "compare_with" in body:
        other, other_catalog = flow_and_catalog(workspace, name, body["compare_with"])
    also = FlowSet(other, other_catalog.for_calls()).queues() if other is not None else ()
    spec = spec_from_request(
        {k: v for k, v in body.items() if k not in OPTIONS},
        flow=flow,
        environment=environment,
        flows=catalog.for_calls(),
        directory=workspace.files,
        also_waits_in=also,
    )
    find = list(dict.fromkeys(body.get("find_agents") or ()))

    def work(progress: Progress) -> tuple[Any, Any]:
        if other is not None:
            comparison = compare(spec, other, progress, other_catalog.for_calls())
            return comparison.to_json(), comparison
        if find:
            search = find_agents(spec, find, progress)
            return search.to_json(), search
        result = run_load(spec, progress)
        return result.to_json(), result

    return work
