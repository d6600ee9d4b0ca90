"""The tenant's environment (`callflow.toml`): read as JSON or TOML, saved with its revision, switches flipped."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from callflow.runtime.api.operation import JSON_TYPE, Call, Operation
from callflow.runtime.api.revisions import etag, required_revision
from callflow.runtime.api.schemas import ANY_OBJECT, INTEGER, STRING, obj
from callflow.runtime.service import environment as service
from callflow.runtime.store.users import Role

TOML_TYPE = "application/toml"


def get_environment(call: Call) -> Response:
    """The environment as JSON (or as TOML text with `Accept: application/toml`), its revision as ETag."""
    current = call.service.folder.environments.current(call.user.tenant.id)
    headers = {"ETag": etag(current.revision)}
    if TOML_TYPE in (call.header("accept") or ""):
        return Response(current.text, media_type=f"{TOML_TYPE}; charset=utf-8", headers=headers)
    body = json.dumps(service.as_json(current.text), ensure_ascii=False)
    return Response(body, media_type=JSON_TYPE, headers=headers)


def put_environment(call: Call) -> Response:
    """Save the environment (TOML text, or JSON written over the current text so that its comments stay)."""
    revision = required_revision(call, "the environment")
    workspace = call.workspace
    if call.content_type == TOML_TYPE:
        text = call.body
    else:
        text = service.text_from_json(call.service.folder.environments.current(call.user.tenant.id).text, call.body)
    saved = service.save(workspace, text, revision, call.actor)
    body = json.dumps({**saved.meta(), "environment": service.as_json(saved.text)}, ensure_ascii=False)
    return Response(body, media_type=JSON_TYPE, headers={"ETag": etag(saved.revision)})


def switches(call: Call) -> dict[str, Any]:
    """Each switch: on or off, and who flipped it last."""
    return {"switches": service.switch_states(call.workspace)}


def flip(call: Call) -> dict[str, Any]:
    """Turn one switch on or off: takes effect for the next call."""
    name = str(call.params["switch"])
    saved = service.flip_switch(call.workspace, name, call.body["on"], call.actor)
    return {"switch": name, "on": call.body["on"], "revision": saved.revision}


SWITCH = obj(
    {"on": {"type": "boolean"}, "changed_by": {"type": ["string", "null"]}, "changed_at": {"type": ["string", "null"]}}
)

OPERATIONS = (
    Operation(
        "GET",
        "/api/environment",
        "The tenant's environment (callflow.toml), as JSON or TOML",
        get_environment,
        "environment",
        produces=(JSON_TYPE, TOML_TYPE),
        response=ANY_OBJECT,
    ),
    Operation(
        "PUT",
        "/api/environment",
        "Save the environment, validated as callflow.toml is",
        put_environment,
        "environment",
        role=Role.admin,
        body=ANY_OBJECT,
        texts=(TOML_TYPE,),
        response=obj({"revision": INTEGER, "changed_at": STRING, "changed_by": STRING, "environment": ANY_OBJECT}),
        headers={"If-Match": "the environment's revision (ETag)"},
        required_headers=("If-Match",),
        semantic=True,
        errors=(409, 422, 428),
    ),
    Operation(
        "GET",
        "/api/environment/switches",
        "Every switch, and who flipped it last",
        switches,
        "environment",
        response=obj({"switches": {"type": "object", "additionalProperties": SWITCH}}),
    ),
    Operation(
        "PUT",
        "/api/environment/switches/{switch}",
        "Turn a switch on or off (audited; the next call sees it)",
        flip,
        "environment",
        role=Role.admin,
        body=obj({"on": {"type": "boolean"}}),
        response=obj({"switch": STRING, "on": {"type": "boolean"}, "revision": INTEGER}),
        errors=(404,),
    ),
)
