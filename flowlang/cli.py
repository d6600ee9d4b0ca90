"""The `callflow` command line: check, format, convert and draw flows."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

from callflow.flowlang.errors import FlowError

# Commands import what they need when they run: `callflow --help` loads no command's machinery, and `check` no
# simulator, speech or HTTP library (bench/startup_speed.py; tests/flowlang/test_cli_process.py keeps it so).
if TYPE_CHECKING:
    from callflow.flowlang.check.files import Report
    from callflow.flowlang.loader import Loaded

FLOW_SUFFIXES = (".flow", ".flow.json")


def flow_files(paths: tuple[Path, ...]) -> Iterator[Path]:
    """The flow files named, with folders searched for `*.flow` and `*.flow.json`."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.name.endswith(FLOW_SUFFIXES) and ".venv" not in p.parts)
        else:
            yield path


def _problems_text(loaded: Loaded) -> str:
    return "\n".join(p.render() for p in loaded.problems)


def _load_or_fail(path: Path) -> Loaded:
    from callflow.flowlang.loader import load_file

    loaded = load_file(path)
    if not loaded.ok:
        raise click.ClickException(f"{path} has errors; fix them first:\n{_problems_text(loaded)}")
    return loaded


PICTURE_FORMATS = ("mermaid", "dot", "svg")
"""`callflow graph --format` (`flowlang/picture.py` draws each; a test keeps the two lists the same)."""

PATHS = click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))


class UserError(click.ClickException):
    """A problem with the user's files or arguments: a clear message and exit status 2, never a traceback."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"callflow: error: {self.format_message()}", err=True, file=file)


def reader_gone() -> NoReturn:
    """End the process as a Unix tool does when the reader of its output has gone (`callflow simulate … | head`):
    quietly, by SIGPIPE (the shell's status 141), with nothing more written anywhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # what is still buffered goes nowhere, not into a second error
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    sys.exit(128 + 13)


class FlowGroup(click.Group):
    """A command group that turns flow-language and file errors into clear messages."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            reader_gone()
        except FlowError as error:
            raise UserError(str(error)) from None
        except OSError as error:
            raise UserError(f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")) from None


@click.group(cls=FlowGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="callflow", prog_name="callflow")
def cli() -> None:
    """Callflow: describe what happens when someone phones, check it, and run it."""


@cli.command()
@PATHS
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@click.option(
    "--env",
    "env_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The environment file (default: callflow.toml next to each flow or above it).",
)
def check(files: tuple[Path, ...], strict: bool, output: str, env_path: Path | None) -> None:
    """Check flows for errors and warnings. Exits 1 when there are errors (or warnings, with --strict)."""
    from callflow.flowlang.check.files import check_file
    from callflow.flowlang.diagnostics import Severity
    from callflow.flowlang.environment import Environment, load_environment

    environment: Environment | None = load_environment(env_path) if env_path else None
    reports = [check_file(path, environment) for path in flow_files(files)]
    errors = sum(r.count(Severity.ERROR) for r in reports)
    warnings = sum(r.count(Severity.WARNING) for r in reports)
    if output == "json":
        click.echo(json.dumps(_json_report(reports, errors, warnings), ensure_ascii=False, indent=2))
    else:
        for report in reports:
            for problem in report.problems:
                click.echo(problem.render(), err=False)
        summary = f"{len(reports)} file{'s' * (len(reports) != 1)} checked: {errors} error{'s' * (errors != 1)}, "
        click.echo(summary + f"{warnings} warning{'s' * (warnings != 1)}")
    if errors or (strict and warnings):
        sys.exit(1)


def _json_report(reports: list[Report], errors: int, warnings: int) -> dict[str, object]:
    files = [{"file": r.file, "diagnostics": [p.to_json() for p in r.problems]} for r in reports]
    return {"files": files, "errors": errors, "warnings": warnings}


@cli.command()
@PATHS
@click.option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 if a file would change.")
def fmt(files: tuple[Path, ...], check_only: bool) -> None:
    """Rewrite flow files in their canonical form."""
    from callflow.flowlang.loader import dump

    changed = []
    for path in flow_files(files):
        loaded = _load_or_fail(path)
        assert loaded.flow is not None
        text = dump(loaded.flow, loaded.form)
        if text != path.read_text(encoding="utf-8"):
            changed.append(path)
            if check_only:
                click.echo(f"would reformat {path}")
            else:
                path.write_text(text, encoding="utf-8")
                click.echo(f"reformatted {path}")
    if check_only and changed:
        sys.exit(1)


@cli.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "target",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write: `*.flow` or `*.flow.json`.",
)
def convert(source: Path, target: Path) -> None:
    """Convert a flow between the DSL (`.flow`) and the JSON graph (`.flow.json`)."""
    from callflow.flowlang.loader import dump, form_of

    form = form_of(target)
    loaded = _load_or_fail(source)
    assert loaded.flow is not None
    target.write_text(dump(loaded.flow, form), encoding="utf-8")
    click.echo(f"wrote {target}")


@cli.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "picture_format", type=click.Choice(PICTURE_FORMATS), default="mermaid", help="Picture format."
)
@click.option(
    "-o",
    "--output",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
def graph(source: Path, picture_format: str, target: Path | None) -> None:
    """Draw a flow as a Mermaid chart, a Graphviz DOT graph or an SVG picture."""
    from callflow.flowlang.picture import draw
    from callflow.flowlang.registry import default_registry

    loaded = _load_or_fail(source)
    assert loaded.flow is not None
    picture = draw(loaded.flow, default_registry(), picture_format)
    if target is None:
        click.echo(picture, nl=False)
    else:
        target.write_text(picture, encoding="utf-8")
        click.echo(f"wrote {target}")


@cli.command()
@click.option(
    "-o",
    "--output",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
def schema(target: Path | None) -> None:
    """Print the JSON Schema of `*.flow.json` for the installed node types."""
    from callflow.flowlang.registry import default_registry
    from callflow.flowlang.schema import flow_schema

    text = json.dumps(flow_schema(default_registry()), ensure_ascii=False, indent=2) + "\n"
    if target is None:
        click.echo(text, nl=False)
    else:
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {target}")


@cli.command()
@click.argument("topic", type=click.Choice(["nodes", "checks"]))
def reference(topic: str) -> None:
    """Print the Markdown reference of the installed node types, or of every check."""
    from callflow.flowlang.reference import check_reference, node_reference
    from callflow.flowlang.registry import default_registry

    click.echo(node_reference(default_registry()) if topic == "nodes" else check_reference(), nl=False)


COMMANDS_GROUP = "callflow.commands"
"""Entry point group through which other parts of Callflow (and plugins) add commands."""


def main() -> None:
    """Entry point of the `callflow` script."""
    from importlib.metadata import entry_points

    for entry in entry_points(group=COMMANDS_GROUP):
        cli.add_command(entry.load(), entry.name)
    cli(prog_name="callflow")
