"""JSON Schema validation as the schemas mean it: a `pattern` is an ECMA-262 regular expression.

jsonschema runs patterns with Python's `re.search`, where `$` also matches before a final newline: `^[0-9]+$`
accepts `"123\n"`, which is how a newline reached a dial string and a queue name in `asterisk-config`'s output.
In ECMA-262 (the dialect JSON Schema names), `$` ends the text; so it does here, for every schema Callflow reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError


def python_pattern(pattern: str) -> str:
    """An ECMA-262 pattern in Python's dialect: `$` outside a character class becomes `\\Z`, the end of the text."""
    out: list[str] = []
    in_class = escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            out.append(r"\Z")
            continue
        out.append(char)
    return "".join(out)


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(python_pattern(pattern))


def _pattern(validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


SchemaValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})
"""A JSON Schema 2020-12 validator whose patterns end where ECMA-262's do."""


def validator_for(schema: Mapping[str, Any]) -> Any:
    """A validator of a JSON Schema (2020-12), with ECMA-262 patterns."""
    return SchemaValidator(schema)
