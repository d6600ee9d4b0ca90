"""Load runs of small flows for the capacity tests: a flow straight into a queue, specs built in a line."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from callflow.flowlang.environment import Environment, environment_from_text
from callflow.flowlang.loader import load_text
from callflow.flowlang.model import Flow
from callflow.runtime.capacity.arrivals import Arrivals, poisson
from callflow.runtime.capacity.callers import SILENT, CallerMix
from callflow.runtime.capacity.distributions import Distribution
from callflow.runtime.capacity.spec import LoadSpec, ServiceTarget, Staffing

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
"""A Monday morning in the hotline's time zone."""

STRAIGHT = """\
flow straight
  title "Straight to an agent"

start: queue agents
  done -> bye

bye: hangup
"""
"""The simplest flow a queue has: every caller waits for an agent, hears nothing, and leaves after talking."""

ENVIRONMENT = """\
timezone = "Asia/Shanghai"

[queues.agents]
description = "Agents"
"""


def flow(text: str = STRAIGHT) -> Flow:
    """A flow from its text, which must load cleanly."""
    loaded = load_text(text, "t.flow", "dsl")
    assert loaded.flow is not None and loaded.ok, [p.message for p in loaded.problems]
    return loaded.flow


def environment(text: str = ENVIRONMENT) -> Environment:
    """An environment from its text."""
    return environment_from_text(text, Path("callflow.toml"))


def exponential(mean_s: float) -> Distribution:
    """Exponential times with a mean."""
    return Distribution("exp", mean_s)


NEVER = Distribution("none", float("inf"))
"""Patience without limit: nobody hangs up while waiting."""


def straight_spec(
    erlangs: float,
    agents: int,
    *,
    calls: int,
    handling_s: float = 180.0,
    patience: Distribution = NEVER,
    seed: int = 1,
    target: ServiceTarget | None = None,
) -> LoadSpec:
    """A day of Poisson callers straight into a queue: `erlangs` of load, about `calls` calls in all."""
    per_hour = erlangs / handling_s * 3600
    return LoadSpec(
        flow=flow(),
        environment=environment(),
        arrivals=poisson(MONDAY, per_hour, calls / per_hour * 3600, 3600),
        queues={"agents": Staffing((agents,), exponential(handling_s))},
        patience=patience,
        seed=seed,
        limit_s=86_400,
        target=target or ServiceTarget(80, 20),
    )


def spec(
    text: str,
    arrivals: Arrivals,
    queues: Mapping[str, Staffing],
    *,
    callers: CallerMix = SILENT,
    patience: Distribution = NEVER,
    env: str = ENVIRONMENT,
    seed: int = 1,
    traces: int = 0,
    limit_s: float = 3600.0,
) -> LoadSpec:
    """A run of any flow text."""
    return LoadSpec(
        traces=traces,
        limit_s=limit_s,
        flow=flow(text),
        environment=environment(env),
        arrivals=arrivals,
        queues=queues,
        patience=patience,
        callers=callers,
        seed=seed,
    )


@dataclass(frozen=True)
class At(Arrivals):
    """Calls at given moments (seconds from the start), for tests that need to know who comes when."""

    moments: tuple[float, ...] = ()

    def times(self, rng: random.Random) -> Iterator[float]:
        """The given moments, in order."""
        return iter(sorted(self.moments))


def at(*moments: float, hours: float = 1.0) -> At:
    """Calls at these moments within a day of `hours` (one interval per hour)."""
    intervals = max(1, round(hours))
    return At(MONDAY, hours * 3600 / intervals, tuple(0.0 for _ in range(intervals)), moments=moments)


def fixed(seconds: float) -> Distribution:
    """Always the same time."""
    return Distribution("fixed", seconds)
