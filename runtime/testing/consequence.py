"""The consequence of a change for callers: a flow's test cases run on two versions, and the calls that go differently.

The cases run on the old version, then on the new one, each time in order as `callflow test` runs them. A case is
listed when anything of its call differs: what the caller lives (`replay.experience`: prompts heard, keys pressed,
queues, transfers, the end), the nodes it passes through (a renamed node counts as the same node), how it ends, how
long it lasts, whether the case passes, or whether it can run at all. Each version's calls run on a private copy of
the environment's SQLite data (`private_data`), so both start from the same data and the files stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callflow.flowlang.diff.graph import FlowGraph
from callflow.flowlang.diff.renames import find_renames
from callflow.flowlang.environment import Environment
from callflow.flowlang.errors import FlowError
from callflow.flowlang.model import Flow
from callflow.flowlang.registry import Registry, default_registry
from callflow.runtime.flows import FlowLibrary, FlowSource
from callflow.runtime.simulator.run import Simulator
from callflow.runtime.testing.experience import experience
from callflow.runtime.testing.flowtest import Case, CaseResult, run_case
from callflow.runtime.testing.private_data import private_data

ASPECTS = ("experience", "nodes", "outcome", "duration", "result", "error")
"""What may differ between a case's two calls, in the order they are reported."""

END_FIELDS = ("reason", "by", "destination", "outcome")
DURATION_TOLERANCE_S = 0.0015
"""Trace times are rounded to the millisecond."""


@dataclass(frozen=True)
class CaseCall:
    """One case's call on one version of the flow (or why it could not run)."""

    experience: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()
    outcome: Mapping[str, Any] = field(default_factory=dict)
    duration_s: float | None = None
    passed: bool | None = None
    failures: tuple[str, ...] = ()
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """`{"experience", "nodes", "outcome", "duration_s", "passed", "failures", "error"}`."""
        return {
            "experience": list(self.experience),
            "nodes": list(self.nodes),
            "outcome": dict(self.outcome),
            "duration_s": self.duration_s,
            "passed": self.passed,
            "failures": list(self.failures),
            "error": self.error,
        }


@dataclass(frozen=True)
class AffectedCase:
    """A test case whose call goes differently on the new version, and what differs."""

    case: Case
    differs: tuple[str, ...]
    old: CaseCall
    new: CaseCall

    def to_json(self) -> dict[str, Any]:
        """`{"name", "differs": [...], "old": CaseCall, "new": CaseCall}`."""
        return {
            "name": self.case.name,
            "differs": list(self.differs),
            "old": self.old.to_json(),
            "new": self.new.to_json(),
        }


async def affected_cases(
    old: Flow,
    new: Flow,
    cases: Sequence[Case],
    environment: Environment,
    flows: FlowSource | Path,
    *,
    registry: Registry | None = None,
    folder: Path | None = None,
    renames: Mapping[str, str] | None = None,
) -> list[AffectedCase]:
    """The cases whose call goes differently on `new` than on `old`, in the cases' order.

    `flows` gives the subflows the calls reach: an object with `get(name) -> Flow` (a store, flows in memory) or
    a folder of flow files. `folder` is where the cases' audio files (`say:@FILE`) are (default: the flows'
    folder, or the current folder). `renames` (old id → new id, as `FlowDiff.renames` has them) are found again
    when not given.
    """
    registry = registry or default_registry()
    source: FlowSource = FlowLibrary(flows, registry) if isinstance(flows, Path) else flows
    folder = folder or (flows if isinstance(flows, Path) else Path("."))
    if renames is None:
        renames = find_renames(FlowGraph.of(old), FlowGraph.of(new))
    calls = []
    for flow in (old, new):
        with private_data(environment) as private:  # each version's calls start from the same data
            calls.append(await _calls(flow, cases, Simulator(private, folder, registry, library=source)))
    before, after = calls
    found = []
    for case, was, now in zip(cases, before, after, strict=True):
        differs = _differences(was, now, [_seen(node, renames) for node in was.nodes])
        if differs:
            found.append(AffectedCase(case, differs, was, now))
    return found


async def _calls(flow: Flow, cases: Sequence[Case], simulator: Simulator) -> list[CaseCall]:
    """Every case run on one version, in order, as `callflow test` runs a file (data the calls change stays
    changed for the next case, as it does there)."""
    try:
        return [_call(await _run(simulator, flow, case), flow.name) for case in cases]
    finally:
        simulator.close()


async def _run(simulator: Simulator, flow: Flow, case: Case) -> CaseResult | str:
    """The case run on one version, or why it cannot run there (an input the version does not declare...)."""
    try:
        return await run_case(simulator, flow, case)
    except FlowError as error:
        return str(error)


def _call(result: CaseResult | str, name: str) -> CaseCall:
    """What a case's call on the version of the flow named `name` was like."""
    if isinstance(result, str):
        return CaseCall(error=result)
    simulation = result.simulation
    end = simulation.end
    nodes = tuple(node if flow == name else f"{flow}/{node}" for flow, node in simulation.visited)
    return CaseCall(
        experience=tuple(experience(simulation.events)),
        nodes=nodes,
        outcome={k: end[k] for k in END_FIELDS if k in end},
        duration_s=float(end["t"]),
        passed=result.passed,
        failures=tuple(result.failures),
    )


def _seen(node: str, renames: Mapping[str, str]) -> str:
    """A node of the old call as the new version names it (a subflow's node, `flow/node`, stays as it is)."""
    return node if "/" in node else renames.get(node, node)


def _differences(before: CaseCall, after: CaseCall, old_nodes_seen_as: list[str]) -> tuple[str, ...]:
    differs = {
        "experience": before.experience != after.experience,
        "nodes": old_nodes_seen_as != list(after.nodes),
        "outcome": before.outcome != after.outcome,
        "duration": _duration_differs(before.duration_s, after.duration_s),
        "result": before.passed != after.passed,
        "error": before.error != after.error,
    }
    return tuple(aspect for aspect in ASPECTS if differs[aspect])


def _duration_differs(before: float | None, after: float | None) -> bool:
    if before is None or after is None:
        return before != after
    return abs(before - after) > DURATION_TOLERANCE_S
