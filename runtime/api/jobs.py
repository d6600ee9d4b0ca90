"""Capacity simulations over HTTP: a day of callers through a flow, run as a job that the page follows."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import HTMLResponse, Response

from callflow.runtime.api.errors import ApiError
from callflow.runtime.api.flows import flow_name
from callflow.runtime.api.operation import Call, Operation
from callflow.runtime.api.schemas import ANY_OBJECT, array, obj
from callflow.runtime.service.capacity import load_work
from callflow.runtime.service.jobs import Job, Jobs
from callflow.runtime.store.users import Role


def jobs_of(call: Call) -> Jobs:
    """The process's jobs."""
    jobs: Jobs = call.request.app.state.jobs
    return jobs


def job_of(call: Call) -> Job:
    """The job named in the path (another tenant's is not found)."""
    job = jobs_of(call).get(call.user.tenant.id, str(call.params["job"]))
    if job is None:
        raise ApiError(404, "not_found", f"there is no job {call.params['job']!r}")
    return job


def start_load(call: Call) -> Response:
    """Start a capacity simulation of a flow; follow it with `GET /api/jobs/{job}`."""
    name = flow_name(call)
    call.service.folder.flows.get(call.user.tenant.id, name)
    work = load_work(call.workspace, name, call.body)
    job = jobs_of(call).submit(call.user.tenant.id, "load", call.user.user.name, work, flow=name)
    return Response(json.dumps(job.to_json()), status_code=202, media_type="application/json")


def list_jobs(call: Call) -> dict[str, Any]:
    """The tenant's jobs, newest first (without their results)."""
    return {"jobs": [j.to_json(with_result=False) for j in jobs_of(call).all(call.user.tenant.id)]}


def get_job(call: Call) -> dict[str, Any]:
    """A job: its status and progress, and its result once done."""
    return job_of(call).to_json()


def cancel_job(call: Call) -> Response:
    """Stop a job."""
    jobs_of(call).cancel(job_of(call))
    return Response(status_code=204)


def job_report(call: Call) -> HTMLResponse:
    """A finished job's report: one page with its figures and charts."""
    job = job_of(call)
    if job.status != "done":
        raise ApiError(409, "not_done", f"the job is {job.status}; its report comes when it is done")
    from callflow.runtime.capacity.report import render_report  # matplotlib loads only for a report

    return HTMLResponse(render_report(job.report))


JOB = obj(
    {
        "id": {"type": "string"},
        "kind": {"type": "string"},
        "status": {"enum": ["queued", "running", "done", "failed", "cancelled"]},
    },
    {
        "owner": {"type": "string"},
        "flow": {"type": ["string", "null"]},
        "progress": {"type": "number"},
        "calls": {"type": "integer"},
        "created_at": {"type": "number"},
        "finished_at": {"type": ["number", "null"]},
        "error": {"type": ["string", "null"]},
        "result": ANY_OBJECT,
    },
)
SIDE = {"oneOf": [{"const": "draft"}, {"type": "integer", "minimum": 1}]}
LOAD = {
    "type": "object",
    "description": "A day of callers (docs/capacity.md, `runtime/capacity/request.py`), and what to run it on.",
    "properties": {
        "version": SIDE,
        "compare_with": SIDE,
        "find_agents": array({"type": "string"}),
        "calls_per_hour": {"type": "number", "exclusiveMinimum": 0},
        "arrivals": {"type": ["string", "array"]},
        "duration": {"type": "string"},
        "start": {"type": "string"},
        "interval": {"type": "string"},
        "agents": {"type": "object"},
        "aht": {"type": ["number", "object"]},
        "aht_dist": {"type": "string"},
        "patience": {"type": "number"},
        "patience_dist": {"type": "string"},
        "callers": {"type": "object"},
        "seed": {"type": "integer"},
        "target": {"type": "string"},
        "sl_target": {"type": "number"},
        "to": {"type": "string"},
        "switches": {"type": "object", "additionalProperties": {"type": "boolean"}},
        "limit": {"type": "number"},
        "traces": {"type": "integer", "minimum": 0, "maximum": 100},
    },
    "additionalProperties": False,
}

OPERATIONS = (
    Operation(
        "POST",
        "/api/flows/{name}/load",
        "Start a capacity simulation: a day of callers through the draft or a version (a job)",
        start_load,
        "capacity",
        role=Role.editor,
        body=LOAD,
        response=JOB,
        status=202,
        semantic=True,
        errors=(404, 422),
    ),
    Operation("GET", "/api/jobs", "The tenant's jobs", list_jobs, "capacity", response=obj({"jobs": array(JOB)})),
    Operation(
        "GET", "/api/jobs/{job}", "A job, and its result once done", get_job, "capacity", response=JOB, errors=(404,)
    ),
    Operation(
        "DELETE", "/api/jobs/{job}", "Stop a job", cancel_job, "capacity", role=Role.editor, status=204, errors=(404,)
    ),
    Operation(
        "GET",
        "/api/jobs/{job}/report.html",
        "A finished job's report page",
        job_report,
        "capacity",
        produces=("text/html",),
        errors=(404, 409),
    ),
)
