"""A load run asked for in JSON: what the command line and the flow service both turn into a `LoadSpec`.

```json
{"calls_per_hour": 600, "duration": "8h", "start": "2026-11-23T09:00", "interval": "30m",
 "arrivals": [{"start": "09:00", "calls": 620}, {"start": "09:30", "calls": 780}],
 "agents": {"hotline": 40, "hotline-local": [10, 12]}, "aht": {"*": 240, "hotline-local": 200},
 "aht_dist": "exp", "patience": 120, "patience_dist": "exp",
 "callers": {"callers": [{"weight": 1, "input": ["dtmf:1"]}]},
 "seed": 1, "target": "80/20", "to": "12345", "switches": {"emergency": false}, "limit": 3600, "traces": 0}
```

`calls_per_hour` or `arrivals` (rows, or a profile's CSV text); `agents` per queue, a count or one per interval;
`aht` in seconds, for every queue or per queue (`*` for the others). Everything else is optional.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from callflow.flowlang.environment import Environment
from callflow.flowlang.errors import FlowError
from callflow.flowlang.model import Flow
from callflow.runtime.capacity.arrivals import (
    Arrivals,
    ArrivalsError,
    parse_duration,
    poisson,
    profile_from_csv,
    profile_from_rows,
)
from callflow.runtime.capacity.callers import SILENT, CallerMix, CallerMixError, mix_from_data
from callflow.runtime.capacity.distributions import Distribution, DistributionError, parse_distribution
from callflow.runtime.capacity.flows import FlowSet
from callflow.runtime.capacity.spec import LoadSpec, ServiceTarget, Staffing, parse_target
from callflow.runtime.flows import FlowSource

MAX_LIMIT_S = 86_400.0
"""The longest time limit of a call: a day."""

KEYS = (
    "calls_per_hour", "arrivals", "duration", "start", "interval", "agents", "aht", "aht_dist", "patience",
    "patience_dist", "callers", "seed", "target", "sl_target", "to", "switches", "limit", "traces",
)  # fmt: skip


class LoadRequestError(FlowError):
    """A load run asked for with a value that cannot be used; the message names the field."""


def spec_from_request(
    body: Mapping[str, Any],
    *,
    flow: Flow,
    environment: Environment,
    flows: FlowSource | None = None,
    directory: Path | None = None,
    also_waits_in: Sequence[str] = (),
    callers: CallerMix | None = None,
    arrivals_name: str = "arrivals",
) -> LoadSpec:
    """The run a request asks for. `also_waits_in`: queues another flow waits in (a comparison's second flow);
    `callers`: a mix already read (the command line's, from its file); `arrivals_name`: what a profile's CSV text
    is called in errors (its file)."""
    try:
        return _spec(body, flow, environment, flows, directory, also_waits_in, callers, arrivals_name)
    except (ArrivalsError, CallerMixError, DistributionError) as error:
        raise LoadRequestError(str(error)) from None


def _spec(
    body: Mapping[str, Any],
    flow: Flow,
    environment: Environment,
    flows: FlowSource | None,
    directory: Path | None,
    also_waits_in: Sequence[str],
    callers: CallerMix | None,
    arrivals_name: str,
) -> LoadSpec:
    unknown = sorted(set(body) - set(KEYS))
    if unknown:
        raise LoadRequestError(f"unknown fields {', '.join(unknown)}; a load run takes {', '.join(KEYS)}")
    zone = ZoneInfo(environment.timezone)
    queues = FlowSet(flow, flows).queues()
    queues += [name for name in also_waits_in if name not in queues]
    arrivals = _arrivals(body, zone, arrivals_name)
    spec = LoadSpec(
        flow=flow,
        environment=environment,
        arrivals=arrivals,
        queues={},
        patience=_patience(body),
        callers=callers or (mix_from_data(body["callers"], "callers") if body.get("callers") is not None else SILENT),
        flows=flows,
        directory=directory,
        interval_s=_seconds(body.get("interval"), "interval"),
        target=_target(body),
        seed=_whole(body.get("seed", 1), "seed", minimum=0),
        limit_s=_limit(body.get("limit", 3600.0)),
        called=str(body.get("to", "12345")),
        switches=_switches(body.get("switches", {})),
        traces=_whole(body.get("traces", 0), "traces", minimum=0),
    )
    return replace(spec, queues=_queues(body, queues, spec.intervals))


def _arrivals(body: Mapping[str, Any], zone: ZoneInfo, name: str) -> Arrivals:
    rate, rows = body.get("calls_per_hour"), body.get("arrivals")
    if (rate is None) == (rows is None):
        raise LoadRequestError("give either calls_per_hour (--calls-per-hour N) or arrivals (--arrivals PROFILE.csv)")
    start = _start(body.get("start"), zone)
    duration = _seconds(body.get("duration"), "duration")
    if rows is not None:
        if isinstance(rows, str):
            arrivals = profile_from_csv(rows, name, start.date() if start else None, zone)
        elif isinstance(rows, list) and all(isinstance(row, Mapping) for row in rows):
            cells = [(f"arrivals[{i}]", str(row.get("start", "")), row.get("calls", "")) for i, row in enumerate(rows)]
            arrivals = profile_from_rows(cells, start.date() if start else None, zone)
        else:
            raise LoadRequestError("arrivals: a list of {start, calls} rows, or a profile's CSV text")
        if duration is not None:
            keep = max(1, round(duration / arrivals.interval_s))
            arrivals = Arrivals(arrivals.start, arrivals.interval_s, arrivals.calls[:keep])
        return arrivals
    if isinstance(rate, bool) or not isinstance(rate, int | float):
        raise LoadRequestError(f"calls_per_hour: {rate!r} is not a number")
    moment = start or datetime.now(zone).replace(second=0, microsecond=0)
    interval = _seconds(body.get("interval"), "interval") or 1800.0
    return poisson(moment, float(rate), duration or 3600.0, interval)


def _queues(body: Mapping[str, Any], queues: list[str], intervals: int) -> dict[str, Staffing]:
    agents = body.get("agents") or {}
    if not isinstance(agents, Mapping):
        raise LoadRequestError("agents: a mapping of queue to agents (a count, or one per interval)")
    unknown = [name for name in agents if name not in queues]
    if unknown:
        raise LoadRequestError(
            f"agents: {', '.join(unknown)}: the flow waits in no such queue (it waits in {', '.join(queues) or 'none'})"
        )
    missing = [name for name in queues if name not in agents]
    if missing:
        raise LoadRequestError(
            f"the flow waits in {', '.join(missing)}: give their agents (--agents "
            + ",".join(f"{name}=N" for name in missing)
            + ")"
        )
    if queues and body.get("aht") is None:
        raise LoadRequestError("give the average handling time (aht, --aht SECONDS or QUEUE=SECONDS per queue)")
    aht = body.get("aht")
    means = aht if isinstance(aht, Mapping) else {"*": aht}
    shape = str(body.get("aht_dist", "exp"))
    staffing = {}
    for name in queues:
        mean = means.get(name, means.get("*"))
        if mean is None:
            raise LoadRequestError(f"aht gives no handling time for queue {name} (add {name}=SECONDS or a default)")
        counts = agents[name] if isinstance(agents[name], list) else [agents[name]]
        if not counts or len(counts) > intervals:
            raise LoadRequestError(f"agents of {name}: a count, or one per interval ({intervals} at most)")
        whole = tuple(_whole(count, f"agents of {name}", minimum=0) for count in counts)
        try:
            handling = parse_distribution(shape, _number(mean, "aht"), what="aht_dist")
        except ValueError as error:
            raise LoadRequestError(str(error)) from None
        staffing[name] = Staffing(whole, handling)
    return staffing


def _patience(body: Mapping[str, Any]) -> Distribution:
    mean, shape = body.get("patience"), str(body.get("patience_dist", "exp"))
    if mean is None and shape != "none":
        return Distribution("none", math.inf)  # nobody gives up unless told how patient callers are
    try:
        return parse_distribution(shape, None if mean is None else _number(mean, "patience"), what="patience")
    except ValueError as error:
        raise LoadRequestError(str(error)) from None


def _target(body: Mapping[str, Any]) -> ServiceTarget:
    try:
        target = parse_target(str(body.get("target", "80/20")))
    except ValueError as error:
        raise LoadRequestError(f"target: {error}") from None
    seconds = body.get("sl_target")
    if seconds is not None:
        value = _number(seconds, "sl_target")
        if not 0 <= value < math.inf:
            raise LoadRequestError("sl_target: the seconds of a service level are 0 or more")
        target = ServiceTarget(target.percent, value)
    return target


def _start(value: Any, zone: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise LoadRequestError(f"start: {value!r} is not an ISO date or date-time, such as 2026-11-23T09:00") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _seconds(value: Any, what: str) -> float | None:
    if value is None:
        return None
    try:
        return parse_duration(str(value))
    except ValueError as error:
        raise LoadRequestError(f"{what}: {error}") from None


def _limit(value: Any) -> float:
    limit = _number(value, "limit")
    if not 0 < limit <= MAX_LIMIT_S:
        raise LoadRequestError(f"limit: {limit:g}: a call's time limit is above 0 and at most a day")
    return limit


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise LoadRequestError(f"{what}: {value!r} is not a number")
    try:
        return float(value)
    except ValueError:
        raise LoadRequestError(f"{what}: {value!r} is not a number") from None


def _whole(value: Any, what: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise LoadRequestError(f"{what}: {value!r} is not a whole number of at least {minimum}")
    return value


def _switches(value: Any) -> dict[str, bool]:
    if not isinstance(value, Mapping) or not all(isinstance(v, bool) for v in value.values()):
        raise LoadRequestError("switches: a mapping of switch names to true or false")
    return {str(k): v for k, v in value.items()}
