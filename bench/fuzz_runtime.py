"""Fuzzing the runtime at length (`make fuzz-runtime`): the hypothesis properties the tests run with a few examples,
run with many, and a table of what was tried, what failed and the slowest example, into docs/performance.md.

The properties live in tests/support/runtime_fuzz.py: expressions over values of every size (a bounded value or
an EvaluationError, never another error), an assignment repeated as a loop repeats it (never growing without end),
a silent caller in a menu loop of any assignment (the call always ends), values inserted into a lookup's path (one
segment under the source's URL, or refused), the same through a real HTTP service, and time limits.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callflow.runtime.simulator.clock import MAX_LIMIT_S, checked_limit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))
from http_services import Recording, service
from runtime_fuzz import (
    BASES,
    EXPRESSIONS,
    INSERTED,
    VALUES,
    assignment_loops_stay_bounded,
    evaluation_is_bounded,
    inserted_values_stay_under_the_base,
    lookups_reach_only_the_base,
    silent_loops_end,
)

if TYPE_CHECKING:
    from .check_speed import load, publish
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_speed import load, publish

SECTION = "fuzz_runtime"


@dataclass
class Outcome:
    """How one property fared."""

    name: str
    examples: int
    slowest_s: float
    failure: str | None


def limits_are_refused_or_in_range(limit: object) -> None:
    """A time limit is refused with a ValueError, or is a number of seconds in range."""
    try:
        accepted = checked_limit(limit)
    except ValueError:
        return
    assert 0 < accepted <= MAX_LIMIT_S


def fuzz(name: str, strategies: tuple[st.SearchStrategy[Any], ...], check: Callable[..., None], count: int) -> Outcome:
    """Run one property for `count` examples; what failed (hypothesis's shrunk example) and the slowest example."""
    times: list[float] = []

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.tuples(*strategies))
    def run(args: tuple[Any, ...]) -> None:
        start = time.perf_counter()
        try:
            check(*args)
        finally:
            times.append(time.perf_counter() - start)

    try:
        run()
    except Exception:
        return Outcome(name, len(times), max(times, default=0.0), traceback.format_exc(limit=3))
    return Outcome(name, len(times), max(times, default=0.0), None)


def main(argv: list[str] | None = None) -> int:
    """Run every property, print the table and record it in docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--examples", type=int, default=20_000, help="examples for each pure property")
    parser.add_argument("--calls", type=int, default=2_000, help="examples for properties that place calls")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args(argv)
    load_before = load()
    began = time.perf_counter()
    with service(Recording) as crm:

        def through_a_real_service(value: str) -> None:
            lookups_reach_only_the_base(crm.url + "/v1", crm.targets, value)

        limits, pure = st.one_of(st.floats(), st.integers(), st.text()), args.examples
        runs = [
            ("expressions over values of every size", (EXPRESSIONS, VALUES), evaluation_is_bounded, pure),
            ("an assignment repeated 100 times", (EXPRESSIONS, VALUES), assignment_loops_stay_bounded, pure),
            ("a silent menu loop of any assignment", (EXPRESSIONS, VALUES), silent_loops_end, args.calls),
            ("values inserted into a lookup's path", (BASES, INSERTED), inserted_values_stay_under_the_base, pure),
            ("the same, sent to a real HTTP service", (INSERTED,), through_a_real_service, args.calls),
            ("time limits of any kind", (limits,), limits_are_refused_or_in_range, pure),
        ]
        outcomes = []
        for name, strategies, check, count in runs:
            outcomes.append(fuzz(name, strategies, check, count))
            done = outcomes[-1]
            print(f"{name}: {done.examples:,} examples, slowest {done.slowest_s * 1000:.1f} ms", flush=True)
            if done.failure:
                print(done.failure, file=sys.stderr)
    elapsed = time.perf_counter() - began
    if not args.no_docs:
        publish(SECTION, section(outcomes, elapsed, load_before))
    return 1 if any(o.failure for o in outcomes) else 0


def section(outcomes: list[Outcome], elapsed_s: float, load_before: str) -> str:
    """The Markdown section of docs/performance.md."""
    rows = "\n".join(
        f"| {o.name} | {o.examples:,} | {o.slowest_s * 1000:.1f} | {'none' if o.failure is None else 'FAILED'} |"
        for o in outcomes
    )
    return f"""## Fuzzing the runtime

`bench/fuzz_runtime.py` (`make fuzz-runtime`): the hypothesis properties of tests/support/runtime_fuzz.py, which
the tests run with 150 examples or fewer, run at length ({elapsed_s:.0f} s in all; load average {load_before} before
the run). A failure is any exception other than the one the property allows; the slowest example shows that none
came near a hang (a value that grew without end took seconds within a few rounds before the limits).

| property | examples | slowest example (ms) | failures |
|---|--:|--:|---|
{rows}
"""


if __name__ == "__main__":
    raise SystemExit(main())
