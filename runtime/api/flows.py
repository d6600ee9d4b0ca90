"""Flows: the list, each draft in either form (DSL or JSON graph) with its revision, creating, renaming, deleting,
and checking a draft or unsaved text."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from callflow.flowlang.kinds import NAME_PATTERN
from callflow.flowlang.loader import dump
from callflow.runtime.api.errors import ApiError
from callflow.runtime.api.operation import JSON_TYPE, Call, Operation
from callflow.runtime.api.revisions import creating, etag, if_match, required_revision
from callflow.runtime.api.schemas import ANY_OBJECT, DIAGNOSTIC, FLOW_SUMMARY, INTEGER, STRING, array, obj
from callflow.runtime.service.drafts import (
    DSL,
    JSON,
    check_draft,
    diagnostics_json,
    new_flow,
    read_flow,
    renamed_text,
    save_draft,
)
from callflow.runtime.service.library import flow_file
from callflow.runtime.store.flows import NAME, Draft
from callflow.runtime.store.users import Role

DSL_TYPE = "text/x-callflow"
FORMS = {JSON_TYPE: JSON, DSL_TYPE: DSL}


def flow_name(call: Call) -> str:
    """The flow named in the path (a name no flow can have is simply not found)."""
    name = str(call.params["name"])
    if not NAME.fullmatch(name):
        raise ApiError(404, "not_found", f"there is no flow {name!r}")
    return name


def draft_of(call: Call) -> Draft:
    """The draft named in the path."""
    return call.service.folder.flows.get(call.user.tenant.id, flow_name(call))


def wants_dsl(call: Call) -> bool:
    """Whether the client asked for the DSL rather than the JSON graph."""
    accept = call.header("accept") or ""
    if DSL_TYPE not in accept:
        return False
    return JSON_TYPE not in accept or accept.index(DSL_TYPE) < accept.index(JSON_TYPE)


def flow_response(call: Call, name: str, text: str, revision: int | None) -> Response:
    """A flow's text in the form the client asked for."""
    headers = {"ETag": etag(revision)} if revision is not None else {}
    if wants_dsl(call):
        return Response(text, media_type=f"{DSL_TYPE}; charset=utf-8", headers=headers)
    loaded = call.service.parsed.load(text, flow_file(name))
    if loaded.flow is None:
        raise ApiError(500, "unreadable", f"the stored text of {name} cannot be read; export it and check it")
    return Response(dump(loaded.flow, JSON), media_type=JSON_TYPE, headers=headers)


def body_text(call: Call) -> str:
    """A flow sent in the body, as text (a JSON graph arrives parsed and validated as JSON)."""
    return call.body if isinstance(call.body, str) else json.dumps(call.body, ensure_ascii=False)


def list_flows(call: Call) -> dict[str, Any]:
    """Every flow of the tenant: its draft, and what is published."""
    folder, tenant = call.service.folder, call.user.tenant.id
    published = folder.versions.newest_of_all(tenant)
    flows = []
    for draft in folder.flows.all(tenant):
        version = published.get(draft.name)
        flows.append(
            {
                "name": draft.name,
                "title": draft.title,
                **draft.meta(),
                "draft_changed": version is None or version.text != draft.text,
                "published": version.meta() if version else None,
            }
        )
    return {"flows": flows}


def get_flow(call: Call) -> Response:
    """One draft, as JSON graph or DSL (`Accept`), with its revision as ETag."""
    draft = draft_of(call)
    return flow_response(call, draft.name, draft.text, draft.revision)


def put_flow(call: Call) -> Response:
    """Save a draft (or create it): the body is the whole flow, as JSON graph or DSL."""
    name = flow_name(call)
    existing = call.service.folder.flows.find(call.user.tenant.id, name)
    if existing is not None and creating(call):
        raise ApiError(412, "already_exists", f"there is already a flow {name!r} (If-None-Match: *)")
    revision = required_revision(call, f"flow {name}") if existing is not None else None
    if existing is None and if_match(call) is not None:
        raise ApiError(404, "not_found", f"there is no flow {name!r} to change; send If-None-Match: * to create it")
    saved = save_draft(
        call.workspace, name, body_text(call), FORMS[call.content_type or JSON_TYPE], revision, call.actor
    )
    flow = call.service.parsed.load(saved.draft.text, flow_file(name)).flow
    body = {"revision": saved.draft.revision, "diagnostics": diagnostics_json(saved.diagnostics, flow)}
    return _json(body, 201 if existing is None else 200, saved.draft.revision)


def create_flow(call: Call) -> Response:
    """A new flow: a minimal draft, or a copy of another flow's draft under the new name."""
    body, workspace = call.body, call.workspace
    name = body["name"]
    if "copy_of" in body:
        source = call.service.folder.flows.get(call.user.tenant.id, body["copy_of"])
        text = renamed_text(workspace, source, name)
    else:
        text = new_flow(workspace, name, body.get("title"), tuple(body.get("languages") or ("zh-CN", "en")))
    saved = save_draft(workspace, name, text, DSL, None, call.actor)
    flow = call.service.parsed.load(saved.draft.text, flow_file(name)).flow
    answer = {"name": name, "revision": saved.draft.revision, "diagnostics": diagnostics_json(saved.diagnostics, flow)}
    return _json(answer, 201, saved.draft.revision)


