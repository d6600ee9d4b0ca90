"""Values as the diff compares them, the marker of a side where something is missing, and merged orders."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from difflib import SequenceMatcher
from enum import Enum
from typing import Any, Final, Literal

from callflow.flowlang.model import JSON


class _Missing(Enum):
    MISSING = "missing"


MISSING: Final = _Missing.MISSING
"""The old or new side of a change where the thing does not exist (as opposed to a JSON `null`)."""

Value = JSON | Literal[_Missing.MISSING]


def canonical(value: JSON) -> Hashable:
    """A JSON value as a hashable that equals another's exactly when the values mean the same.

    `1` and `1.0` are the same number; `true` is not the number 1; the order of an object's keys does not count.
    """
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if value is None:
        return ("null",)
    if isinstance(value, Mapping):
        return ("object", tuple(sorted((str(k), canonical(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("array", tuple(canonical(v) for v in value))
    return ("other", repr(value))


def same_value(old: JSON, new: JSON) -> bool:
    """Whether two JSON values mean the same (see `canonical`)."""
    return old is new or canonical(old) == canonical(new)


def json_of(value: Any) -> JSON:
    """A parameter value as plain JSON (tuples become lists), for the diff's JSON form."""
    if isinstance(value, Mapping):
        return {str(k): json_of(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_of(v) for v in value]
    return value


def merged(old_keys: Sequence[str], new_keys: Sequence[str]) -> list[tuple[str, bool]]:
    """The keys of two versions in one order, as a diff shows lines: (key, whether only the old version has it).

    Every new key comes once, in the new order; a key only the old version has comes where it stood, after the
    keys that stood before it in both.
    """
    if list(old_keys) == list(new_keys):
        return [(key, False) for key in new_keys]
    present = set(new_keys)
    matcher = SequenceMatcher(None, list(old_keys), list(new_keys), autojunk=False)
    keys: list[tuple[str, bool]] = []
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        keys.extend((key, True) for key in old_keys[i1:i2] if key not in present)
        keys.extend((key, False) for key in new_keys[j1:j2])
    return keys
