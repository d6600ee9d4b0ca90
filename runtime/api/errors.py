"""Errors as the API answers them: a status and `{"error": code, "detail": text, ...}`, never HTML or a traceback."""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from callflow.flowlang.environment import EnvironmentFileError
from callflow.flowlang.errors import FlowError
from callflow.runtime.service.drafts import InvalidFlow
from callflow.runtime.service.publishing import PublishRefused
from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.store.errors import AlreadyExists, Conflict, NotFound, StaleRevision, StoreError

log = logging.getLogger("callflow.api")


class ApiError(Exception):
    """An answer other than success: its status, a short code and a sentence for people."""

    def __init__(self, status: int, error: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail
        self.extra = extra
        self.headers: dict[str, str] = {}

    def response(self) -> JSONResponse:
        """The JSON response."""
        body = {"error": self.error, "detail": self.detail, **self.extra}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def as_api_error(error: Exception) -> ApiError:
    """The API's answer to an error raised below it."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, HTTPException):
        detail = "the request body is too large" if error.status_code == 413 else str(error.detail)
        answer = ApiError(error.status_code, HTTP_CODES.get(error.status_code, "http_error"), detail)
        answer.headers.update(error.headers or {})
        return answer
    if isinstance(error, InvalidFlow):
        diagnostics = [d.to_json() for d in error.diagnostics]
        return ApiError(422, "invalid_flow", error.message, diagnostics=diagnostics)
    if isinstance(error, PublishRefused):
        diagnostics = [d.to_json() for d in error.diagnostics]
        status = 422 if error.reason == "flow_has_errors" else 409
        return ApiError(status, error.reason, error.message, diagnostics=diagnostics, failures=error.failures)
    if isinstance(error, StaleRevision):
        current = error.current
        return ApiError(409, "stale_revision", error.message, **{f"current_{k}": v for k, v in current.items()})
    if isinstance(error, NotFound):
        return ApiError(404, "not_found", error.message)
    if isinstance(error, AlreadyExists):
        return ApiError(409, "already_exists", error.message)
    if isinstance(error, Conflict):
        return ApiError(409, "conflict", error.message)
    if isinstance(error, StoreError):
        return ApiError(422, "invalid", error.message)
    if isinstance(error, EnvironmentFileError):
        return ApiError(422, "invalid_environment", str(error))
    if isinstance(error, FlowError | RuntimeFailure | ValueError):
        return ApiError(422, "invalid", str(error))
    log.exception("unexpected error", exc_info=error)
    return ApiError(500, "internal", "something went wrong on the server; the error was logged")


async def http_error(request: Request, error: Exception) -> Response:
    """Starlette's own errors (404 of a route, 405, 413 of a body too big) in the API's form."""
    assert isinstance(error, HTTPException)
    details = {
        404: f"there is nothing at {request.url.path}",
        405: f"{request.method} is not allowed on {request.url.path}",
        413: "the request body is too large",
    }
    code = HTTP_CODES.get(error.status_code, "http_error")
    answer = ApiError(error.status_code, code, details.get(error.status_code, str(error.detail)))
    answer.headers.update(error.headers or {})
    return answer.response()


async def unexpected_error(request: Request, error: Exception) -> Response:
    """Anything else: logged, and a JSON 500 without a traceback."""
    return as_api_error(error).response()