def rename_flow(call: Call) -> Response:
    """Give a flow that was never published another name (its tests follow it)."""
    draft = draft_of(call)
    revision = required_revision(call, f"flow {draft.name}")
    to = call.body["to"]
    text = renamed_text(call.workspace, draft, to)
    renamed = call.service.folder.flows.rename(call.user.tenant.id, draft.name, to, text, revision, call.actor)
    return _json({"name": renamed.name, "revision": renamed.revision}, 200, renamed.revision)


def delete_flow(call: Call) -> Response:
    """Delete a flow's draft. Refused while a called number leads to it; its published versions are kept."""
    draft = draft_of(call)
    revision = required_revision(call, f"flow {draft.name}")
    numbers = [n for n, flow in call.workspace.environment().numbers.items() if flow == draft.name]
    if numbers:
        raise ApiError(409, "in_use", f"calls to {', '.join(numbers)} go to {draft.name}; change [numbers] first")
    if call.service.folder.versions.newest(call.user.tenant.id, draft.name) is not None:
        call.user.require(Role.admin)
    call.service.folder.flows.delete(call.user.tenant.id, draft.name, revision, call.actor)
    return Response(status_code=204)


def check_flow(call: Call) -> dict[str, Any]:
    """The check of a draft, or of a text sent in the body (unsaved work), among the tenant's flows."""
    name = flow_name(call)
    workspace = call.workspace
    if call.body is None:
        draft = draft_of(call)
        found = check_draft(workspace, draft)
        flow = workspace.parsed.load(draft.text, flow_file(name)).flow
    else:
        form, text = FORMS[call.content_type or JSON_TYPE], body_text(call)
        loaded = workspace.parsed.load(text, flow_file(name) + (".json" if form == JSON else ""), form)
        if loaded.flow is not None and loaded.flow.name != name:
            loaded = read_flow(workspace, name, text, form)  # raises: it names another flow
        found = workspace.check(loaded, text)
        flow = loaded.flow
    errors = sum(d.severity.value == "error" for d in found)
    return {"diagnostics": diagnostics_json(found, flow), "errors": errors, "warnings": len(found) - errors}


def _json(body: dict[str, Any], status: int, revision: int) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False), status_code=status, media_type=JSON_TYPE, headers={"ETag": etag(revision)}
    )


SAVED = obj({"revision": INTEGER, "diagnostics": array(DIAGNOSTIC)})
CHECKED = obj({"diagnostics": array(DIAGNOSTIC), "errors": INTEGER, "warnings": INTEGER})
LANGUAGE = {"type": "string", "pattern": NAME_PATTERN, "description": "a language such as zh-CN or en"}
NAME_SCHEMA = {
    "type": "string",
    "pattern": NAME.pattern.join("^$"),
    "description": "a flow name: a letter or _, then letters, digits or _ (64 at most), such as hotline_12345",
}
REVISION_HEADERS = {"If-Match": "the revision (ETag) the change was made to; required when the flow exists"}

OPERATIONS = (
    Operation(
        "GET",
        "/api/flows",
        "Every flow of the tenant",
        list_flows,
        "flows",
        response=obj({"flows": array(FLOW_SUMMARY)}),
    ),
    Operation(
        "POST",
        "/api/flows",
        "Create a flow (a minimal draft, or a copy of another)",
        create_flow,
        "flows",
        role=Role.editor,
        body=obj(
            {"name": NAME_SCHEMA},
            {"title": STRING, "copy_of": NAME_SCHEMA, "languages": {**array(LANGUAGE), "uniqueItems": True}},
        ),
        response=obj({"name": STRING, "revision": INTEGER, "diagnostics": array(DIAGNOSTIC)}),
        status=201,
        errors=(404, 409, 422),
    ),
    Operation(
        "GET",
        "/api/flows/{name}",
        "A flow's draft, as JSON graph or DSL (Accept: text/x-callflow)",
        get_flow,
        "flows",
        produces=(JSON_TYPE, DSL_TYPE),
        response=ANY_OBJECT,
        errors=(404,),
    ),
    Operation(
        "PUT",
        "/api/flows/{name}",
        "Save a draft (create it with If-None-Match: *); live calls are not affected",
        put_flow,
        "flows",
        role=Role.editor,
        body=ANY_OBJECT,
        texts=(DSL_TYPE,),
        response=SAVED,
        headers={**REVISION_HEADERS, "If-None-Match": "`*` to create a flow and never overwrite one"},
        semantic=True,
        errors=(404, 409, 412, 422, 428),
    ),
    Operation(
        "DELETE",
        "/api/flows/{name}",
        "Delete a flow's draft (an admin's, once published)",
        delete_flow,
        "flows",
        role=Role.editor,
        status=204,
        headers=REVISION_HEADERS,
        required_headers=("If-Match",),
        errors=(404, 409, 428),
    ),
    Operation(
        "POST",
        "/api/flows/{name}/rename",
        "Rename a flow that was never published",
        rename_flow,
        "flows",
        role=Role.editor,
        body=obj({"to": NAME_SCHEMA}),
        response=obj({"name": STRING, "revision": INTEGER}),
        headers=REVISION_HEADERS,
        required_headers=("If-Match",),
        errors=(404, 409, 428),
    ),
    Operation(
        "POST",
        "/api/flows/{name}/check",
        "Check a draft, or the flow text in the body (unsaved work)",
        check_flow,
        "flows",
        body=ANY_OBJECT,
        texts=(DSL_TYPE,),
        body_required=False,
        semantic=True,
        response=CHECKED,
        errors=(404, 422),
    ),
)
