"""`callflow load`: a day of callers through the real flow, and how many agents it needs."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from tqdm import tqdm  # type: ignore[import-untyped]

from callflow.flowlang.check.files import environment_for
from callflow.flowlang.environment import Environment, load_environment
from callflow.flowlang.errors import FlowError
from callflow.flowlang.loader import load_file
from callflow.flowlang.model import Flow
from callflow.flowlang.registry import default_registry
from callflow.runtime.capacity.arrivals import Arrivals, parse_duration, poisson, read_profile
from callflow.runtime.capacity.callers import SILENT, read_mix
from callflow.runtime.capacity.compare import compare
from callflow.runtime.capacity.distributions import Distribution, parse_distribution
from callflow.runtime.capacity.flows import FlowSet
from callflow.runtime.capacity.options import parse_agents, parse_per_queue, parse_start, read_staffing, write_staffing
from callflow.runtime.capacity.run import Progress, run_load
from callflow.runtime.capacity.spec import LoadSpec, ServiceTarget, Staffing, parse_target
from callflow.runtime.capacity.staffing import find_agents
from callflow.runtime.capacity.table import render_comparison, render_result, render_staffing
from callflow.runtime.flows import FlowLibrary
from callflow.runtime.simulator.commands import parse_switches

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
MAX_LIMIT_S = 86_400.0
"""The longest time limit of a call: a day."""


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
    if not 0 < limit_s <= MAX_LIMIT_S:
        raise click.BadParameter(f"{limit_s:g}: a call's time limit is above 0 and at most a day", param_hint="--limit")
    try:
        flow = _flow(flow_path)
        environment = load_environment(env_path) if env_path else environment_for(flow_path) or Environment.empty()
        zone = ZoneInfo(environment.timezone)
        arrivals = _arrivals(calls_per_hour, profile, duration, parse_start(start, zone), interval, zone)
        interval_s = parse_duration(interval) if interval else None
        flows = FlowLibrary(flow_path.parent, default_registry())
        target = _target(target_text, sl_target)
        spec = LoadSpec(
            flow=flow,
            environment=environment,
            arrivals=arrivals,
            queues={},
            patience=parse_distribution(patience_dist, patience, what="--patience")
            if patience is not None or patience_dist == "none"
            else Distribution("none", float("inf")),
            callers=read_mix(mix_path) if mix_path else SILENT,
            flows=flows,
            directory=flow_path.parent,
            interval_s=interval_s,
            target=target,
            seed=seed,
            limit_s=limit_s,
            called=called,
            switches=parse_switches(switches),
        )
        queues = FlowSet(flow, flows).queues()
        if other_path is not None:
            queues += [name for name in FlowSet(_flow(other_path), flows).queues() if name not in queues]
        spec = _staffed(spec, queues, agents, staffing_path, aht, aht_dist, find)
        if other_path is not None and find:
            raise click.UsageError("--compare and --find-agents go one at a time")
        with _progress(output) as progress:
            if other_path is not None:
                other_flows = FlowLibrary(other_path.parent, default_registry())
                comparison = compare(spec, _flow(other_path), progress, other_flows)
                _emit(output, comparison.to_json, lambda: render_comparison(comparison))
                report: Any = comparison
            elif find:
                search = find_agents(spec, list(dict.fromkeys(find)), progress)
                _emit(output, search.to_json, lambda: render_staffing(search))
                if save_staffing is not None:
                    starts = [row.start for row in search.queues[0].intervals]
                    write_staffing(
                        save_staffing, starts, {q.queue: [r.agents for r in q.intervals] for q in search.queues}
                    )
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
    loaded = load_file(path)
    if not loaded.ok or loaded.flow is None:
        problems = "\n".join(p.render() for p in loaded.problems)
        raise click.ClickException(f"{path} has errors; fix them first:\n{problems}")
    return loaded.flow


def _arrivals(
    calls_per_hour: float | None,
    profile: Path | None,
    duration: str | None,
    start: datetime | None,
    interval: str | None,
    zone: ZoneInfo,
) -> Arrivals:
    if (calls_per_hour is None) == (profile is None):
        raise click.UsageError("give either --calls-per-hour N or --arrivals PROFILE.csv")
    if profile is not None:
        arrivals = read_profile(profile, start.date() if start else None, zone)
        if duration is not None:
            keep = max(1, round(parse_duration(duration) / arrivals.interval_s))
            arrivals = Arrivals(arrivals.start, arrivals.interval_s, arrivals.calls[:keep])
        return arrivals
    assert calls_per_hour is not None
    moment = start or datetime.now(zone).replace(second=0, microsecond=0)
    duration_s = parse_duration(duration) if duration else 3600.0
    return poisson(moment, calls_per_hour, duration_s, parse_duration(interval) if interval else 1800.0)


def _target(text: str, seconds: float | None) -> ServiceTarget:
    target = parse_target(text)
    if seconds is not None:
        if not 0 <= seconds < math.inf:
            raise click.BadParameter("the seconds of a service level are 0 or more", param_hint="--sl-target")
        target = ServiceTarget(target.percent, seconds)
    return target


def _staffed(
    spec: LoadSpec,
    queues: list[str],
    agents: tuple[str, ...],
    staffing_path: Path | None,
    aht: str | None,
    aht_dist: str,
    find: tuple[str, ...],
) -> LoadSpec:
    """The spec with agents and handling times for every queue the flows wait in."""
    counts: dict[str, tuple[int, ...]] = {name: (count,) for name, count in parse_agents(agents).items()}
    if staffing_path is not None:
        counts.update(read_staffing(staffing_path, queues, spec.intervals, spec.report_interval_s))
    unknown = [name for name in counts if name not in queues]
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)}: the flow waits in no such queue (it waits in {', '.join(queues) or 'none'})",
            param_hint="--agents",
        )
    for name in find:
        counts.setdefault(name, (1,))
    missing = [name for name in queues if name not in counts]
    if missing:
        raise click.UsageError(
            f"`{spec.flow.name}` waits in {', '.join(missing)}: give their agents with --agents "
            + ",".join(f"{name}=N" for name in missing)
            + " (or search them with --find-agents)"
        )
    if queues and aht is None:
        raise click.UsageError("give the average handling time with --aht SECONDS (or QUEUE=SECONDS per queue)")
    default, own = parse_per_queue(aht or "", "--aht")
    queue_setup: dict[str, Staffing] = {}
    for name in queues:
        mean = own.get(name, default)
        if mean is None:
            raise click.UsageError(f"--aht gives no handling time for queue {name}; add SECONDS or {name}=SECONDS")
        queue_setup[name] = Staffing(counts[name], parse_distribution(aht_dist, mean, what="--aht-dist"))
    return replace(spec, queues=queue_setup)


class _progress:
    """A progress bar on the terminal (none when the output goes elsewhere)."""

    def __init__(self, output: str) -> None:
        self.bar: Any = None
        if sys.stderr.isatty():
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
