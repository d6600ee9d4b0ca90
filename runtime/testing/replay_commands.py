"""`callflow explore` (paths, exit coverage and test skeletons) and `callflow replay` (a recorded call, again)."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from callflow.flowlang.cli import UserError
from callflow.flowlang.errors import FlowError
from callflow.runtime.simulator.commands import PROMPTS, parse_switches
from callflow.runtime.testing import MAX_PATHS, SUFFIX

# The machinery is imported when a command runs, not for `callflow --help` (flowlang/cli.py).
if TYPE_CHECKING:
    from callflow.flowlang.environment import Environment
    from callflow.flowlang.model import Edge, Flow
    from callflow.runtime.simulator.run import Simulator
    from callflow.runtime.testing.flowtest import CaseResult, TestFile
    from callflow.runtime.testing.replay import Event
    from callflow.speech.lengths import PromptLengths

Command = TypeVar("Command", bound=Callable[..., Any])

FLOW = click.argument("flow_path", metavar="FLOW", type=click.Path(exists=True, dir_okay=False, path_type=Path))
ENV = click.option(
    "--env",
    "env_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The environment file (default: callflow.toml next to the flow or above it).",
)


def _at(help: str) -> Callable[[Command], Command]:
    """The `--at` option, with what the moment is for."""
    return click.option(
        "--at",
        "at",
        metavar="DATETIME",
        help=f"{help}: ISO date-time, with an offset or in the environment's time zone.",
    )


def _load(flow_path: Path) -> Flow:
    from callflow.flowlang.loader import load_file

    loaded = load_file(flow_path)
    if not loaded.ok or loaded.flow is None:
        problems = "\n".join(p.render() for p in loaded.problems)
        raise UserError(f"{flow_path} has errors; fix them first:\n{problems}")
    return loaded.flow


def _environment(flow_path: Path, env_path: Path | None) -> Environment:
    from callflow.flowlang.check.files import environment_for
    from callflow.flowlang.environment import Environment, load_environment

    return load_environment(env_path) if env_path else environment_for(flow_path) or Environment.empty()


def _moment(at: str | None, environment: Environment) -> datetime:
    from callflow.runtime.simulator.run import moment

    try:
        return moment(at, environment)
    except ValueError as error:
        raise click.BadParameter(
            f"{at!r}: {error}; use an ISO date-time such as 2026-11-20T17:31", param_hint="--at"
        ) from None


# -- explore --------------------------------------------------------------------------------------------------


@click.command()
@FLOW
@ENV
@click.option(
    "--max-visits",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="How often a path may pass through one node; a path that would pass once more stops there (a loop).",
)
@click.option(
    "--max-paths", default=MAX_PATHS, show_default=True, type=click.IntRange(1), help="Stop counting paths here."
)
@click.option(
    "--tests",
    "tests_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help=f"The flow's tests: a test file, or a folder searched for the test files of this flow; repeat for more "
    f"(default: the test files of this flow in its folder, `NAME{SUFFIX}` and `NAME.*{SUFFIX}`).",
)
@click.option(
    "--write-skeleton",
    "out_path",
    metavar=f"OUT{SUFFIX}",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a test case for every wired exit no test takes.",
)
@_at("When the skeletons' calls happen (default: the tests' `at:`, else now)")
def explore(
    flow_path: Path,
    env_path: Path | None,
    max_visits: int,
    max_paths: int,
    tests_paths: tuple[Path, ...],
    out_path: Path | None,
    at: str | None,
) -> None:
    """Count the distinct paths through FLOW, show which wired exits its tests take, and sketch tests for the rest."""
    from callflow.runtime.testing.coverage import coverage
    from callflow.runtime.testing.explore import walk

    flow = _load(flow_path)
    environment = _environment(flow_path, env_path)
    found = list(islice(walk(flow, max_visits), max_paths + 1))
    count = f"at least {max_paths} (stopped counting at --max-paths)" if len(found) > max_paths else str(len(found))
    looped = sum(p.looped for p in found[:max_paths])
    start = flow.start.id if flow.start else "?"
    click.echo(f"{flow_path.name}: {count} distinct paths from `{start}`, {looped} of them cut short at a loop")
    try:
        test_files, results = _run_tests(flow_path, tests_paths, environment if env_path else None)
    except FlowError as error:
        raise UserError(str(error)) from None
    visited = [v for r in results for v in r.simulation.visited]
    covered = coverage(flow, visited, [t for r in results for t in r.simulation.taken])
    failing = sum(not r.passed for r in results)
    if test_files:
        named = ", ".join(str(t.path) for t in test_files)
        ran = f"{named} ({len(results)} cases, {failing} failing)"
    else:
        where = ", ".join(map(str, tests_paths)) if tests_paths else f"{flow_path.parent}"
        ran = f"no tests (no test file of {flow_path.name} in {where})"
    click.echo(f"wired exits: {len(covered.exits & covered.exits_used)} of {len(covered.exits)} taken by {ran}")
    for edge in flow.edges:
        used = (edge.source, edge.exit) in covered.exits_used
        click.echo(f"  {'covered  ' if used else 'uncovered'}  {edge.source} -> {edge.exit}")
    if out_path is None:
        return
    _write_skeletons(flow, flow_path, env_path, environment, test_files, covered.exits_used, out_path, at)


def _write_skeletons(
    flow: Flow,
    flow_path: Path,
    env_path: Path | None,
    environment: Environment,
    test_files: list[TestFile],
    exits_used: frozenset[tuple[str, str]],
    out_path: Path,
    at: str | None,
) -> None:
    """Write a test case for every wired exit no test takes, each checked in simulation."""
    from callflow.runtime.simulator.run import Simulator
    from callflow.runtime.testing.explore import needs_person

    at_text = at or _default_at(test_files, environment)
    start_at = _moment(at_text, environment)
    missing = [e for e in flow.edges if (e.source, e.exit) not in exits_used]
    simulator = Simulator(environment, flow_path.parent)
    try:
        skeletons = [_checked(simulator, flow, edge, start_at) for edge in missing]
    finally:
        simulator.close()
    header = _header(flow_path, env_path, at_text, out_path, len(skeletons))
    out_path.write_text("\n".join([*header, *(line for s in skeletons for line in _case_lines(s))]) + "\n", "utf-8")
    person = sum(needs_person(s) for s in skeletons)
    verified = len(skeletons) - person
    click.echo(f"wrote {len(skeletons)} test skeletons to {out_path}: {verified} take their exit, {person} marked TODO")


def _run_tests(
    flow_path: Path, paths: tuple[Path, ...], environment: Environment | None
) -> tuple[list[TestFile], list[CaseResult]]:
    """The test files of a flow (those named, those of the folders named, or those beside it), and their results."""
    import asyncio

    from callflow.runtime.testing.flowtest import run_test_file, tests_of_flow

    test_files = tests_of_flow(flow_path, paths)
    if environment is not None:
        test_files = [dataclasses.replace(t, environment=environment) for t in test_files]
    return test_files, [r for t in test_files for r in asyncio.run(run_test_file(t))]


def _default_at(test_files: list[TestFile], environment: Environment) -> str:
    """The tests' moment, so that skeletons run when the tests do; without one, now in the environment's zone."""
    from callflow.runtime.simulator.run import moment

    for case in (case for test_file in test_files for case in test_file.cases):
        value = case.options.get("at")
        if value is not None:
            return value.isoformat() if isinstance(value, datetime | date) else str(value)
    return moment(None, environment).replace(tzinfo=None).isoformat(timespec="minutes")


def _stem(flow_path: Path) -> str:
    return flow_path.name.removesuffix(".json").removesuffix(".flow")


def _header(flow_path: Path, env_path: Path | None, at_text: str, out_path: Path, cases: int) -> list[str]:
    here = out_path.parent
    return [
        f"# Test skeletons for {flow_path.name}, written by `callflow explore`: a case for each exit no test takes.",
        "# Each caller follows the cheapest route to its exit; lines marked TODO need a person.",
        f"# Move finished cases into {_stem(flow_path)}{SUFFIX}.",
        f"flow: {_yaml(os.path.relpath(flow_path, here))}",
        *([f"env: {_yaml(os.path.relpath(env_path, here))}"] if env_path else []),
        f"at: {_yaml(at_text)}",
        "cases:" if cases else "cases: []",
    ]


def _checked(simulator: Simulator, flow: Flow, edge: Edge, start_at: datetime) -> dict[str, Any]:
    """The skeleton for an exit, its TODOs settled when its caller takes the exit in simulation, a TODO added when
    its caller misses the exit though it needed none."""
    from callflow.runtime.testing.explore import TODO, needs_person, skeleton_for

    skeleton = skeleton_for(flow, edge.source, edge.exit)
    if _takes(simulator, flow, edge, skeleton, start_at):
        settled = "checked: the exit is taken in simulation; to keep it so, "
        skeleton["comments"] = [c.replace(TODO, settled, 1) for c in skeleton["comments"]]
    elif not needs_person(skeleton):
        assumed = "; ".join(skeleton["assumes"]) or "nothing"
        skeleton["comments"].append(f"{TODO}in simulation this input misses the exit; the route assumes {assumed}")
    return skeleton


def _takes(simulator: Simulator, flow: Flow, edge: Edge, skeleton: dict[str, Any], start_at: datetime) -> bool:
    """Whether a skeleton's caller follows its exit's wire in simulation."""
    from callflow.runtime.simulator.script import parse_script

    steps = parse_script(skeleton["input"])
    simulation = simulator.run(flow, steps, at=start_at, switches=skeleton.get("switches", {}))
    return (flow.name, edge.source, edge.exit) in simulation.taken


def _case_lines(skeleton: dict[str, Any]) -> list[str]:
    lines = [f"  - name: {_yaml(skeleton['name'])}"]
    lines.extend(f"    # {comment}" for comment in skeleton["comments"])
    notes = skeleton["step_comments"]
    if any(notes):
        lines.append("    input:")
        lines.extend(
            f"      - {_yaml(step)}" + (f"  # {note}" if note else "")
            for step, note in zip(skeleton["input"], notes, strict=True)
        )
    else:
        lines.append(f"    input: {_yaml(skeleton['input'])}")
    if "switches" in skeleton:
        lines.append(f"    switches: {{{', '.join(f'{k}: {_on(v)}' for k, v in skeleton['switches'].items())}}}")
    lines.append(f"    expect: {{reached: {_yaml(skeleton['expect']['reached'])}}}")
    return lines


def _on(value: bool) -> str:
    return "on" if value else "off"


def _yaml(value: Any) -> str:
    """A YAML value on one line: JSON is YAML."""
    return json.dumps(value, ensure_ascii=False)


# -- replay ---------------------------------------------------------------------------------------------------


@click.command()
@click.argument("trace", metavar="TRACE", type=click.File("r", encoding="utf-8"))
@click.option(
    "--flow",
    "flow_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The flow to replay the call against.",
)
@ENV
@_at("When the replayed call happens (default: now)")
@click.option(
    "--switch", "switches", multiple=True, metavar="NAME=on|off", help="Override a switch of the environment."
)
@click.option(
    "--timing",
    type=click.Choice(["auto", "trace", "listen"]),
    default="auto",
    show_default=True,
    help="When the caller acts: at the trace's own moments (`trace`: timed steps), or when the flow listens "
    "(`listen`); `auto` takes the trace's moments for a live call and listens for a simulated one.",
)
@PROMPTS
def replay(
    trace: IO[str],
    flow_path: Path,
    env_path: Path | None,
    at: str | None,
    switches: tuple[str, ...],
    timing: str,
    prompts: Path | None,
) -> None:
    """Replay a recorded call (TRACE: JSON lines from `callflow simulate --json` or a live call's trace, `-` for
    standard input) against another flow, and show where the caller's experience would change. Exit status 1 when
    it changes."""
    from callflow.runtime.simulator.run import Simulator
    from callflow.runtime.testing.flowtest import unified
    from callflow.runtime.testing.replay import (
        call_options,
        experience,
        is_live,
        read_trace,
        recognizer,
        script_from_trace,
        timed_script_from_trace,
    )

    flow = _load(flow_path)
    environment = _environment(flow_path, env_path)
    start_at = _moment(at, environment)
    simulator = Simulator(environment, flow_path.parent, recognize=None, prompts=prompts)
    try:
        events = read_trace(trace.read(), trace.name)
        timed = timing == "trace" or (timing == "auto" and is_live(events))
        script = timed_script_from_trace(events) if timed else script_from_trace(events, _length(simulator.lengths))
    except FlowError as error:
        raise UserError(str(error)) from None
    simulator.recognize = recognizer(events)
    try:
        now = simulator.run(flow, script, at=start_at, switches=parse_switches(switches), **call_options(events))
    finally:
        simulator.close()
    click.echo(f"caller's script: {' '.join(str(step) for step in script) or '(silence)'}")
    before, after = experience(events), experience(now.events)
    if before == after:
        click.echo("the caller's experience is the same")
        return
    click.echo(unified(before, after))
    sys.exit(1)


def _length(lengths: PromptLengths) -> Callable[[Event], float]:
    """A prompt event's length, as the simulator plays it."""

    def length(event: Event) -> float:
        if event.get("file"):
            return lengths.file_s(str(event["file"]))
        return lengths.text_s(str(event.get("text") or ""), event.get("lang"))

    return length
