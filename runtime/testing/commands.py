"""`callflow test`: the flow tests beside flows, with node and exit coverage."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.commands import PROMPTS
from callflow.runtime.testing.coverage import coverage
from callflow.runtime.testing.flowtest import run_all, transcript_diff


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--coverage/--no-coverage", "show_coverage", default=True, help="Report node and exit coverage.")
@PROMPTS
def flow_test(paths: tuple[Path, ...], show_coverage: bool, prompts: Path | None) -> None:
    """Run the flow tests (`*.test.yaml`) in PATHS (default: the current folder)."""
    results = run_all(paths or (Path("."),), prompts)
    passed = failed = 0
    for test_file, cases in results:
        click.echo(str(test_file.path))
        for result in cases:
            if result.passed:
                passed += 1
                click.echo(f"  PASS  {result.case.name}")
            else:
                failed += 1
                click.echo(f"  FAIL  {result.case.name}")
                click.echo(transcript_diff(result))
        if show_coverage and cases:
            flow = load_file(test_file.flow_path).flow
            assert flow is not None
            covered = coverage(
                flow,
                [v for r in cases for v in r.simulation.visited],
                [t for r in cases for t in r.simulation.taken],
            )
            click.echo(f"  coverage {covered.summary()}")
            for node, exit_name in covered.missing_exits:
                click.echo(f"    not covered: {node} -> {exit_name}")
    click.echo(f"{passed} passed, {failed} failed")
    if failed or not passed:
        sys.exit(1)
