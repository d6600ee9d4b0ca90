"""`/openapi.json`: the OpenAPI 3.1 description of every operation, made from the operations' own declarations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib.metadata import version
from typing import Any

from starlette.responses import JSONResponse

from callflow.runtime.api.operation import JSON_TYPE, Call, Operation
from callflow.runtime.api.schemas import ERROR

REASONS = {
    400: "The request cannot be read",
    401: "Not logged in",
    403: "Not allowed for this role, or not from the page's own origin",
    404: "Not found (in this tenant)",
    409: "Conflicts with the current state",
    412: "A precondition failed",
    413: "The body is too large",
    415: "A content type this operation does not take",
    422: "The body or a parameter is not valid",
    428: "The revision (If-Match) is missing",
    429: "Too many failed logins",
    503: "The store cannot be reached",
}


HEADER_SCHEMAS: dict[str, dict[str, Any]] = {
    "If-Match": {"type": "string", "pattern": r'^(W/)?"[0-9]{1,18}"$'},
    "If-None-Match": {"const": "*"},
}


def _path_parameters(op: Operation) -> list[dict[str, Any]]:
    names = re.findall(r"{(\w+)(?::(\w+))?}", op.path)
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": op.path_params.get(name) or {"type": "integer" if kind == "int" else "string"},
        }
        for name, kind in names
    ]


def _operation(op: Operation) -> dict[str, Any]:
    parameters = _path_parameters(op)
    parameters += [
        {"name": q.name, "in": "query", "required": q.required, "description": q.description, "schema": q.schema}
        for q in op.query
    ]
    parameters += [
        {
            "name": name,
            "in": "header",
            "required": name in op.required_headers,
            "description": text,
            "schema": HEADER_SCHEMAS[name],
        }
        for name, text in op.headers.items()
    ]
    error = {"description": "", "content": {JSON_TYPE: {"schema": ERROR}}}
    takes_body = op.body is not None or op.texts or op.binary
    codes = {400, 413, 415, 422, *op.errors} if takes_body else set(op.errors)
    if op.role is not None:
        codes |= {401, 403}
    responses: dict[str, Any] = {str(c): {**error, "description": REASONS.get(c, "Error")} for c in sorted(codes)}
    if op.status == 204:
        responses["204"] = {"description": "Done"}
    else:
        content = {
            t: {"schema": op.response or {}} if t == JSON_TYPE else {"schema": {"type": "string"}} for t in op.produces
        }
        responses[str(op.status)] = {"description": "Done", "content": content}
    operation: dict[str, Any] = {
        "summary": op.summary,
        "operationId": f"{op.method.lower()}{re.sub(r'[^A-Za-z0-9]+', '_', op.path)}",
        "tags": [op.tag],
        "parameters": parameters,
        "responses": responses,
    }
    if op.description:
        operation["description"] = op.description
    if op.semantic:
        operation["x-semantic-body"] = True
    if takes_body:
        content = {JSON_TYPE: {"schema": op.body}} if op.body is not None else {}
        content |= {t: {"schema": {"type": "string"}} for t in op.texts}
        if op.binary:
            content["application/octet-stream"] = {"schema": {"type": "string", "format": "binary"}}
        operation["requestBody"] = {"required": op.body_required, "content": content}
    if op.role is not None:
        operation["security"] = [{"session": []}, {"bearer": []}]
        operation["x-role"] = op.role.name
    return operation


def openapi(operations: Iterable[Operation]) -> dict[str, Any]:
    """The whole description."""
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        path = re.sub(r"{(\w+):\w+}", r"{\1}", op.path)
        paths.setdefault(path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Callflow flow service", "version": version("callflow")},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "callflow_session"},
                "bearer": {"type": "http", "scheme": "bearer"},
            }
        },
    }


def document_operation(operations: Iterable[Operation]) -> Operation:
    """The operation that serves the description."""
    document = openapi(operations)

    def serve(call: Call) -> JSONResponse:
        return JSONResponse(document)

    return Operation("GET", "/openapi.json", "This description", serve, "meta", role=None, in_thread=False)
