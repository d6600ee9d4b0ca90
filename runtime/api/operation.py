"""Operations: each API endpoint declared once — path, role, body schema, answer schema — so that the route, the
checks every request goes through, and `/openapi.json` all come from the same declaration."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from callflow.runtime.api.auth import Principal, authenticate, refuse_forgery
from callflow.runtime.api.errors import ApiError, as_api_error
from callflow.runtime.service.core import Service
from callflow.runtime.service.workspace import Workspace
from callflow.runtime.store.audit import Actor
from callflow.runtime.store.users import Role

JSON_TYPE = "application/json"


@dataclass(frozen=True)
class Query:
    """A query parameter."""

    name: str
    schema: dict[str, Any]
    description: str
    required: bool = False


@dataclass
class Call:
    """One request as an operation's handler sees it."""

    request: Request
    service: Service
    principal: Principal | None
    params: Mapping[str, Any]
    query: Mapping[str, str]
    body: Any = None
    content_type: str | None = None

    @property
    def user(self) -> Principal:
        """The logged-in user (operations that need no login have none)."""
        assert self.principal is not None
        return self.principal

    @property
    def workspace(self) -> Workspace:
        """The logged-in user's tenant."""
        return self.service.workspace(self.user.tenant)

    @property
    def actor(self) -> Actor:
        """The user, as the audit log names them."""
        return self.user.actor(self.request)

    def header(self, name: str) -> str | None:
        """A request header."""
        return self.request.headers.get(name)


Handler = Callable[[Call], Any]


@dataclass(frozen=True)
class Operation:
    """One endpoint."""

    method: str
    path: str
    summary: str
    handler: Handler
    tag: str
    role: Role | None = Role.viewer
    """The least role that may call it; None: no login needed."""
    body: dict[str, Any] | None = None
    """The JSON Schema of a JSON body."""
    texts: tuple[str, ...] = ()
    """Content types of text bodies it also takes (a flow as DSL, tests as YAML, an environment as TOML)."""
    binary: bool = False
    """It takes any body as bytes (a data file)."""
    path_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    """JSON Schemas of path parameters that are more than any string."""
    body_required: bool = True
    response: dict[str, Any] | None = None
    """The JSON Schema of its JSON answer."""
    status: int = 200
    produces: tuple[str, ...] = (JSON_TYPE,)
    query: tuple[Query, ...] = ()
    errors: tuple[int, ...] = ()
    description: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    """Headers of the request it reads, with what they mean (If-Match...)."""
    required_headers: tuple[str, ...] = ()
    """Those of `headers` it cannot do without."""
    semantic: bool = False
    """Its body is a flow, tests or an environment: more can be wrong with it than its schema can say."""
    in_thread: bool = True
    """Run the handler in a worker thread (it touches the store or computes); False for handlers that stream."""

    async def serve(self, request: Request) -> Response:
        """Authenticate, authorise, read and validate the body, run the handler, and answer in JSON."""
        service: Service = request.app.state.service
        try:
            principal = await run_in_threadpool(authenticate, request, service)
            if self.role is not None:
                if principal is None:
                    raise ApiError(401, "unauthorized", "log in first (POST /api/login), or send a bearer token")
                refuse_forgery(request, principal)
                principal.require(self.role)
            body, content_type = await self._body(request)
            query = {q.name: request.query_params[q.name] for q in self.query if q.name in request.query_params}
            for q in self.query:
                if q.required and q.name not in query:
                    raise ApiError(422, "invalid", f"the query parameter `{q.name}` is required: {q.description}")
            call = Call(request, service, principal, request.path_params, query, body, content_type)
            if self.in_thread:
                result = await run_in_threadpool(self.handler, call)
            else:
                result = self.handler(call)
                if inspect.isawaitable(result):
                    result = await result
        except Exception as error:  # every error becomes a JSON answer
            return as_api_error(error).response()
        if isinstance(result, Response):
            return result
        return JSONResponse(result, status_code=self.status)

    async def _body(self, request: Request) -> tuple[Any, str | None]:
        accepts_body = self.body is not None or self.texts or self.binary
        raw = await read_body(request, request.app.state.max_body_bytes)
        if not accepts_body:
            return None, None
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower() or None
        if self.binary:
            return raw, content_type
        if not raw and (content_type is None or content_type == JSON_TYPE):
            if self.body_required:
                raise ApiError(422, "invalid", "this request needs a body")
            return None, None
        if content_type in self.texts:
            try:
                return raw.decode("utf-8"), content_type
            except UnicodeDecodeError as error:
                raise ApiError(400, "bad_encoding", f"the body is not UTF-8 text (byte {error.start})") from None
        if content_type != JSON_TYPE or self.body is None:
            allowed = ", ".join(([JSON_TYPE] if self.body is not None else []) + list(self.texts))
            raise ApiError(415, "unsupported_media_type", f"send the body as one of: {allowed}")
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise ApiError(400, "bad_encoding", f"the body is not UTF-8 text (byte {error.start})") from None
        except (json.JSONDecodeError, RecursionError) as error:
            raise ApiError(400, "bad_json", f"the body is not valid JSON: {error}") from None
        problems = sorted(_validator(json.dumps(self.body)).iter_errors(data), key=lambda e: list(e.absolute_path))
        if problems:
            first = problems[0]
            where = "/" + "/".join(str(p) for p in first.absolute_path)
            raise ApiError(422, "invalid_body", f"{where}: {_said(first)}", pointer=where)
        return data, JSON_TYPE


def _said(problem: ValidationError) -> str:
    """A body's first problem in words: a value that does not match a pattern is said against the schema's
    `description` (what the value is, with an example), not as the regular expression."""
    description = problem.schema.get("description") if isinstance(problem.schema, dict) else None
    if problem.validator == "pattern" and isinstance(description, str):
        return f"{problem.instance!r} is not {description}"
    return str(problem.message)


def routes(operations: Iterable[Operation]) -> list[Route]:
    """One route per path, serving each of its operations by method (so a 405 lists every method the path has)."""
    by_path: dict[str, dict[str, Operation]] = {}
    for op in operations:
        by_path.setdefault(op.path, {})[op.method] = op

    def route(path: str, methods: dict[str, Operation]) -> Route:
        async def endpoint(request: Request) -> Response:
            return await methods[request.method if request.method != "HEAD" else "GET"].serve(request)

        return Route(path, endpoint, methods=list(methods), name=path)

    return [route(path, methods) for path, methods in by_path.items()]


async def read_body(request: Request, limit: int) -> bytes:
    """The request's body, refused with 413 as soon as it is known to be over `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"the request body is over {limit} bytes")
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise ApiError(413, "too_large", f"the request body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@cache
def _validator(schema: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema))
