"""Flow tests: YAML files beside flows (`NAME.test.yaml`) that script callers and state what must happen.

```yaml
flow: hotline_12345.flow          # default: the file named like the test file
at: 2026-11-20T10:00              # defaults for every case (each case may override them)
cases:
  - name: pressing 2 then 1 asks for the case number
    input: [dtmf:2, dtmf:1]
    from: "13800000000"
    switches: {emergency: off}
    language: en                    # the language the call starts in (default: the flow's first)
    inputs: {account: "6222"}       # a subflow tested on its own: values for its declared inputs
    expect:
      heard: [查询工单进度请按1]     # texts heard, in this order (each may be part of a prompt)
      not_heard: [对不起]
      reached: [ask_case]           # nodes the call passes through
      not_reached: [agent_notice]
      variables: {ticket: "20261001"}
      events: [{event: lookup, result: found}]   # events, in order; each with at least these fields (at any depth)
      ended: hangup                 # or {reason: transferred, destination: emergency}
http:                             # stubbed HTTP sources (file-wide or per case): no server is asked
  bank:
    - {request: "GET /accounts/*", json: {owner: 王芳, balance: 12580.5}, delay: 0.4}
    - {request: "POST /cards/block", params: {card: "6222"}, status: 503}
```
"""

from __future__ import annotations

import asyncio
import difflib
import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from callflow.flowlang.check.files import environment_for
from callflow.flowlang.environment import Environment, load_environment
from callflow.flowlang.loader import load_file
from callflow.flowlang.model import Flow
from callflow.runtime.http_stubs import stubs_from
from callflow.runtime.simulator.clock import DEFAULT_LIMIT_S, checked_limit
from callflow.runtime.simulator.run import Simulation, Simulator, moment
from callflow.runtime.simulator.script import ScriptError, parse_script
from callflow.runtime.testing import SUFFIX as SUFFIX  # re-exported: part of the API
from callflow.runtime.testing.expectations import check_expectations as check_expectations  # re-exported: the API
from callflow.runtime.testing.expectations import differences
from callflow.runtime.testing.reader import FlowTestError as FlowTestError  # re-exported: part of the API
from callflow.runtime.testing.reader import YamlDocument, read_yaml
from callflow.runtime.trace import describe


@dataclass(frozen=True)
class Case:
    """One scripted call and what must happen."""

    name: str
    steps: tuple[str, ...]
    options: Mapping[str, Any]
    expect: Mapping[str, Any]


@dataclass
class CaseResult:
    """The outcome of one case: its failures (none when it passed) and the call it made."""

    case: Case
    simulation: Simulation
    failures: list[str] = field(default_factory=list)
    first_difference: int | None = None
    """The event of the call where the first failure shows (None: it concerns the whole call)."""

    @property
    def passed(self) -> bool:
        """Whether every expectation held."""
        return not self.failures


@dataclass(frozen=True)
class TestFile:
    """A test file: the flow under test, its environment, and the cases."""

    path: Path
    flow_path: Path
    environment: Environment
    cases: tuple[Case, ...]


def find_test_files(paths: tuple[Path, ...]) -> Iterator[Path]:
    """Test files named, or found in the folders named."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob(f"*{SUFFIX}") if ".venv" not in p.parts)
        else:
            yield path


def tests_of_flow(flow_path: Path, paths: tuple[Path, ...] = ()) -> list[TestFile]:
    """The test files of one flow: those named (each must test it), and those in the folders named that test it;
    without paths, those in the flow's folder that test it (`NAME.test.yaml`, `NAME.*.test.yaml`, or any naming it
    in `flow:`)."""
    target = flow_path.resolve()
    found: list[TestFile] = []
    for path in paths or (flow_path.parent,):
        if path.is_dir():
            candidates = [read_test_file(p) for p in sorted(path.glob(f"*{SUFFIX}"))]
            found.extend(t for t in candidates if t.flow_path.resolve() == target)
            continue
        test_file = read_test_file(path)
        if test_file.flow_path.resolve() != target:
            raise FlowTestError(f"{path} tests {test_file.flow_path.name}, not {flow_path.name}")
        found.append(test_file)
    return found


def read_test_file(path: Path) -> TestFile:
    """A test file, checked against the flow-test schema (`schemas/flowtest.schema.json`) before any of it is used."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise FlowTestError(f"{path}: cannot read the test file ({reason})") from None
    document = _parse(text, str(path))
    data: dict[str, Any] = document.data
    flow_path = path.parent / str(data.get("flow") or path.name.removesuffix(SUFFIX) + ".flow")
    if not _is_file(flow_path):
        raise FlowTestError(f"{path}: the flow under test, {flow_path.name}, does not exist")
    env_name = data.get("env")
    environment = load_environment(path.parent / env_name) if env_name else environment_for(flow_path)
    environment = environment or Environment.empty()
    _check_stub_sources(document, environment)
    return TestFile(path, flow_path, environment, cases_from(data, str(path)))


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name the file system cannot hold names no file
        return False


