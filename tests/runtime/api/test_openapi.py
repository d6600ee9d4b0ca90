"""`/openapi.json` describes every operation, and the API keeps to it: schemathesis sends generated requests to
every operation (valid and invalid ones) and checks that nothing answers 5xx and every answer matches its schema."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import missing_required_header, negative_data_rejection, positive_data_acceptance
from service import Api

from callflow.runtime.api.operation import Operation
from callflow.server import OPERATIONS


def test_every_operation_is_described(api: Api) -> None:
    """Each operation's path and method appear, with its body schema and the role it needs."""
    paths = api.get("/openapi.json", None).json()["paths"]
    for op in OPERATIONS:
        path = re.sub(r"{(\w+):\w+}", r"{\1}", op.path)
        described = paths[path][op.method.lower()]
        assert described["summary"] == op.summary
        if op.role is not None:
            assert described["x-role"] == op.role.name
        if op.body is not None:
            assert described["requestBody"]["content"]["application/json"]["schema"] == op.body


@pytest.fixture
def api_schema(api: Api) -> Any:
    """The API's own description, loaded from the running application, with an admin's token."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    token = api.tokens["admin"]

    @schema.auth()
    class Bearer:
        def get(self, case: Any, context: Any) -> str:
            return token

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


EXCLUDED_FOR_SEMANTIC_BODIES = [positive_data_acceptance, negative_data_rejection]
"""A flow, a test suite or an environment can be wrong in ways no schema can say (a DSL syntax error, a flow named
unlike its path): a schema-valid body may be refused, and any text is a string."""

EXCLUDED = [missing_required_header]
"""A write without its If-Match answers 428 Precondition Required (RFC 6585), where the check expects 400."""


def op_id(op: Operation) -> str:
    return f"{op.method} {op.path}"


@pytest.mark.parametrize("op", OPERATIONS, ids=op_id)
def test_the_api_keeps_to_its_description(api_schema: Any, op: Operation) -> None:
    """No generated request gets a 5xx; every answer has a documented status, content type and shape."""
    operation = api_schema[re.sub(r"{(\w+):\w+}", r"{\1}", op.path)][op.method]
    excluded = EXCLUDED + (EXCLUDED_FOR_SEMANTIC_BODIES if op.semantic else [])

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def each(case: Any) -> None:
        case.call_and_validate(excluded_checks=excluded)

    each()
