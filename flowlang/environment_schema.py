"""The environment file's JSON Schema, and its violations in words a person editing the file understands."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import ValidationError

from callflow.flowlang.validation import validator_for

KeyPath = tuple[str | int, ...]
"""Where a value stands in the file: its keys and list indexes from the top."""


@cache
def _validator() -> Any:
    schema = json.loads(resources.files("callflow.schemas").joinpath("environment.schema.json").read_text())
    return validator_for(schema)


def schema_errors(data: Mapping[str, Any], hidden: frozenset[KeyPath] = frozenset()) -> Iterable[tuple[KeyPath, str]]:
    """Each schema violation as (where, message), in words a person editing the file understands; values at the
    `hidden` key paths (read from process variables: they may be secrets) are not quoted."""
    for error in _validator().iter_errors(data):
        at: KeyPath = tuple(error.absolute_path)
        if "propertyNames" in error.schema_path:
            expected = error.schema.get("description", "a different key")
            yield (*at, error.instance), f"invalid key, expected {expected}"
        elif error.validator == "additionalProperties":
            known = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in known:
                    close = difflib.get_close_matches(key, known, n=1)
                    yield (*at, key), "unknown key" + (f" (did you mean {close[0]!r}?)" if close else "")
        elif error.validator == "required":
            missing = next(key for key in error.validator_value if key not in error.instance)
            yield at, f"missing key {missing!r}"
        else:
            yield at, _describe(error, hide=at in hidden)


def _describe(error: ValidationError, hide: bool = False) -> str:
    value, instance = error.validator_value, error.instance
    shown = "the value of a process variable" if hide else _shown(instance)
    if error.validator == "type":
        hint = " (put it in quotes)" if value == "string" and isinstance(instance, date | time) else ""
        return f"expected {_TYPE_WORDS.get(value, _a(value))}, got {_a(_kind(instance))}{hint}"
    if error.validator in ("enum", "const"):
        return f"expected {_alternatives(value if error.validator == 'enum' else [value])}, got {shown}"
    if error.validator in ("pattern", "minLength", "maxLength"):
        return f"expected {error.schema.get('description', 'a non-empty string')}, got {shown}"
    if error.validator == "exclusiveMinimum":
        return f"expected a number greater than {value}, got {shown}"
    if error.validator == "maximum":
        return f"expected a number no greater than {value}, got {shown}"
    if error.validator == "oneOf" and all(set(branch) == {"required"} for branch in value):
        return f"expected exactly one of {_alternatives([b['required'][0] for b in value])}"
    if error.validator == "uniqueItems":
        return "expected no repeated items"
    return str(error.message)


# JSON Schema's words for types, and Python's, in the words of TOML.
_TYPE_WORDS = {"boolean": "true or false", "object": "a table"}
_KIND_WORDS = {"bool": "boolean", "int": "integer", "str": "string", "dict": "table", "list": "array"}


def _shown(value: object) -> str:
    """A value as a message quotes it: in Python's notation, cut short when it is long."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:45]}…{text[-10:]} ({len(text)} characters)"


def _kind(value: object) -> str:
    return _KIND_WORDS.get(type(value).__name__, type(value).__name__)


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _alternatives(values: Sequence[object]) -> str:
    words = [repr(v) for v in values]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def document_order(data: Any, at: KeyPath) -> tuple[int, ...]:
    """Where `at` comes in the file, so that the first problem reported is the first one written."""
    order = []
    for part in at:
        keys: Sequence[object] = list(data) if isinstance(data, dict) else range(len(data))
        if part not in keys:
            break
        order.append(keys.index(part))
        data = data[part]
    return tuple(order)
