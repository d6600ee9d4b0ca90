"""`callflow test`: the flow tests beside flows, with node and exit coverage per flow over all its test files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from callflow.runtime.simulator.commands import PROMPTS

# The simulator is imported when the command runs, not for `callflow --help` (flowlang/cli.py).
if TYPE_CHECKING:
    from callflow.runtime.testing.coverage import Coverage
    from callflow.runtime.testing.flowtest import Case, CaseResult, TestFile


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--coverage/--no-coverage", "show_coverage", default=True, help="Report node and exit coverage.")
@click.option(
    "-k",
    "patterns",
    multiple=True,
    metavar="PATTERN",
    help="Run only the cases whose name (or test file's name) holds PATTERN, in any case; repeat for more.",
)
@click.option("-x", "--fail-fast", is_flag=True, help="Stop at the first failing case.")
@click.option("--full", is_flag=True, help="Show a failing case's whole call, not only the part around what differs.")
@PROMPTS
def flow_test(
    paths: tuple[Path, ...],
    show_coverage: bool,
    patterns: tuple[str, ...],
    fail_fast: bool,
    full: bool,
    prompts: Path | None,
) -> None:
    """Run the flow tests (`*.test.yaml`) in PATHS (default: the current folder)."""
    from callflow.runtime.testing.flowtest import run_all, transcript_diff

    def keep(test_file: TestFile, case: Case) -> bool:
        names = f"{test_file.path.name} {case.name}".casefold()
        return not patterns or any(pattern.casefold() in names for pattern in patterns)

    results = run_all(paths or (Path("."),), prompts, keep=keep, fail_fast=fail_fast)
    passed = failed = 0
    for test_file, cases in results:
        if not cases:
            continue
        click.echo(str(test_file.path))
        for result in cases:
            if result.passed:
                passed += 1
                click.echo(f"  PASS  {result.case.name}")
            else:
                failed += 1
                click.echo(f"  FAIL  {result.case.name}")
                click.echo(transcript_diff(result, whole=full))
    ran = sum(len(cases) for _, cases in results)
    every = sum(len(test_file.cases) for test_file, _ in results)
    stopped = fail_fast and failed > 0
    if show_coverage and ran:
        if patterns or stopped:
            click.echo("coverage: not shown, since only some of the cases ran")
        else:
            for covered, files in coverage_per_flow(results):
                shown = f"{len(files)} test files" if len(files) > 1 else str(files[0])
                click.echo(f"coverage {covered.summary()} (by {shown})")
                for node, exit_name in covered.missing_exits:
                    click.echo(f"    not covered: {node} -> {exit_name}")
    deselected = f", {every - ran} not run" if every > ran else ""
    click.echo(f"{passed} passed, {failed} failed{deselected}" + (" (stopped at the first failure)" if stopped else ""))
    if failed or not passed:
        sys.exit(1)


def coverage_per_flow(results: list[tuple[TestFile, list[CaseResult]]]) -> list[tuple[Coverage, list[Path]]]:
    """The coverage of each flow under test by every case that ran: those of all its test files, and those of
    other flows' tests that call it as a subflow; with the flow's own test files."""
    from callflow.flowlang.loader import load_file
    from callflow.runtime.testing.coverage import coverage

    files_of: dict[Path, list[Path]] = {}
    for test_file, _ in results:
        files_of.setdefault(test_file.flow_path.resolve(), []).append(test_file.path)
    visited = [v for _, cases in results for r in cases for v in r.simulation.visited]
    taken = [t for _, cases in results for r in cases for t in r.simulation.taken]
    found = []
    for flow_path, files in files_of.items():
        flow = load_file(flow_path).flow
        assert flow is not None  # its tests ran
        found.append((coverage(flow, visited, taken), files))
    return found
