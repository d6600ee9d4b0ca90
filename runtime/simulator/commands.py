"""`callflow simulate`: one call on a virtual clock, with a scripted caller."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from callflow.flowlang.cli import reader_gone
from callflow.runtime.simulator.clock import DEFAULT_LIMIT_S, MAX_LIMIT_S, checked_limit
from callflow.runtime.simulator.script import ScriptError, parse_script
from callflow.runtime.trace import describe, to_json_line

if TYPE_CHECKING:
    from callflow.runtime.service.records import RecordBook

PROMPTS = click.option(
    "--prompts",
    "prompts",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Rendered prompts (`callflow render-prompts`' folder): they last as long as their files "
    "(default: as long as the calibrated estimate).",
)


@click.command()
@click.argument("flow_path", metavar="FLOW", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--env",
    "env_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The environment file (default: callflow.toml next to the flow or above it).",
)
@click.option(
    "--at",
    "at",
    metavar="DATETIME",
    help="When the call happens: ISO date-time, with an offset or in the environment's time zone.",
)
@click.option("--from", "caller", default="10000000000", show_default=True, help="The caller's number.")
@click.option("--to", "called", default="12345", show_default=True, help="The number dialled.")
@click.option(
    "--input",
    "-i",
    "steps",
    multiple=True,
    metavar="STEP",
    help="A caller step, used when the flow next listens: dtmf:KEYS, say:TEXT, say:@FILE.wav, "
    "wait:SECONDS, hangup, agent:SECONDS, agent-hangup:SECONDS; or at a moment: dtmf:KEYS@SECONDS (after the "
    "answer), say:TEXT@SECONDS, hangup@SECONDS. Repeat for more steps.",
)
@PROMPTS
@click.option(
    "--switch", "switches", multiple=True, metavar="NAME=on|off", help="Override a switch of the environment."
)
@click.option(
    "--queue-position", default=1, show_default=True, help="Callers ahead when joining a queue (0: next, no count)."
)
@click.option(
    "--limit",
    "limit_s",
    default=DEFAULT_LIMIT_S,
    show_default=True,
    callback=lambda _, param, value: _time_limit(param, value),
    help=f"Virtual time limit of the call, in seconds (more than 0, at most {MAX_LIMIT_S:.0f}).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event instead of a transcript.")
@click.option("--save", is_flag=True, help="Keep the call's record in the data folder's records (--data).")
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The data folder whose records --save writes (default: $CALLFLOW_DATA, else ./callflow-data).",
)
@click.option("--tenant", default="default", show_default=True, help="The tenant whose records --save writes.")
def simulate(
    flow_path: Path,
    env_path: Path | None,
    at: str | None,
    caller: str,
    called: str,
    steps: tuple[str, ...],
    prompts: Path | None,
    switches: tuple[str, ...],
    queue_position: int,
    limit_s: float,
    as_json: bool,
    save: bool,
    data: Path | None,
    tenant: str,
) -> None:
    """Simulate one call through FLOW on a virtual clock, the caller following the --input steps."""
    import asyncio

    from callflow.flowlang.check.files import environment_for
    from callflow.flowlang.environment import Environment, load_environment
    from callflow.flowlang.loader import load_file
    from callflow.runtime.call_record import CallOrigin
    from callflow.runtime.simulator.run import Simulator, moment

    loaded = load_file(flow_path)
    if not loaded.ok or loaded.flow is None:
        problems = "\n".join(p.render() for p in loaded.problems)
        raise click.ClickException(f"{flow_path} has errors; fix them first:\n{problems}")
    environment = load_environment(env_path) if env_path else environment_for(flow_path) or Environment.empty()
    try:
        start = moment(at, environment)
    except ValueError as error:
        example = "use an ISO date-time such as 2026-11-20T17:31"
        raise click.BadParameter(f"{at!r}: {error}; {example}", param_hint="--at") from None
    try:
        script = parse_script(list(steps))
    except ScriptError as error:
        raise click.BadParameter(str(error), param_hint="--input") from None
    overrides = parse_switches(switches)
    shown = to_json_line if as_json else describe

    def printer(event: dict[str, Any]) -> None:
        try:
            click.echo(shown(event))
        except BrokenPipeError:  # raised inside a node, the engine would take it for the node's failure
            reader_gone()

    book = records_of(data) if save else None
    origin = CallOrigin(tenant, loaded.flow.name, 0, "simulated")
    simulator = Simulator(environment, flow_path.parent, prompts=prompts, recorder=book, origin=origin)
    try:
        asyncio.run(
            simulator.call(
                loaded.flow,
                script,
                at=start,
                caller=caller,
                called=called,
                switches=overrides,
                limit_s=limit_s,
                queue_position=queue_position,
                sink=printer,
            )
        )
    finally:
        simulator.close()
        if book is not None:
            book.close()
    sys.stdout.flush()


def records_of(data: Path | None) -> RecordBook:
    """The records of a data folder (created when new)."""
    from callflow.runtime.service.records import RecordBook
    from callflow.runtime.store.folder import default_data_folder

    return RecordBook(data or default_data_folder())


def _time_limit(param: click.Parameter, value: float) -> float:
    try:
        return checked_limit(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param=param) from None


def parse_switches(values: tuple[str, ...]) -> dict[str, bool]:
    """`--switch NAME=on|off` options as a mapping."""
    result = {}
    for value in values:
        name, _, state = value.partition("=")
        if state not in ("on", "off"):
            raise click.BadParameter(f"{value!r}: write NAME=on or NAME=off", param_hint="--switch")
        result[name] = state == "on"
    return result
