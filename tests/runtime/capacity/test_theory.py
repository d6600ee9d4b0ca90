"""The simulation against queueing theory, on the flow Erlang's formulas describe: callers straight into a queue,
Poisson arrivals, exponential handling times.

Erlang C (no abandonment) and Erlang A (exponential patience) are written here from their definitions: the
birth-death chain of the number of callers in the system, its stationary distribution, and what follows from it
(PASTA: a Poisson arrival sees the time average). Nothing of the product's own Erlang C is used.

How close a finite run can come is limited by chance: near saturation (50 Erlangs on 55 agents) the waits of
successive callers are so correlated that even 100,000 calls leave the service level uncertain by two points.
Each comparison therefore allows the issue's tolerance (1.5 points of service level, 10 % of the average speed of
answer) or three standard errors of the run's own estimate (batch means over 20 stretches of the day), whichever
is larger; the runs are long enough that the issue's tolerance decides for the 10-Erlang cases. The same
comparisons with runs of millions of calls, where the issue's tolerance holds everywhere, are in
`bench/capacity_theory.py` and docs/performance.md.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace as with_changes

import pytest
import simpy
from load_runs import exponential, straight_spec

from callflow.runtime.capacity.result import LoadResult
from callflow.runtime.capacity.run import run_load

HANDLING_S = 180.0
WITHIN_S = 20.0


def stationary(load: float, agents: int, patience_s: float | None = None, cut: int = 2000) -> list[float]:
    """The stationary probabilities of n callers in the system: arrivals at rate λ, each busy agent finishing at
    rate μ, each waiting caller giving up at rate θ (none without patience)."""
    mu = 1 / HANDLING_S
    lam = load * mu
    theta = 0.0 if patience_s is None else 1 / patience_s
    weights = [1.0]
    for n in range(1, cut):
        death = min(n, agents) * mu + max(n - agents, 0) * theta
        weights.append(weights[-1] * lam / death)
        if weights[-1] < 1e-300:
            break
    total = sum(weights)
    return [w / total for w in weights]


def erlang_c(load: float, agents: int) -> tuple[float, float]:
    """Service level within WITHIN_S and average speed of answer, from the chain without patience.

    A caller finding n >= agents in the system waits for n - agents + 1 departures, each at rate agents·μ
    (an Erlang-distributed wait); one finding a free agent waits not at all."""
    p = stationary(load, agents)
    rate = agents / HANDLING_S
    late = sum(p[n] * _erlang_tail(n - agents + 1, rate, WITHIN_S) for n in range(agents, len(p)))
    mean_wait = sum(p[n] * (n - agents + 1) / rate for n in range(agents, len(p)))
    return 1 - late, mean_wait


def erlang_a(load: float, agents: int, patience_s: float) -> tuple[float, float]:
    """Share of callers who abandon and the mean number waiting, from the chain with patience."""
    p = stationary(load, agents, patience_s)
    lam = load / HANDLING_S
    waiting = sum(p[n] * (n - agents) for n in range(agents, len(p)))
    return waiting / patience_s / lam, waiting  # abandonments happen at rate θ·(callers waiting)


def _erlang_tail(k: int, rate: float, t: float) -> float:
    """P(sum of k exponential(rate) times > t)."""
    x = rate * t
    term, total = math.exp(-x), 0.0
    for i in range(k):
        total += term
        term *= x / (i + 1)
    return total


@dataclass(frozen=True)
class Estimate:
    """A run's estimate and its standard error by batch means."""

    value: float
    error: float


def batches(result: LoadResult, count: int = 20) -> tuple[Estimate, Estimate]:
    """Service level and average speed of answer of the run, each with its batch-means standard error."""
    rows = result.queues["agents"].intervals
    size = len(rows) // count
    levels, speeds = [], []
    for b in range(count):
        part = rows[b * size : (b + 1) * size]
        answered = sum(r.answered for r in part)
        levels.append(sum(r.answered_within for r in part) / answered)
        speeds.append(sum((r.asa_s or 0) * r.answered for r in part) / answered)
    total = result.queues["agents"].total
    assert total.service_level is not None and total.asa_s is not None
    return (
        Estimate(total.service_level, statistics.stdev(levels) / math.sqrt(count)),
        Estimate(total.asa_s, statistics.stdev(speeds) / math.sqrt(count)),
    )


