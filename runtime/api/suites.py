"""A flow's tests: its suites as YAML (with revisions), a case added from a simulated call, and a test run with
coverage counted per node and per exit (what the designer paints)."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from starlette.responses import Response

from callflow.runtime.api.errors import ApiError
from callflow.runtime.api.flows import flow_name
from callflow.runtime.api.operation import Call, Operation, Query
from callflow.runtime.api.revisions import etag, if_match, required_revision
from callflow.runtime.api.schemas import ANY_OBJECT, INTEGER, STRING, array, obj
from callflow.runtime.service.simulation import DRAFT
from callflow.runtime.service.testing import run_suites, tests_catalog
from callflow.runtime.store.suites import Suite
from callflow.runtime.store.users import Role
from callflow.runtime.testing.flowtest import cases_from, parse_test_text

YAML_TYPE = "application/yaml"
SUITE_QUERY = Query("suite", {"type": "string"}, "the suite: empty for NAME.test.yaml, else NAME.SUITE.test.yaml")


def suite_json(suite: Suite) -> dict[str, Any]:
    """A suite as the API shows it."""
    return {
        "suite": suite.suite,
        "file": suite.file,
        "revision": suite.revision,
        "changed_at": suite.changed_at,
        "changed_by": suite.changed_by,
        "text": suite.text,
    }


def _flow(call: Call) -> str:
    name = flow_name(call)
    call.service.folder.flows.get(call.user.tenant.id, name)  # 404 when there is no such flow
    return name


def list_suites(call: Call) -> dict[str, Any]:
    """Every test suite of a flow, with its text."""
    name = _flow(call)
    return {"suites": [suite_json(s) for s in call.service.folder.suites.all(call.user.tenant.id, name)]}


def validated(text: str, file: str) -> None:
    """Refuse a suite that cannot be read as flow tests."""
    cases_from(parse_test_text(text, file), file)


def put_suite(call: Call) -> Response:
    """Save a suite's YAML (If-Match: its revision; none for a new suite)."""
    name = _flow(call)
    suite = call.query.get("suite", "")
    validated(call.body, f"{name}{'.' + suite if suite else ''}.test.yaml")
    saved = call.service.folder.suites.save(call.user.tenant.id, name, suite, call.body, if_match(call), call.actor)
    return Response(
        json.dumps(suite_json(saved), ensure_ascii=False),
        media_type="application/json",
        headers={"ETag": etag(saved.revision)},
    )


def delete_suite(call: Call) -> Response:
    """Remove a suite."""
    name = _flow(call)
    suite = call.query.get("suite", "")
    revision = required_revision(call, "the suite")
    call.service.folder.suites.delete(call.user.tenant.id, name, suite, revision, call.actor)
    return Response(status_code=204)


def add_case(call: Call) -> dict[str, Any]:
    """Add a case at the end of a suite, keeping the file's comments and layout."""
    name = _flow(call)
    suite_name = call.body.get("suite", "")
    folder, tenant = call.service.folder, call.user.tenant.id
    existing = next((s for s in folder.suites.all(tenant, name) if s.suite == suite_name), None)
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    try:
        data = yaml.load(existing.text) if existing else None
    except YAMLError as error:
        raise ApiError(422, "invalid_tests", f"the suite cannot be read as YAML: {error}") from None
    if data is None:
        data = {"cases": []}
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ApiError(422, "invalid_tests", "the suite has no `cases:` list to add to")
    names = {str(case.get("name")) for case in data["cases"] if isinstance(case, dict)}
    if call.body["case"]["name"] in names:
        raise ApiError(409, "already_exists", f"the suite already has a case named {call.body['case']['name']!r}")
    data["cases"].append(call.body["case"])
    out = io.StringIO()
    yaml.dump(data, out)
    text = out.getvalue()
    file = f"{name}{'.' + suite_name if suite_name else ''}.test.yaml"
    validated(text, file)
    saved = folder.suites.save(tenant, name, suite_name, text, existing.revision if existing else None, call.actor)
    return suite_json(saved)


def run_tests(call: Call) -> dict[str, Any]:
    """Run every suite of a flow on its draft (or a version), with coverage."""
    name = _flow(call)
    version = (call.body or {}).get("version", DRAFT)
    workspace = call.workspace
    catalog = tests_catalog(workspace, name, None if version == DRAFT else int(version))
    return asyncio.run(run_suites(workspace, name, catalog)).to_json()


CASE = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "input": array(STRING),
        "at": STRING,
        "from": STRING,
        "to": STRING,
        "switches": {"type": "object", "additionalProperties": {"type": ["boolean", "string"]}},
        "queue_position": INTEGER,
        "expect": ANY_OBJECT,
    },
    "required": ["name"],
    "additionalProperties": False,
}
SUITE = obj(
    {"suite": STRING, "file": STRING, "revision": INTEGER, "changed_at": STRING, "changed_by": STRING, "text": STRING}
)

OPERATIONS = (
    Operation(
        "GET",
        "/api/flows/{name}/tests",
        "A flow's test suites (YAML)",
        list_suites,
        "tests",
        response=obj({"suites": array(SUITE)}),
        errors=(404,),
    ),
    Operation(
        "PUT",
        "/api/flows/{name}/tests",
        "Save a test suite (If-Match: its revision; none for a new suite)",
        put_suite,
        "tests",
        role=Role.editor,
        texts=(YAML_TYPE,),
        query=(SUITE_QUERY,),
        response=SUITE,
        headers={"If-Match": "the suite's revision (ETag); leave it out to create a suite"},
        semantic=True,
        errors=(404, 409, 422),
    ),
    Operation(
        "DELETE",
        "/api/flows/{name}/tests",
        "Remove a test suite",
        delete_suite,
        "tests",
        role=Role.editor,
        query=(SUITE_QUERY,),
        status=204,
        headers={"If-Match": "the suite's revision (ETag)"},
        required_headers=("If-Match",),
        errors=(404, 409, 428),
    ),
    Operation(
        "POST",
        "/api/flows/{name}/tests/cases",
        "Add a test case to a suite (comments in the file are kept)",
        add_case,
        "tests",
        role=Role.editor,
        body=obj({"case": CASE}, {"suite": STRING}),
        response=SUITE,
        errors=(404, 409, 422),
    ),
    Operation(
        "POST",
        "/api/flows/{name}/tests/run",
        "Run a flow's tests on its draft or a version, with coverage",
        run_tests,
        "tests",
        body=obj({}, {"version": {"oneOf": [{"const": "draft"}, {"type": "integer", "minimum": 1}]}}),
        body_required=False,
        response=obj({"passed": INTEGER, "failed": INTEGER, "suites": array(ANY_OBJECT), "coverage": ANY_OBJECT}),
        errors=(404, 422),
    ),
)
