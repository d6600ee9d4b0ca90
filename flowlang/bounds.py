"""How large a value of a call may grow: 64-bit whole numbers, finite decimals, and texts and lists of a bounded size.

One process serves many calls, so no call may make a value that stalls or exhausts it: a flow that squares a number
or doubles a text in a loop fails on the node that passes a limit (its `error` exit, then the fallback) instead of
growing without end. Whole numbers are 64-bit, as in CEL, SQLite and most services a flow talks to; decimals are
IEEE doubles that must stay finite.
"""

from __future__ import annotations

import math

from callflow.flowlang.errors import FlowError

MIN_INTEGER = -(2**63)
MAX_INTEGER = 2**63 - 1
"""The range of whole numbers (64-bit signed)."""

MAX_SIZE = 65_536
"""The largest value: the characters of a text; for a list, its items and the characters of its texts together."""

MAX_DEPTH = 32
"""How deeply lists (and the objects an HTTP source returns) may nest."""

_SCALARS = (bool, type(None))


class OutOfBounds(FlowError):
    """A value past one of the limits; `problem` completes a sentence about it ("the result of `*` ...")."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def checked_number(number: int | float) -> int | float:
    """`number` itself when it is a 64-bit whole number or a finite decimal; else OutOfBounds."""
    if type(number) is int:
        if MIN_INTEGER <= number <= MAX_INTEGER:
            return number
        raise OutOfBounds(f"is a whole number outside the 64-bit range ({MIN_INTEGER} to {MAX_INTEGER})")
    if math.isfinite(number):
        return number
    raise OutOfBounds("is too large a number" if not math.isnan(number) else "is not a number")


def checked_text_length(length: int) -> int:
    """`length` when a text that long may be made; else OutOfBounds (checked before the text is made)."""
    if length <= MAX_SIZE:
        return length
    raise OutOfBounds(f"is a text of {length:,} characters, past the limit of {MAX_SIZE:,}")


def value_size(value: object) -> int:
    """The size of a value as the limits count it (see `MAX_SIZE`); OutOfBounds when it is past a limit.

    A list is measured as far as the limit only, and a part it holds many times (`[x, x]`) is walked once, so even
    a list that doubles itself in a loop is measured quickly."""
    kind = type(value)
    if kind is str:
        return checked_text_length(len(value))  # type: ignore[arg-type]
    if kind is int or kind is float:
        checked_number(value)  # type: ignore[arg-type]
        return 1
    if kind in _SCALARS:
        return 1
    if isinstance(value, list | tuple | dict):
        return _nested_size(value, 0, {})
    return len(value) if isinstance(value, bytes) else 1


def _nested_size(
    value: list[object] | tuple[object, ...] | dict[object, object], depth: int, known: dict[int, int]
) -> int:
    """The size of a list (or an object from JSON): its items, and the size of each (`known`: of the lists measured
    so far, by identity, which they keep while the value is measured)."""
    if depth >= MAX_DEPTH:
        raise OutOfBounds(f"nests lists deeper than {MAX_DEPTH}")
    measured = known.get(id(value))
    if measured is not None:
        return measured
    total = len(value)  # each item counts, before its contents are walked
    parts = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    for part in parts:
        if total > MAX_SIZE:
            break
        if isinstance(part, str | bytes):
            total += len(part)
        elif isinstance(part, list | tuple | dict):
            total += _nested_size(part, depth + 1, known)
        elif isinstance(part, int | float) and not isinstance(part, bool):
            checked_number(part)
    if total > MAX_SIZE:
        raise OutOfBounds(f"is a list past the limit of {MAX_SIZE:,} characters and items")
    known[id(value)] = total
    return total
