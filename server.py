"""The flow service's application: the API's operations, the designer's files, middleware and errors.

It composes and holds no logic: each operation lives with its resource in `runtime/api/`, the service's logic in
`runtime/service/`, its state in `runtime/store/`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from callflow.runtime.api import (
    environment,
    files,
    flows,
    jobs,
    meta,
    prompts,
    records,
    session,
    simulation,
    suites,
    users,
    versions,
    voicemail,
)
from callflow.runtime.api.errors import http_error, unexpected_error
from callflow.runtime.api.openapi import document_operation
from callflow.runtime.api.operation import routes as operation_routes
from callflow.runtime.api.pages import SecurityHeaders, designer_app
from callflow.runtime.service.core import Service
from callflow.runtime.service.jobs import Jobs
from callflow.runtime.service.retention import Retention, RetentionWorker, tenant_timezone

MAX_BODY_BYTES = 5 * 1024 * 1024
"""Bodies over this size are refused with 413."""

OPERATIONS = (
    *session.OPERATIONS,
    *flows.OPERATIONS,
    *versions.OPERATIONS,
    *suites.OPERATIONS,
    *simulation.OPERATIONS,
    *prompts.OPERATIONS,
    *environment.OPERATIONS,
    *files.OPERATIONS,
    *jobs.OPERATIONS,
    *records.OPERATIONS,
    *voicemail.OPERATIONS,
    *users.OPERATIONS,
    *meta.OPERATIONS,
)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """At start, the records' retention schedule starts (when asked); at shutdown, it and the jobs still running
    are stopped."""
    worker: RetentionWorker | None = None
    if app.state.prune_schedule is not None:
        worker = RetentionWorker(Retention(app.state.service.records, tenant_timezone(app.state.service),
                                           app.state.prune_schedule))  # fmt: skip
        app.state.retention = worker.retention
        worker.start()
    yield
    if worker is not None:
        worker.stop()
    app.state.jobs.close()
    app.state.service.records.close()


def create_app(
    data: Path,
    *,
    designer: Path | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    prune_schedule: str | None = None,
) -> Starlette:
    """The application over a data folder; with `prune_schedule` (a cron expression), it prunes each tenant's
    old records at start and at those times (docs/records.md)."""
    routes = operation_routes((*OPERATIONS, document_operation(OPERATIONS)))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={HTTPException: http_error, Exception: unexpected_error},
    )
    app.router.default = designer_app(designer) if designer else designer_app()  # what no route matches
    app.state.service = Service(data)
    app.state.max_body_bytes = max_body_bytes
    app.state.jobs = Jobs()
    app.state.prune_schedule = prune_schedule
    app.state.retention = None
    return app
