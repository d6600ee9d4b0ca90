"""Who may do what: every operation for every role, and nothing of one tenant seen from another."""

from __future__ import annotations

import re

import pytest
from service import Api

from callflow.runtime.api.operation import Operation
from callflow.runtime.store.users import Role
from callflow.server import OPERATIONS

PATH_VALUES = {
    "name": "hotline_12345",
    "n": "1",
    "prompt": "greeting",
    "language": "zh-CN",
    "switch": "emergency",
    "user": "nobody",
    "path": "data/tickets.csv",
    "job": "0123456789abcdef",
    "call_id": "0123456789ab",
    "report": "calls",
    "id": "1",
    "node": "main_menu",
}
PROTECTED = [op for op in OPERATIONS if op.role is not None]


def concrete(path: str, values: dict[str, str]) -> str:
    """A path with its parameters filled in."""
    return re.sub(r"{(\w+)(?::\w+)?}", lambda m: values[m.group(1)], path)


def op_id(op: Operation) -> str:
    return f"{op.method} {op.path}"


@pytest.mark.parametrize("op", PROTECTED, ids=op_id)
def test_every_operation_is_refused_to_roles_below_its_own(api: Api, op: Operation) -> None:
    """Each cell of the role × operation matrix: 403 below the operation's role, never 403 (nor 5xx) at or above."""
    assert op.role is not None
    path = concrete(op.path, PATH_VALUES)
    for role in Role:
        answer = api.request(op.method, path, role.name, headers={"Content-Type": "application/json"})
        if role < op.role:
            assert answer.status_code == 403, (role.name, answer.text)
            assert answer.json()["error"] == "forbidden"
        else:
            assert answer.status_code != 403 and answer.status_code < 500, (role.name, answer.text)


@pytest.mark.parametrize("op", PROTECTED, ids=op_id)
def test_every_operation_needs_a_login(api: Api, op: Operation) -> None:
    """Nothing but logging in, health and the API's description answers without credentials."""
    answer = api.request(op.method, concrete(op.path, PATH_VALUES), None)
    assert answer.status_code == 401


FLOW_OPERATIONS = [op for op in PROTECTED if "{name}" in op.path]
VALID_BODIES = {
    "/rename": {"json": {"to": "renamed"}},
    "/publish": {"json": {}},
    "/rollback": {"json": {"to": 1}},
    "/tests/cases": {"json": {"case": {"name": "x"}}},
    "/tests/run": {"json": {}},
    "/simulate": {"json": {}},
    "/load": {"json": {}},
    "/check": {"json": {}},
}


@pytest.mark.parametrize("op", FLOW_OPERATIONS, ids=op_id)
def test_another_tenants_flow_is_not_found(api: Api, op: Operation) -> None:
    """A tenant's flow does not exist for another tenant's users: 404, never 403, whatever the operation."""
    api.post("/api/flows/hotline_12345/publish", json={"comment": "so that versions exist"})
    headers = {"If-Match": '"1"'}
    body = next((b for end, b in VALID_BODIES.items() if op.path.endswith(end)), {})
    if op.method == "PUT":
        content_type = "application/yaml" if op.path.endswith("/tests") else "text/x-callflow"
        body = {"content": "cases: []\n" if "tests" in op.path else "flow x\n\nstart: hangup\n"}
        headers["Content-Type"] = content_type
    if op.path.endswith("/check"):
        body = {}
    answer = api.request(op.method, concrete(op.path, PATH_VALUES), "other", headers=headers, **body)
    assert answer.status_code == 404, answer.text
    mine = concrete(op.path, {**PATH_VALUES, "name": "secret_line"})
    assert api.request(op.method, mine, "admin", headers=headers, **body).status_code == 404


def test_another_tenants_flows_are_not_listed(api: Api) -> None:
    """The list holds the tenant's own flows only."""
    assert [f["name"] for f in api.get("/api/flows", "other").json()["flows"]] == ["secret_line"]
    assert "secret_line" not in [f["name"] for f in api.get("/api/flows").json()["flows"]]
