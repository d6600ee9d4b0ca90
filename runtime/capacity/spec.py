"""What a load run is asked: the flow, who calls and when, the agents and how long they talk, how long callers wait.

The same description comes from the command line (`callflow load`) or from the flow service; the run itself
(`run.py`) reads nothing from files.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from callflow.flowlang.environment import Environment
from callflow.flowlang.model import Flow
from callflow.runtime.capacity.arrivals import Arrivals
from callflow.runtime.capacity.callers import SILENT, CallerMix
from callflow.runtime.capacity.distributions import Distribution
from callflow.runtime.flows import FlowSource
from callflow.runtime.simulator.clock import DEFAULT_LIMIT_S


@dataclass(frozen=True)
class Staffing:
    """A queue's agents: how many are on shift in each interval (the last count holds after the last interval),
    and how long they talk with a caller."""

    agents: tuple[int, ...]
    handling: Distribution

    def at(self, interval: int) -> int:
        """Agents on shift in an interval."""
        return self.agents[min(interval, len(self.agents) - 1)]

    def to_json(self) -> dict[str, Any]:
        """The staffing as JSON."""
        agents: int | list[int] = self.agents[0] if len(set(self.agents)) == 1 else list(self.agents)
        return {"agents": agents, "handling": self.handling.to_json()}


@dataclass(frozen=True)
class ServiceTarget:
    """A service-level target: `percent` of the callers answered within `seconds` (80/20)."""

    percent: float = 80.0
    seconds: float = 20.0

    def __str__(self) -> str:
        return f"{self.percent:g}/{self.seconds:g}"

    def met(self, level: float | None) -> bool:
        """Whether a service level (0 to 1; None when nobody was offered) meets the target."""
        return level is None or level * 100 >= self.percent - 1e-9


def parse_target(text: str) -> ServiceTarget:
    """`80/20`: 80 % within 20 seconds."""
    percent, _, seconds = text.partition("/")
    try:
        target = ServiceTarget(float(percent), float(seconds.removesuffix("s")))
    except ValueError:
        raise ValueError(f"`{text}` is not a service-level target; write PERCENT/SECONDS, such as 80/20") from None
    if not 0 < target.percent <= 100 or not target.seconds >= 0 or math.isinf(target.seconds):
        raise ValueError(f"`{text}`: the percentage is above 0 and at most 100, the seconds 0 or more")
    return target


@dataclass(frozen=True)
class LoadSpec:
    """Everything one load run needs."""

    flow: Flow
    environment: Environment
    arrivals: Arrivals
    queues: Mapping[str, Staffing]
    """The agents of every queue the flows wait in."""
    patience: Distribution
    callers: CallerMix = SILENT
    flows: FlowSource | None = None
    """Where called flows are found (read once, when the run starts)."""
    directory: Path | None = None
    """The flow's folder: where `say:@FILE` steps are found."""
    interval_s: float | None = None
    """The reporting interval (default: the arrivals' own)."""
    target: ServiceTarget = field(default_factory=ServiceTarget)
    seed: int = 1
    limit_s: float = DEFAULT_LIMIT_S
    called: str = "12345"
    switches: Mapping[str, bool] = field(default_factory=dict)
    traces: int = 0
    """How many of the first calls keep their whole trace (in the result, to see what they went through)."""

    @property
    def report_interval_s(self) -> float:
        """The interval the figures are given per."""
        return self.interval_s or self.arrivals.interval_s

    @property
    def intervals(self) -> int:
        """How many reporting intervals the arrivals span."""
        return max(1, math.ceil(self.arrivals.duration_s / self.report_interval_s - 1e-9))

    def with_agents(self, agents: Mapping[str, tuple[int, ...]]) -> LoadSpec:
        """The same run with other agent counts for some queues."""
        queues = dict(self.queues)
        for name, counts in agents.items():
            queues[name] = replace(queues[name], agents=counts)
        return replace(self, queues=queues)

    def to_json(self) -> dict[str, Any]:
        """What was asked, as JSON (beside the figures)."""
        return {
            "flow": self.flow.name,
            "timezone": self.environment.timezone,
            "arrivals": self.arrivals.to_json(),
            "interval_s": self.report_interval_s,
            "queues": {name: staffing.to_json() for name, staffing in self.queues.items()},
            "patience": self.patience.to_json(),
            "callers": self.callers.to_json(),
            "target": {"percent": self.target.percent, "seconds": self.target.seconds},
            "seed": self.seed,
            "limit_s": self.limit_s,
            "called": self.called,
            "switches": dict(self.switches),
            "traces": self.traces,
        }
