"""`callflow diff OLD NEW`: what changed between two versions of a flow, and which test calls go differently."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from callflow.flowlang.cli import UserError
from callflow.flowlang.errors import FlowError
from callflow.runtime.testing import SUFFIX

# The machinery is imported when the command runs, not for `callflow --help` (flowlang/cli.py).
if TYPE_CHECKING:
    from callflow.flowlang.diff import FlowDiff
    from callflow.flowlang.model import Flow
    from callflow.runtime.testing.consequence import AffectedCase, CaseCall

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("diff")
@click.argument("old_path", metavar="OLD", type=FILE)
@click.argument("new_path", metavar="NEW", type=FILE)
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@click.option(
    "--tests",
    "tests",
    multiple=True,
    metavar=f"FILE{SUFFIX}",
    type=FILE,
    help="Run these test cases on both versions and list those whose call goes differently (repeatable).",
)
def diff(old_path: Path, new_path: Path, output: str, tests: tuple[Path, ...]) -> None:
    """Show what changed from OLD to NEW (`.flow` or `.flow.json`, either side): nodes, parameters, exits,
    prompts and header, renamed nodes as renames, layout and comments apart. Exit status 0 when nothing
    differs, 1 when something does, 2 on trouble."""
    from callflow.flowlang.diff import diff_flows
    from callflow.flowlang.registry import default_registry

    try:
        old, new = _load(old_path), _load(new_path)
        difference = diff_flows(old, new, default_registry())
        runs = [_run_tests(path, old, new, new_path, difference) for path in tests]
    except FlowError as error:
        raise UserError(str(error)) from None
    if output == "json":
        cases = [{"file": str(path), **case.to_json()} for path, _, found in runs for case in found]
        data: dict[str, Any] = {"diff": difference.to_json()}
        if tests:
            data["cases"] = cases
            data["cases_run"] = sum(total for _, total, _ in runs)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(difference.to_text(), nl=False)
        for path, total, found in runs:
            click.echo("\n" + "\n".join(cases_text(str(path), total, found)))
    if not difference.same or any(found for _, _, found in runs):
        sys.exit(1)


def _load(path: Path) -> Flow:
    from callflow.flowlang.loader import load_file

    loaded = load_file(path)
    if not loaded.ok or loaded.flow is None:
        problems = "\n".join(p.render() for p in loaded.problems)
        raise UserError(f"{path} has errors; fix them first:\n{problems}")
    return loaded.flow


def _run_tests(
    path: Path, old: Flow, new: Flow, new_path: Path, difference: FlowDiff
) -> tuple[Path, int, list[AffectedCase]]:
    """A test file's cases run on both versions: subflows from NEW's folder, audio from the tested flow's."""
    import asyncio

    from callflow.runtime.testing.consequence import affected_cases
    from callflow.runtime.testing.flowtest import read_test_file

    test_file = read_test_file(path)
    found = asyncio.run(
        affected_cases(
            old,
            new,
            test_file.cases,
            test_file.environment,
            new_path.parent,
            folder=test_file.flow_path.parent,
            renames=difference.renames,
        )
    )
    return path, len(test_file.cases), found


def cases_text(file: str, total: int, found: list[AffectedCase]) -> list[str]:
    """The cases whose call goes differently, for people: what differs, the caller's experience as a diff."""
    count = f"{len(found)} of {total}" if found else f"none of {total}"
    lines = [f"test cases whose call goes differently ({file}): {count}"]
    for affected in found:
        lines.append(f"  {affected.case.name}  [{', '.join(affected.differs)}]{_result(affected)}")
        lines.extend(_details(affected.old, affected.new))
    return lines


def _result(affected: AffectedCase) -> str:
    def word(passed: bool | None) -> str:
        return "cannot run" if passed is None else "passes" if passed else "fails"

    if affected.old.passed == affected.new.passed:
        return ""
    return f"  {word(affected.old.passed)} {'→'} {word(affected.new.passed)}"


def _details(old: CaseCall, new: CaseCall) -> list[str]:
    indent = " " * 6
    lines = []
    if old.error != new.error:
        errors = (("old", old.error), ("new", new.error))
        lines += [f"{indent}cannot run on the {side} version: {error}" for side, error in errors if error]
    changed = list(difflib.unified_diff(list(old.experience), list(new.experience), n=1, lineterm=""))[3:]
    lines += [f"{indent}  …" if line.startswith("@@") else f"{indent}{line[0]} {line[1:]}" for line in changed]
    if old.outcome != new.outcome and old.error is None and new.error is None:
        lines.append(f"{indent}ends: {_outcome(old.outcome)} → {_outcome(new.outcome)}")
    if old.duration_s is not None and new.duration_s is not None and old.duration_s != new.duration_s:
        lines.append(f"{indent}lasts: {old.duration_s:g} s → {new.duration_s:g} s")
    if new.passed is False and old.passed is not False:
        lines += [f"{indent}now: {failure}" for failure in new.failures]
    return lines


def _outcome(outcome: Any) -> str:
    return ", ".join(f"{k} {v}" for k, v in outcome.items()) or "(nothing)"
