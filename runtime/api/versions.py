"""Published versions: publishing a draft (checked and tested first), the list, one version, rolling back."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.responses import Response

from callflow.runtime.api.errors import ApiError
from callflow.runtime.api.flows import flow_name, flow_response
from callflow.runtime.api.operation import JSON_TYPE, Call, Operation, Query
from callflow.runtime.api.schemas import ANY_OBJECT, INTEGER, STRING, VERSION, array, obj
from callflow.runtime.service.comparison import DRAFT, compare, default_old
from callflow.runtime.service.publishing import publish, rollback
from callflow.runtime.store.users import Role

DSL_TYPE = "text/x-callflow"
SIDE_VALUE = {"oneOf": [{"const": "draft"}, {"type": "integer"}]}
SIDE = {"type": "string", "pattern": "^(draft|[1-9][0-9]{0,17})$"}


def publish_draft(call: Call) -> dict[str, Any]:
    """Make the draft the newest version: refused while it has errors or failing tests (admins may force)."""
    force = bool(call.body.get("force"))
    if force:
        call.user.require(Role.admin)
    version = asyncio.run(publish(call.workspace, flow_name(call), call.body.get("comment"), call.actor, force=force))
    return version.meta()


def list_versions(call: Call) -> dict[str, Any]:
    """Every version of a flow, newest first."""
    name = flow_name(call)
    call.service.folder.flows.get(call.user.tenant.id, name)  # 404 for a flow that is not there
    return {"versions": [v.meta() for v in call.service.folder.versions.all(call.user.tenant.id, name)]}


def get_version(call: Call) -> Response:
    """One version, as JSON graph or DSL."""
    name = flow_name(call)
    version = call.service.folder.versions.get(call.user.tenant.id, name, int(call.params["n"]))
    return flow_response(call, name, version.text, None)


def _side(text: str | None, what: str) -> str | int:
    if text is None or text == DRAFT:
        return DRAFT
    if not text.isdigit() or not 0 < int(text) < 2**63:
        raise ApiError(422, "invalid", f"`{what}` is a version number or `draft`, not {text!r}")
    return int(text)


def compare_versions(call: Call) -> dict[str, Any]:
    """The semantic diff between two versions (or a version and the draft), and the test cases whose calls change."""
    name = flow_name(call)
    workspace = call.workspace
    new = _side(call.query.get("to"), "to")
    old = _side(call.query["from"], "from") if "from" in call.query else default_old(workspace, name)
    return asyncio.run(compare(workspace, name, old, new)).to_json()


def roll_back(call: Call) -> dict[str, Any]:
    """Publish an earlier version again, as the newest."""
    name = flow_name(call)
    to = call.body["to"]
    if call.service.folder.flows.find(call.user.tenant.id, name) is None:
        raise ApiError(404, "not_found", f"there is no flow {name!r}")
    return rollback(call.workspace, name, to, call.body.get("comment"), call.actor).meta()


OPERATIONS = (
    Operation(
        "POST",
        "/api/flows/{name}/publish",
        "Publish the draft as a new version (refused on errors or failing tests)",
        publish_draft,
        "versions",
        role=Role.admin,
        body=obj({}, {"comment": STRING, "force": {"type": "boolean"}}),
        response=VERSION,
        status=201,
        errors=(404, 409, 422),
    ),
    Operation(
        "GET",
        "/api/flows/{name}/versions",
        "Every published version of a flow",
        list_versions,
        "versions",
        response=obj({"versions": array(VERSION)}),
        errors=(404,),
    ),
    Operation(
        "GET",
        "/api/flows/{name}/versions/{n:int}",
        "One version, as JSON graph or DSL",
        get_version,
        "versions",
        produces=(JSON_TYPE, DSL_TYPE),
        response=ANY_OBJECT,
        errors=(404,),
    ),
    Operation(
        "POST",
        "/api/flows/{name}/rollback",
        "Publish version `to` again, as the newest",
        roll_back,
        "versions",
        role=Role.admin,
        body=obj({"to": {**INTEGER, "minimum": 1}}, {"comment": STRING}),
        response=VERSION,
        status=201,
        errors=(404,),
    ),
    Operation(
        "GET",
        "/api/flows/{name}/diff",
        "What changed between two versions (or a version and the draft), and the test cases whose calls change",
        compare_versions,
        "versions",
        query=(
            Query("from", SIDE, "a version number or `draft` (default: the newest version)"),
            Query("to", SIDE, "a version number or `draft` (default: the draft)"),
        ),
        response=obj(
            {
                "from": SIDE_VALUE,
                "to": SIDE_VALUE,
                "diff": ANY_OBJECT,
                "cases": array(ANY_OBJECT),
                "errors": array(ANY_OBJECT),
            }
        ),
        errors=(404, 422),
    ),
)
