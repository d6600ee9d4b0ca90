"""What a flow-test case expects (`expect:`), held against the call a case made: each difference in words, with
the event of the call where it shows, so that a failing case's output can be trimmed to the part around it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from callflow.runtime.simulator.run import Simulation


@dataclass(frozen=True)
class Difference:
    """One expectation that did not hold, and the event of the call where it shows (None: the whole call)."""

    message: str
    at: int | None


def check_expectations(expect: Mapping[str, Any], simulation: Simulation) -> Iterator[str]:
    """What did not happen as expected, in words."""
    return (difference.message for difference in differences(expect, simulation))


def differences(expect: Mapping[str, Any], simulation: Simulation) -> Iterator[Difference]:
    """What did not happen as expected, each with the event it shows at (for trimming a failing call's output)."""
    events = simulation.events
    prompts = [i for i, e in enumerate(events) if e["event"] == "prompt" and e.get("text")]
    heard = [events[i]["text"] for i in prompts]
    position = 0
    for text in expect.get("heard") or ():
        found = next((i for i in range(position, len(heard)) if str(text) in heard[i]), None)
        if found is None:
            after = " after what came before" if any(str(text) in h for h in heard) else ""
            yield Difference(
                f"expected to hear {text!r}{after}", prompts[position] if position < len(prompts) else None
            )
            break
        position = found + 1
    for text in expect.get("not_heard") or ():
        where = next((i for i in prompts if str(text) in events[i]["text"]), None)
        if where is not None:
            yield Difference(f"expected not to hear {text!r}", where)
    visited = {node for _, node in simulation.visited} | {e["node"] for e in events if e.get("node")}
    for node in expect.get("reached") or ():
        if node not in visited:
            yield Difference(f"expected to reach node `{node}`", None)
    for node in expect.get("not_reached") or ():
        if node in visited:
            first = next((i for i, e in enumerate(events) if _is_node(e.get("node"), node)), None)
            yield Difference(f"expected not to reach node `{node}`", first)
    for name, value in (expect.get("variables") or {}).items():
        actual = simulation.variables.get(name)
        if actual != value and str(actual) != str(value):
            yield Difference(f"expected `{name}` = {value!r}, got {actual!r}", len(events) - 1)
    yield from _events(expect.get("events") or (), events)
    ended = expect.get("ended")
    if ended is not None:
        yield from _ended(ended if isinstance(ended, dict) else {"reason": ended}, simulation.end, len(events) - 1)


def _is_node(actual: Any, wanted: Any) -> bool:
    """Whether a trace's node (`verify/check` inside a subflow) is the node named: by its path, or by its id."""
    return isinstance(actual, str) and (actual == str(wanted) or actual.endswith(f"/{wanted}"))


def matches(actual: Any, wanted: Any, key: str = "") -> bool:
    """Whether an event's field holds what a test expects: mappings as subsets, at every depth; lists item by item;
    numbers as numbers (`600` matches 600.0); other values as their text (`1` matches 1)."""
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(k in actual and matches(actual[k], v, k) for k, v in wanted.items())
    if isinstance(wanted, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(wanted)
            and all(matches(a, w) for a, w in zip(actual, wanted, strict=True))
        )
    if key == "node":
        return _is_node(actual, wanted)
    if _is_number(actual) and _is_number(wanted):
        return bool(actual == wanted)
    return str(actual) == str(wanted)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _events(expected: Any, events: list[dict[str, Any]]) -> Iterator[Difference]:
    position = 0
    for want in expected:
        match = next(
            (i for i in range(position, len(events)) if all(matches(events[i].get(k), v, k) for k, v in want.items())),
            None,
        )
        if match is None:
            yield Difference(f"expected an event like {_written(want)}", position if position < len(events) else None)
            return
        position = match + 1


def _ended(wanted: Mapping[str, Any], end: Mapping[str, Any], at: int) -> Iterator[Difference]:
    """Every field of the call's end that is not as expected, each with what it was."""
    wrong = [key for key, value in wanted.items() if not matches(end.get(key), value, key)]
    if not wrong:
        return
    was = ", ".join(f"{key}: {_written(end.get(key))}" for key in wrong)
    fields = {k: v for k, v in end.items() if k not in ("t", "event")}
    yield Difference(
        f"expected the call to end with {_written(dict(wanted))}; it had {was} (the end: {_written(fields)})", at
    )


def _written(value: Any) -> str:
    """A value as a test file writes it (`{reason: hangup, by: flow}`), `none` for a field the event lacks."""
    if value is None:
        return "none"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_written(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_written(v) for v in value) + "]"
    return str(value)
