"""Erlang C, as workforce tools use it: what a queue with N agents achieves for a load, knowing nothing of the flow.

Printed next to the simulation's answer, so a planner sees what the flow itself changes (announcements, offers,
self-service that never reaches an agent, callers who give up).
"""

from __future__ import annotations

import math

MAX_AGENTS = 100_000


def erlang_b(agents: int, load: float) -> float:
    """The probability that a call finds every agent busy in a loss system (the stable recurrence)."""
    blocked = 1.0
    for n in range(1, agents + 1):
        blocked = load * blocked / (n + load * blocked)
    return blocked


def erlang_c(agents: int, load: float) -> float:
    """The probability that a call waits, for `load` Erlangs offered to `agents` agents (1 when overloaded)."""
    if load <= 0:
        return 0.0
    if agents <= load:
        return 1.0
    blocked = erlang_b(agents, load)
    return agents * blocked / (agents - load * (1 - blocked))


def service_level(agents: int, load: float, handling_s: float, within_s: float) -> float:
    """The share of calls answered within `within_s`."""
    if load <= 0:
        return 1.0
    if agents <= load:
        return 0.0
    return 1 - erlang_c(agents, load) * math.exp(-(agents - load) * within_s / handling_s)


def average_speed_of_answer(agents: int, load: float, handling_s: float) -> float:
    """The mean wait over all calls (infinite when overloaded)."""
    if load <= 0:
        return 0.0
    if agents <= load:
        return math.inf
    return erlang_c(agents, load) * handling_s / (agents - load)


def agents_needed(load: float, handling_s: float, within_s: float, share: float) -> int:
    """The fewest agents for which at least `share` of the calls are answered within `within_s`."""
    if load <= 0:
        return 0
    agents = max(1, math.floor(load) + 1)
    while service_level(agents, load, handling_s, within_s) < share - 1e-12:
        agents += 1
        if agents > MAX_AGENTS:
            raise ValueError(f"more than {MAX_AGENTS:,} agents needed for {load:g} Erlangs")
    return agents
