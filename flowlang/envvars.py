"""Process variables in `callflow.toml`: `${NAME}` and `${NAME:-default}` in string values, read when the file is
loaded, so that ports, hosts and secrets (tokens, passwords) live outside the file.

A reference to a variable that is not set (and has no default) is an error at `file:line:col`, raised while the
environment is loaded, that is by `callflow check` too: never a value such as `http://127.0.0.1:${PORT}` that
fails only when a call makes its first request. `$${` is a literal `${`. Keys are never read for variables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from callflow.flowlang.tomltext import KeyPath, TomlTextError, located

REFERENCE = re.compile(r"\$\$\{|\$\{(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}|[^}]*\}?)")
"""`$${` (a literal `${`), `${NAME}`, `${NAME:-default}`, or a malformed `${...` (no `name` group)."""

_STRING = re.compile(r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*', re.DOTALL)
"""A TOML string token, or a comment (skipped): where references are looked for to say where one is wrong."""

USAGE = "write ${NAME} or ${NAME:-default} (letters, digits and _), or $${ for a literal ${"


@dataclass(frozen=True)
class Interpolated:
    """An environment's values with process variables put in, and the key paths of the values that read one (an
    error message must not quote such a value: it may be a secret)."""

    data: dict[str, Any]
    paths: frozenset[KeyPath]


def interpolate(data: dict[str, Any], text: str, variables: Mapping[str, str] | None) -> Interpolated:
    """`data` (read from `text`) with every `${NAME}` in a string value replaced by the variable's value.

    `variables` None: the environment is not read from a file on this machine (the flow service keeps one per
    tenant), so no process variable may be read and every reference is an error. TomlTextError at the reference
    (its line and column when the text shows it, its key path otherwise) for a variable that is not set and has
    no default, and for a malformed reference."""
    paths: set[KeyPath] = set()
    result = _walk(data, (), text, variables, paths)
    assert isinstance(result, dict)
    return Interpolated(result, frozenset(paths))


def _walk(value: Any, at: KeyPath, text: str, variables: Mapping[str, str] | None, paths: set[KeyPath]) -> Any:
    if isinstance(value, dict):
        return {key: _walk(item, (*at, key), text, variables, paths) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, (*at, index), text, variables, paths) for index, item in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value
    replaced = REFERENCE.sub(lambda match: _value(match, at, text, variables), value)
    if replaced != value.replace("$${", "${"):
        paths.add(at)
    return replaced


def _value(match: re.Match[str], at: KeyPath, text: str, variables: Mapping[str, str] | None) -> str:
    reference = match[0]
    if reference == "$${":
        return "${"
    name, default = match["name"], match["default"]
    if name is None:
        raise _error(f"`{reference}` is not a variable reference: {USAGE}", reference, at, text)
    if variables is None:
        message = (
            f"`{reference}`: the flow service keeps this environment and reads no process variables "
            "(they are the server's); write the value itself"
        )
        raise _error(message, reference, at, text)
    found = variables.get(name)
    if found is None or (found == "" and default is not None):
        if default is None:
            message = (
                f"`${{{name}}}` is not set in the process environment; set {name}, or give a default: ${{{name}:-…}}"
            )
            raise _error(message, reference, at, text)
        return default
    return found


def _error(message: str, reference: str, at: KeyPath, text: str) -> TomlTextError:
    """The error at the first place in the text's strings where `reference` is written, or at the key path."""
    offset = next(_offsets(text, reference), None)
    return located(message, text, offset) if offset is not None else TomlTextError(message, at=at)


def _offsets(text: str, reference: str) -> Iterator[int]:
    for token in _STRING.finditer(text):
        if token[0].startswith("#"):
            continue
        for match in REFERENCE.finditer(token[0]):
            if match[0] == reference:
                yield token.start() + match.start()
