"""`callflow report paths --tests`: the heat map's numbers beside the flow's test coverage, as the designer's heat
map shows them *beside the tests*: each row's test cases, and how many nodes and exits callers take and no test
case does."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

from callflow.flowlang.cli import UserError
from callflow.flowlang.errors import FlowError
from callflow.runtime.service.reports import paths_report
from callflow.runtime.service.testing import run_suites, tests_catalog
from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.store.call_reads import Scope
from callflow.runtime.store.errors import NotFound


def paths_beside_tests(data: Path, scope: Scope, connection: Any) -> dict[str, Any]:
    """The paths report of one flow version (by default its newest published, else drafts and files: `0`), with
    the flow's tests run on that version (on the drafts for `0`)."""
    from callflow.runtime.service.core import Service  # the service's folder: its flows, versions and tests

    flow = scope.flow
    if flow is None:
        raise UserError("--tests needs --flow: the tests are a flow's")
    try:
        workspace = Service(data).workspace_named(scope.tenant)
        workspace.folder.flows.get(workspace.tenant.id, flow)  # NotFound: no such flow
        if scope.version is None:
            published = workspace.folder.versions.all(workspace.tenant.id, flow)
            scope = replace(scope, version=published[0].version if published else 0)
        catalog = tests_catalog(workspace, flow, scope.version or None)
        run = asyncio.run(run_suites(workspace, flow, catalog)).to_json()
    except (NotFound, FlowError, RuntimeFailure) as error:
        raise UserError(f"--tests: {error}") from None
    return beside_tests(paths_report(connection, scope, None), run)


def beside_tests(answer: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    """A paths report with a `tested` column (the test cases through each node and exit; empty for a called flow's
    nodes, `subflow/node`, which this flow's coverage does not count) and the comparison in its summary."""
    coverage = run["coverage"]
    called: set[str] = set()
    counts = {"called": 0, "tested": 0, "untested": 0}
    for row in answer["rows"]:
        if "/" in row["node"]:
            row["tested"] = None
            continue
        key = f"{row['node']}/{row['exit']}" if row["exit"] else row["node"]
        row["tested"] = coverage["exits"].get(key, 0) if row["exit"] else coverage["nodes"].get(key, 0)
        if (row["taken"] if row["exit"] else row["calls"]) <= 0:
            continue
        called.add(key)
        counts["called"] += 1
        counts["tested" if row["tested"] else "untested"] += 1
    cases = sum(len(suite["cases"]) for suite in run["suites"])
    summary = {
        **answer["summary"],
        "tests_on": answer["scope"]["version"],
        "cases": cases,
        "failed": run["failed"],
        **counts,
        "tested_uncalled_nodes": sum(1 for n, c in coverage["nodes"].items() if c and n not in called),
        "tested_uncalled_exits": sum(1 for e, c in coverage["exits"].items() if c and e not in called),
    }
    return {**answer, "columns": [*answer["columns"], "tested"], "summary": summary}
