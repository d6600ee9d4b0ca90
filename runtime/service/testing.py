"""Running a flow's test suites from the store, with the node and exit coverage of all of them together."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callflow.flowlang.environment import Environment, environment_from_text
from callflow.flowlang.errors import FlowError
from callflow.flowlang.model import Flow
from callflow.runtime.service.library import Catalog
from callflow.runtime.service.workspace import Workspace
from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.simulator.run import Simulator
from callflow.runtime.store.suites import Suite
from callflow.runtime.testing.coverage import Coverage, coverage
from callflow.runtime.testing.flowtest import CaseResult, cases_from, parse_test_text, run_case


@dataclass
class SuiteResult:
    """The outcome of one suite: its cases' results, or why it could not run."""

    suite: Suite
    results: list[CaseResult] = field(default_factory=list)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """As the API answers."""
        return {
            "suite": self.suite.suite,
            "file": self.suite.file,
            "revision": self.suite.revision,
            "error": self.error,
            "cases": [_case_json(r) for r in self.results],
        }


@dataclass
class TestRun:
    """Every suite of a flow, run."""

    flow: Flow
    suites: list[SuiteResult]

    @property
    def results(self) -> list[CaseResult]:
        """Every case's result."""
        return [r for s in self.suites for r in s.results]

    @property
    def passed(self) -> int:
        """Cases that passed."""
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        """Cases that failed, and suites that could not run."""
        return sum(not r.passed for r in self.results) + sum(s.error is not None for s in self.suites)

    def coverage(self) -> Coverage:
        """The flow's coverage by every case of every suite."""
        return coverage(
            self.flow,
            [v for r in self.results for v in r.simulation.visited],
            [t for r in self.results for t in r.simulation.taken],
        )

    def failures(self) -> list[dict[str, Any]]:
        """What failed, briefly (a refused publish lists them)."""
        found: list[dict[str, Any]] = [
            {"suite": s.suite.suite, "case": r.case.name, "failures": r.failures}
            for s in self.suites
            for r in s.results
            if not r.passed
        ]
        found += [{"suite": s.suite.suite, "error": s.error} for s in self.suites if s.error is not None]
        return found

    def to_json(self) -> dict[str, Any]:
        """As the API answers: each case, and coverage counted per node and per exit."""
        node_counts: dict[str, int] = {}
        exit_counts: dict[str, int] = {}
        for result in self.results:
            for flow_name, node in dict.fromkeys(result.simulation.visited):
                if flow_name == self.flow.name:
                    node_counts[node] = node_counts.get(node, 0) + 1
            for flow_name, node, exit_name in dict.fromkeys(result.simulation.taken):
                if flow_name == self.flow.name:
                    key = f"{node}/{exit_name}"
                    exit_counts[key] = exit_counts.get(key, 0) + 1
        covered = self.coverage()
        return {
            "passed": self.passed,
            "failed": self.failed,
            "suites": [s.to_json() for s in self.suites],
            "coverage": {
                "nodes": node_counts,
                "exits": exit_counts,
                "missing_nodes": covered.missing_nodes,
                "missing_exits": [list(e) for e in covered.missing_exits],
                "summary": covered.summary(),
            },
        }


def _case_json(result: CaseResult) -> dict[str, Any]:
    return {
        "name": result.case.name,
        "passed": result.passed,
        "failures": result.failures,
        "nodes": result.simulation.nodes(),
        "reason": result.simulation.reason,
    }


def suite_environment(workspace: Workspace, data: dict[str, Any], suite: Suite) -> Environment:
    """The environment a suite names (`env:`, one of the tenant's files), else the tenant's."""
    name = data.get("env")
    if not name:
        return workspace.environment()
    files = workspace.files.resolve()
    path = (files / str(name)).resolve()
    if not path.is_relative_to(files):
        raise FlowError(f"{suite.file}: `env: {name}` is outside the tenant's files")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise FlowError(f"{suite.file}: `env: {name}`: there is no such file in the tenant's files") from None
    return environment_from_text(text, Path(path))


def tests_catalog(workspace: Workspace, name: str, version: int | None) -> Catalog:
    """The flows a test run of `name` takes: the drafts, or the published flows with `name` at `version`."""
    if version is None:
        return workspace.drafts()
    text = workspace.folder.versions.get(workspace.tenant.id, name, version).text
    return workspace.published().with_texts({name: text})


async def run_suites(workspace: Workspace, name: str, catalog: Catalog) -> TestRun:
    """Run every suite of a flow, the flow and the flows it calls taken from `catalog`."""
    flows = catalog.for_calls()
    flow = flows.get(name)
    run = TestRun(flow, [])
    for suite in workspace.folder.suites.all(workspace.tenant.id, name):
        outcome = SuiteResult(suite)
        run.suites.append(outcome)
        try:
            data = parse_test_text(suite.text, suite.file)
            environment = suite_environment(workspace, data, suite)
            cases = cases_from(data, suite.file)
        except FlowError as error:
            outcome.error = str(error)
            continue
        simulator = Simulator(environment, workspace.files, library=flows)
        try:
            for case in cases:
                try:
                    outcome.results.append(await run_case(simulator, flow, case))
                except (FlowError, RuntimeFailure) as error:
                    outcome.error = f"case `{case.name}`: {error}"
                    break
        finally:
            simulator.close()
    return run