def parse_test_text(text: str, file: str) -> dict[str, Any]:
    """The values of a test file's text, checked against the flow-test schema, with each case's moment and steps
    checked too; a `FlowTestError` at `file:line:col` for the first thing wrong (`file` names it in messages)."""
    data: dict[str, Any] = _parse(text, file).data
    return data


def _parse(text: str, file: str) -> YamlDocument:
    document = read_yaml(text, file)
    data: dict[str, Any] = document.data
    defaults = {k: v for k, v in data.items() if k not in ("flow", "env", "cases")}
    for index, raw in enumerate(data["cases"]):
        _check_case(document, index, {**defaults, **raw}, raw)
    for where, stubs in _stub_lists(data):
        for index, stub in enumerate(stubs or ()):
            if "json" in stub and "body" in stub:
                raise document.error((*where, index, "body"), "a stub answers with `json` or `body`, not both")
    return document


def _stub_lists(data: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Each source's list of stubs, file-wide and per case, with where it is written."""
    for source, stubs in (data.get("http") or {}).items():
        yield ("http", source), stubs
    for index, case in enumerate(data["cases"]):
        for source, stubs in (case.get("http") or {}).items():
            yield ("cases", index, "http", source), stubs


def _check_stub_sources(document: YamlDocument, environment: Environment) -> None:
    """Each stubbed source is an HTTP source of the environment (a typo would leave the real one asked)."""
    for where, _ in _stub_lists(document.data):
        source = environment.sources.get(str(where[-1]))
        if source is None or source.kind != "http":
            known = ", ".join(f"`{n}`" for n, s in environment.sources.items() if s.kind == "http") or "none"
            what = "is not a source of the environment" if source is None else "is an SQLite source"
            message = f"`{where[-1]}` {what}; only HTTP sources are stubbed (the environment's: {known})"
            raise document.error(where, message)


def _check_case(document: YamlDocument, index: int, merged: Mapping[str, Any], raw: Mapping[str, Any]) -> None:
    """What the schema cannot say about a case: its moment is an ISO date and time, its steps are steps."""

    def where(key: str) -> tuple[str | int, ...]:
        return ("cases", index, key) if key in raw else (key,)

    at = merged.get("at")
    if at is not None:
        try:
            datetime.fromisoformat(at)
        except ValueError:
            raise document.error(where("at"), f"`{at}` is not an ISO date and time such as 2026-11-20T10:00") from None
    try:
        parse_script(list(merged.get("input") or ()))
    except ScriptError as error:
        raise document.error(where("input"), str(error)) from None


def cases_from(data: Mapping[str, Any], file: str) -> tuple[Case, ...]:
    """The cases of a test file's data (as `parse_test_text` gives it), each with the file's defaults."""
    defaults = {k: v for k, v in data.items() if k not in ("flow", "env", "cases")}
    cases = []
    for raw in data["cases"]:
        merged = {**defaults, **raw}
        if data.get("http") or raw.get("http"):  # a case's stubs for a source replace the file's for it
            merged["http"] = {**(data.get("http") or {}), **(raw.get("http") or {})}
        cases.append(Case(raw["name"], tuple(merged.get("input") or ()), merged, merged.get("expect") or {}))
    return tuple(cases)


async def run_test_file(
    test_file: TestFile,
    prompts: Path | None = None,
    *,
    keep: Callable[[Case], bool] | None = None,
    fail_fast: bool = False,
) -> list[CaseResult]:
    """Run the cases of a test file (those `keep` keeps; up to the first failing one with `fail_fast`); prompts
    rendered in `prompts` last as long as their files."""
    loaded = load_file(test_file.flow_path)
    if not loaded.ok or loaded.flow is None:
        raise FlowTestError(f"{test_file.flow_path} has errors; run `callflow check {test_file.flow_path}`")
    simulator = Simulator(test_file.environment, test_file.flow_path.parent, prompts=prompts)
    results: list[CaseResult] = []
    try:
        for case in test_file.cases:
            if keep is None or keep(case):
                results.append(await run_case(simulator, loaded.flow, case))
                if fail_fast and not results[-1].passed:
                    break
    finally:
        simulator.close()
    return results


async def run_case(simulator: Simulator, flow: Flow, case: Case) -> CaseResult:
    """Run one case: a simulated call through `flow` with the simulator's environment."""
    options = case.options
    inputs = dict(options.get("inputs") or {})
    unknown = sorted(set(inputs) - set(flow.inputs))
    if unknown:
        raise FlowTestError(f"case `{case.name}`: `{flow.name}` has no inputs {', '.join(unknown)}")
    language = options.get("language")
    if language is not None and flow.languages and language not in flow.languages:
        spoken = ", ".join(flow.languages)
        raise FlowTestError(f"case `{case.name}`: `language: {language}`: `{flow.name}` speaks {spoken}")
    at = options.get("at")
    at_text = at.isoformat() if isinstance(at, datetime | date) else at
    switches = {k: _on(v) for k, v in (options.get("switches") or {}).items()}
    simulation = await simulator.call(
        flow,
        parse_script(list(case.steps)),
        at=moment(at_text, simulator.environment),
        caller=str(options.get("from", "10000000000")),
        called=str(options.get("to", "12345")),
        switches=switches,
        queue_position=int(options.get("queue_position", 1)),
        limit_s=_limit(case, options.get("limit", DEFAULT_LIMIT_S)),
        inputs=inputs,
        language=language,
        http=stubs_from(options.get("http")),
    )
    found = list(differences(case.expect, simulation))
    places = [d.at for d in found if d.at is not None]
    return CaseResult(case, simulation, [d.message for d in found], min(places) if places else None)


def _limit(case: Case, value: Any) -> float:
    """A case's `limit`, refused with a clear message when no call could have it (`.nan`, `.inf`, 0, text)."""
    try:
        return checked_limit(value)
    except ValueError as error:
        raise FlowTestError(f"case `{case.name}`: `limit`: {error}") from None


def _on(value: Any) -> bool:
    return value is True or str(value).lower() in ("on", "yes", "true", "1")


CONTEXT_BEFORE = 6
"""Events shown before the first difference of a failing case."""
CONTEXT_AFTER = 12
"""Events shown from the first difference on."""


def transcript_diff(result: CaseResult, whole: bool = False) -> str:
    """A failing case: what was expected, and the call around the first difference (all of it with `whole`)."""
    lines = [describe(e) for e in result.simulation.events]
    expected = [f"    expected: {f}" for f in result.failures]
    at = result.first_difference
    if whole or at is None or len(lines) <= CONTEXT_BEFORE + CONTEXT_AFTER + 2:
        shown = lines
    else:
        first, last = max(0, at - CONTEXT_BEFORE), min(len(lines), at + CONTEXT_AFTER)
        before = [f"… {first} event{'s' * (first != 1)} before"] if first else []
        rest = len(lines) - last
        after = [f"… {rest} more event{'s' * (rest != 1)} (--full shows the whole call)"] if rest else []
        shown = [*before, *lines[first:last], *after]
    return "\n".join([*expected, "    the call:", *("      " + line for line in shown)])


def unified(expected: list[str], actual: list[str]) -> str:
    """A unified diff of two transcripts (for `callflow replay`)."""
    return "\n".join(difflib.unified_diff(expected, actual, "recorded", "now", lineterm=""))


def run_all(
    paths: tuple[Path, ...],
    prompts: Path | None = None,
    *,
    keep: Callable[[TestFile, Case], bool] | None = None,
    fail_fast: bool = False,
) -> list[tuple[TestFile, list[CaseResult]]]:
    """Run every test file found (the cases `keep` keeps; up to the first failing case with `fail_fast`)."""
    files = [read_test_file(p) for p in find_test_files(paths)]
    done: list[tuple[TestFile, list[CaseResult]]] = []
    for test_file in files:
        kept = None if keep is None else functools.partial(keep, test_file)
        results = asyncio.run(run_test_file(test_file, prompts, keep=kept, fail_fast=fail_fast))
        done.append((test_file, results))
        if fail_fast and not all(r.passed for r in results):
            break
    return done