def test_every_wait_is_the_one_a_textbook_fifo_queue_gives_for_the_same_calls() -> None:
    """Fed the run's own arrivals and handling times, a textbook multi-server FIFO queue in SimPy (one process per
    call, a `Resource` of agents) gives exactly the same waits: the same average and the same service level."""
    spec = straight_spec(50, 55, calls=10_000, handling_s=HANDLING_S)
    total = run_load(spec).queues["agents"].total
    arrivals = list(spec.arrivals.times(random.Random(f"callflow-load:{spec.seed}:arrivals")))
    draws = random.Random(f"callflow-load:{spec.seed}:handling")  # one draw per call, in the order they arrive
    handling = [-HANDLING_S * math.log1p(-draws.random()) for _ in arrivals]
    env = simpy.Environment()
    agents = simpy.Resource(env, 55)
    waits: list[float] = []

    def call(talk_s: float) -> Iterator[simpy.events.Event]:
        came = env.now
        with agents.request() as request:
            yield request
            waits.append(env.now - came)
            yield env.timeout(talk_s)

    def arrive() -> Iterator[simpy.events.Event]:
        last = 0.0
        for moment, talk_s in zip(arrivals, handling, strict=True):
            yield env.timeout(moment - last)
            last = moment
            env.process(call(talk_s))

    env.process(arrive())
    env.run()
    assert total.answered == len(waits) > 9000
    assert total.asa_s == round(sum(waits) / len(waits), 3)
    assert total.answered_within == sum(wait <= WITHIN_S for wait in waits)
    assert total.longest_wait_s == round(max(waits), 3)


def test_the_formulas_here_are_erlang_c() -> None:
    """The chain gives Erlang C's textbook figures (10 Erlangs on 12 agents: 44.94 % wait, 40.4 s on average)."""
    p = stationary(10, 12)
    assert round(sum(p[12:]), 4) == 0.4494
    level, speed = erlang_c(10, 12)
    assert round(speed, 2) == 40.44 and round(level, 4) == 0.6402


@pytest.mark.parametrize(
    ("load", "agents", "calls"), [(10, 12, 150_000), (10, 13, 100_000), (10, 14, 80_000), (50, 55, 60_000)]
)
def test_service_level_and_speed_of_answer_match_erlang_c(load: float, agents: int, calls: int) -> None:
    """Without abandonment the simulated service level is within 1.5 points of Erlang C's and the average speed
    of answer within 10 % (or three standard errors of the run, near saturation)."""
    result = run_load(straight_spec(load, agents, calls=calls, handling_s=HANDLING_S))
    level, speed = batches(result)
    theory_level, theory_speed = erlang_c(load, agents)
    assert result.queues["agents"].total.abandoned == 0
    assert abs(level.value - theory_level) * 100 <= max(1.5, 300 * level.error), (level, theory_level)
    assert abs(speed.value / theory_speed - 1) <= max(0.10, 3 * speed.error / theory_speed), (speed, theory_speed)


def test_abandonment_and_queue_length_match_erlang_a() -> None:
    """With exponential patience the share of callers who hang up and the callers waiting on average match the
    M/M/c+M chain (Erlang A): 10 Erlangs on 10 agents, callers waiting two minutes on average."""
    patience_s = 120.0
    spec = straight_spec(10, 10, calls=50_000, handling_s=HANDLING_S, patience=exponential(patience_s))
    total = run_load(spec).queues["agents"].total
    theory_abandoned, theory_waiting = erlang_a(10, 10, patience_s)
    assert abs(total.abandoned / total.offered - theory_abandoned) * 100 <= 1.5, (total, theory_abandoned)
    assert abs(total.average_queue / theory_waiting - 1) <= 0.10, (total.average_queue, theory_waiting)


def test_shorter_patience_means_more_abandonment_and_shorter_waits() -> None:
    """The same callers with less and less patience: more of them hang up, and those answered waited less."""
    spec = straight_spec(10, 11, calls=8_000, handling_s=HANDLING_S)
    runs = [run_load(with_changes(spec, patience=exponential(mean))) for mean in (600, 180, 60, 20)]
    abandoned = [run.queues["agents"].total.abandoned for run in runs]
    speeds = [run.queues["agents"].total.asa_s or 0 for run in runs]
    assert abandoned == sorted(abandoned) and abandoned[0] < abandoned[-1]
    assert speeds == sorted(speeds, reverse=True) and speeds[-1] < speeds[0]
