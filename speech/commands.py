"""`callflow render-prompts`: every prompt of some flows as 8 kHz 16-bit mono WAV files, with a manifest."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from callflow.flowlang.cli import UserError, flow_files
from callflow.flowlang.errors import FlowError

# The machinery is imported when the command runs, not for `callflow --help` (flowlang/cli.py).
if TYPE_CHECKING:
    from callflow.speech.manifest import Entry, Job


@click.command("render-prompts")
@click.argument("paths", metavar="FLOW...", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "directory",
    default=Path("prompts"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder for the prompt files and manifest.json; it is also the cache.",
)
@click.option(
    "--env",
    "env_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The environment file, for `[voices]` (default: callflow.toml next to each flow or above it).",
)
@click.option("--prune", is_flag=True, help="Delete the cached prompt files that these flows no longer use.")
def render_prompts(paths: tuple[Path, ...], directory: Path, env_path: Path | None, prune: bool) -> None:
    """Render every prompt of FLOW... in every language it declares, for Asterisk (8 kHz, 16-bit, mono WAV).

    Texts are synthesised (once: the output folder is a cache), recorded files are checked and converted, and
    prompts with {variables} are listed in the manifest as dynamic, to be rendered at call time.
    """
    from callflow.speech.cache import PromptCache
    from callflow.speech.manifest import render, write_manifest
    from callflow.speech.synthesis import Pyttsx3Synthesizer

    synthesizer = Pyttsx3Synthesizer()
    cache = PromptCache(directory, synthesizer)
    try:
        jobs = _jobs(paths, env_path)
        for voice in dict.fromkeys(job.voice for job in jobs if job.voice is not None):
            synthesizer.resolve(voice)  # an uninstalled voice fails now, not halfway through
        entries = render(jobs, cache, _progress)
    except FlowError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"{error.strerror or error}: {error.filename or directory}") from None
    manifest = write_manifest(entries, directory)
    click.echo(_summary(entries, directory))
    click.echo(f"wrote {manifest}")
    if prune:
        removed = cache.prune({entry.file for entry in entries if entry.file is not None})
        click.echo(f"pruned {removed} unused file{'s' * (removed != 1)}")


def _jobs(paths: tuple[Path, ...], env_path: Path | None) -> list[Job]:
    from callflow.flowlang.check.files import environment_for
    from callflow.flowlang.environment import Environment, load_environment
    from callflow.flowlang.loader import load_file
    from callflow.speech.manifest import plan

    given = load_environment(env_path) if env_path else None
    jobs: list[Job] = []
    for path in flow_files(paths):
        loaded = load_file(path)
        if not loaded.ok or loaded.flow is None:
            problems = "\n".join(p.render() for p in loaded.problems)
            raise UserError(f"{path} has errors; fix them first:\n{problems}")
        environment = given or environment_for(path) or Environment.empty()
        jobs.extend(plan(loaded.flow, path.parent, environment))
    return jobs


def _progress(jobs: Sequence[Job]) -> Iterable[Job]:
    from tqdm import tqdm  # type: ignore[import-untyped]

    bar: Iterable[Job] = tqdm(jobs, desc="rendering prompts", unit="prompt", file=sys.stderr, leave=False)
    return bar


def _summary(entries: list[Entry], directory: Path) -> str:
    made = [e for e in entries if e.file is not None]
    synthesised = sum(1 for e in made if not e.cached and e.job.kind == "synthesised")
    converted = sum(1 for e in made if not e.cached and e.job.kind == "recorded")
    cached = sum(1 for e in made if e.cached)
    dynamic = len(entries) - len(made)
    line = f"{len(made)} prompt files in {directory}: {synthesised} synthesised, {cached} from the cache"
    line += f", {converted} recordings converted" if converted else ""
    return line + (f"; {dynamic} dynamic, rendered at call time" if dynamic else "")
