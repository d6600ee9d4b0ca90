"""Simulated calls from the designer's phone panel: the whole trace as JSON, or its events as they happen
(server-sent events)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response, StreamingResponse

from callflow.runtime.api.errors import ApiError, as_api_error
from callflow.runtime.api.flows import flow_name
from callflow.runtime.api.operation import Call, Operation
from callflow.runtime.api.schemas import ANY_OBJECT, INTEGER, STRING, array, obj
from callflow.runtime.service.simulation import DRAFT, CallRequest, simulate
from callflow.runtime.simulator.run import Simulation
from callflow.runtime.simulator.script import parse_step

EVENT_STREAM = "text/event-stream"


def call_request(call: Call) -> CallRequest:
    """The call a request describes; a caller's audio file must be one of the tenant's files."""
    body = call.body or {}
    steps = tuple(body.get("input") or ())
    for text in steps:
        step = parse_step(text)
        if step.kind == "audio":
            files = call.workspace.files.resolve()
            if not (files / step.text).resolve().is_relative_to(files):
                raise ApiError(422, "invalid", f"`{text}`: the audio file must be one of the tenant's files")
    return CallRequest(
        version=body.get("version", DRAFT),
        at=body.get("at"),
        caller=body.get("from", "10000000000"),
        called=body.get("to", "12345"),
        steps=steps,
        switches=dict(body.get("switches") or {}),
        queue_position=body.get("queue_position", 1),
        limit_s=float(body.get("limit", 3600)),
        save=bool(body.get("save", False)),
    )


def simulation_json(simulation: Simulation) -> dict[str, Any]:
    """A finished simulated call as the API answers."""
    return {"events": simulation.events, "reason": simulation.reason, "nodes": simulation.nodes()}


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def simulate_call(call: Call) -> Response:
    """One simulated call; with `Accept: text/event-stream`, its events one by one as they happen."""
    name = flow_name(call)
    request = await run_in_threadpool(call_request, call)
    workspace = call.workspace
    records = call.service.records
    if EVENT_STREAM not in (call.header("accept") or ""):
        simulation = await run_in_threadpool(lambda: asyncio.run(simulate(workspace, name, request, recorder=records)))
        return JSONResponse(simulation_json(simulation))
    loop = asyncio.get_running_loop()
    events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

    def sink(event: dict[str, Any]) -> None:
        loop.call_soon_threadsafe(events.put_nowait, ("trace", event))

    def run() -> None:
        done: tuple[str, dict[str, Any]]
        try:
            simulation = asyncio.run(simulate(workspace, name, request, sink, records))
            done = ("end", {"reason": simulation.reason, "nodes": simulation.nodes()})
        except Exception as error:
            answer = as_api_error(error)
            done = ("error", {"error": answer.error, "detail": answer.detail, "status": answer.status})
        loop.call_soon_threadsafe(events.put_nowait, done)

    async def stream() -> AsyncIterator[str]:
        worker = asyncio.ensure_future(run_in_threadpool(run))
        try:
            while True:
                kind, data = await events.get()
                yield _sse(kind, data)
                if kind != "trace":
                    break
        finally:
            await worker

    return StreamingResponse(stream(), media_type=EVENT_STREAM, headers={"Cache-Control": "no-store"})


AT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?(Z|[+-][0-9]{2}:[0-9]{2})?$"
"""An ISO 8601 date-time, with an offset or in the environment's time zone."""

SIMULATE = obj(
    {},
    {
        "version": {"oneOf": [{"const": "draft"}, {"type": "integer", "minimum": 1}]},
        "at": {
            "type": "string",
            "pattern": AT_PATTERN,
            "description": "a date and time such as 2026-11-20T17:31 (the tenant's time zone unless an offset follows)",
        },
        "from": {"type": "string", "maxLength": 64},
        "to": {"type": "string", "maxLength": 64},
        "input": {**array({"type": "string", "maxLength": 4096}), "maxItems": 1000},
        "switches": {"type": "object", "additionalProperties": {"type": "boolean"}},
        "queue_position": {**INTEGER, "minimum": 0, "maximum": 100000},
        "limit": {"type": "number", "exclusiveMinimum": 0, "maximum": 86400},
        "save": {"type": "boolean"},
    },
)

OPERATIONS = (
    Operation(
        "POST",
        "/api/flows/{name}/simulate",
        "Simulate a call through a draft or a version (Accept: text/event-stream for its events as they happen)",
        simulate_call,
        "simulation",
        body=SIMULATE,
        body_required=False,
        response=obj({"events": array(ANY_OBJECT), "reason": STRING, "nodes": array(STRING)}),
        produces=("application/json", EVENT_STREAM),
        errors=(404, 422),
        semantic=True,
        in_thread=False,
    ),
)
