"""`callflow load`: a day of callers through the real flow, and how many agents it needs."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from callflow.flowlang.errors import FlowError
from callflow.runtime.simulator.commands import parse_switches

# The machinery is imported when the command runs, not for `callflow --help` (flowlang/cli.py).
if TYPE_CHECKING:
    from callflow.flowlang.model import Flow
    from callflow.runtime.capacity.compare import Comparison
    from callflow.runtime.capacity.result import LoadResult
    from callflow.runtime.capacity.run import Progress
    from callflow.runtime.capacity.staffing import StaffingResult

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("load")
@click.argument("flow_path", metavar="FLOW", type=FILE)
@click.option("--env", "env_path", type=FILE, help="The environment file (default: callflow.toml next to the flow).")
@click.option("--calls-per-hour", type=float, help="Poisson arrivals at this rate (with --duration).")
@click.option("--arrivals", "profile", type=FILE, help="A profile: CSV of interval starts and calls per interval.")
@click.option("--duration", help="How long calls arrive: 8h, 90m (default: 1 h, or the whole profile).")
@click.option("--start", help="The day on the calendar: ISO date or date-time (default: today), so hours apply.")
@click.option("--interval", help="The interval figures are given per (default: the profile's, or 30m).")
@click.option("--agents", multiple=True, metavar="QUEUE=N[,QUEUE=N]", help="Agents on shift per queue.")
@click.option(
    "--staffing", "staffing_path", type=FILE, help="Agents per interval: CSV with start, then a column per queue."
)
@click.option("--aht", metavar="SECONDS[,QUEUE=SECONDS]", help="Average handling time, for all queues or per queue.")
@click.option("--aht-dist", default="exp", show_default=True, help="Handling times: exp, lognormal:CV or fixed.")
@click.option("--patience", type=float, help="Average seconds a caller waits in a queue before hanging up.")
@click.option("--patience-dist", default="exp", show_default=True, help="Patience: exp, fixed or none.")
@click.option("--callers", "mix_path", type=FILE, help="The caller mix (YAML); default: callers who press nothing.")
@click.option("--seed", default=1, show_default=True, help="The random seed: the same seed, the same day.")
@click.option("--target", "target_text", default="80/20", show_default=True, help="Service level: PERCENT/SECONDS.")
@click.option("--sl-target", type=float, help="The service level's seconds (the same as --target's second part).")
@click.option("--find-agents", "find", multiple=True, metavar="QUEUE", help="Find the fewest agents per interval.")
@click.option("--save-staffing", type=click.Path(dir_okay=False, path_type=Path), help="Write the agents found.")
@click.option("--compare", "other_path", type=FILE, help="Run the same day through another version of the flow.")
@click.option("--to", "called", default="12345", show_default=True, help="The number dialled.")
@click.option("--switch", "switches", multiple=True, metavar="NAME=on|off", help="Override a switch.")
@click.option("--limit", "limit_s", default=3600.0, show_default=True, help="Time limit of each call, in seconds.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="Write an HTML report.")
def load(
    flow_path: Path,
    env_path: Path | None,
    calls_per_hour: float | None,
    profile: Path | None,
    duration: str | None,
    start: str | None,
    interval: str | None,
    agents: tuple[str, ...],
    staffing_path: Path | None,
    aht: str | None,
    aht_dist: str,
    patience: float | None,
    patience_dist: str,
    mix_path: Path | None,
    seed: int,
    target_text: str,
    sl_target: float | None,
    find: tuple[str, ...],
    save_staffing: Path | None,
    other_path: Path | None,
    called: str,
    switches: tuple[str, ...],
    limit_s: float,
    output: str,
    report_path: Path | None,
) -> None:
    """Simulate a day of callers through FLOW on one virtual clock, with shared queues and agents."""
    from callflow.flowlang.check.files import environment_for
    from callflow.flowlang.environment import Environment, load_environment
    from callflow.flowlang.registry import default_registry
    from callflow.runtime.capacity.callers import read_mix
    from callflow.runtime.capacity.compare import compare
    from callflow.runtime.capacity.flows import FlowSet
    from callflow.runtime.capacity.options import parse_agents, parse_per_queue, read_staffing, write_staffing
    from callflow.runtime.capacity.request import spec_from_request
    from callflow.runtime.capacity.run import run_load
    from callflow.runtime.capacity.staffing import find_agents
    from callflow.runtime.capacity.table import render_comparison, render_result, render_staffing
    from callflow.runtime.flows import FlowLibrary

    try:
        flow = _flow(flow_path)
        other = _flow(other_path) if other_path is not None else None
        environment = load_environment(env_path) if env_path else environment_for(flow_path) or Environment.empty()
        flows = FlowLibrary(flow_path.parent, default_registry())
        other_flows = FlowLibrary(other_path.parent, default_registry()) if other_path is not None else None
        counts: dict[str, int | list[int]] = dict(parse_agents(agents))
        if staffing_path is not None:
            counts.update({name: list(per) for name, per in read_staffing(staffing_path).items()})
        for name in find:
            counts.setdefault(name, 1)
        default_aht, own_aht = parse_per_queue(aht, "--aht") if aht is not None else (None, {})
        body: dict[str, Any] = {
            "calls_per_hour": calls_per_hour,
            "arrivals": profile.read_text(encoding="utf-8-sig") if profile is not None else None,
            "duration": duration,
            "start": start,
            "interval": interval,
            "agents": counts,
            "aht": None if aht is None else {"*": default_aht, **own_aht},
            "aht_dist": aht_dist,
            "patience": patience,
            "patience_dist": patience_dist,
            "seed": seed,
            "target": target_text,
            "sl_target": sl_target,
            "to": called,
            "switches": parse_switches(switches),
            "limit": limit_s,
        }
        spec = spec_from_request(
            {key: value for key, value in body.items() if value is not None},
            flow=flow,
            environment=environment,
            flows=flows,
            directory=flow_path.parent,
            also_waits_in=FlowSet(other, other_flows).queues() if other is not None else (),
            callers=read_mix(mix_path) if mix_path is not None else None,
            arrivals_name=str(profile),
        )
        if other is not None and find:
            raise click.UsageError("--compare and --find-agents go one at a time")
        with _progress() as progress:
            report: LoadResult | StaffingResult | Comparison
            if other is not None:
                comparison = compare(spec, other, progress, other_flows)
                _emit(output, comparison.to_json, lambda: render_comparison(comparison))
                report = comparison
            elif find:
                search = find_agents(spec, list(dict.fromkeys(find)), progress)
                _emit(output, search.to_json, lambda: render_staffing(search))
                if save_staffing is not None:
                    write_staffing(save_staffing, search)
                report = search
            else:
                result = run_load(spec, progress)
                _emit(output, result.to_json, lambda: render_result(result))
                report = result
    except (FlowError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if report_path is not None:
        from callflow.runtime.capacity.report import write_report  # matplotlib loads only for a report

        write_report(report_path, report)
        click.echo(f"report: {report_path}", err=True)


def _flow(path: Path) -> Flow:
    from callflow.flowlang.loader import load_file

    loaded = load_file(path)
    if not loaded.ok or loaded.flow is None:
        problems = "\n".join(p.render() for p in loaded.problems)
        raise click.ClickException(f"{path} has errors; fix them first:\n{problems}")
    return loaded.flow


class _progress:
    """A progress bar on the terminal (none when the output goes elsewhere)."""

    def __init__(self) -> None:
        self.bar: Any = None
        if sys.stderr.isatty():
            from tqdm import tqdm  # type: ignore[import-untyped]

            self.bar = tqdm(total=1000, unit="‰", file=sys.stderr, leave=False, desc="simulating")

    def __enter__(self) -> Progress | None:
        if self.bar is None:
            return None
        bar = self.bar

        def progress(share: float, calls: int) -> None:
            bar.n = int(share * 1000)
            bar.set_postfix_str(f"{calls:,} calls", refresh=True)

        return progress

    def __exit__(self, *_: object) -> None:
        if self.bar is not None:
            self.bar.close()


def _emit(output: str, as_json: Callable[[], Any], as_table: Callable[[], str]) -> None:
    if output == "json":
        click.echo(json.dumps(as_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(as_table())
