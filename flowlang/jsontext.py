"""Reading JSON text that anyone may have written: nothing in it can make the reader fail with anything but a
`JsonTextError` that says where.

Python's `json` module reads `NaN` and `Infinity`, turns `1e400` into infinity, raises `ValueError` on a whole
number of more than 4,300 digits and `RecursionError` on deep nesting; a lone surrogate (`"\\ud800"`) reads into a
string that cannot be written back as UTF-8. Each is refused here, with its line and column or its JSON Pointer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from callflow.flowlang.errors import FlowError
from callflow.flowlang.numbers import NumberError, read_number

MAX_DEPTH = 64
"""How deeply arrays and objects may nest: far more than any flow or trace needs, and safe to walk recursively."""

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|-?[0-9][0-9.eE+-]*|NaN|-?Infinity', re.DOTALL)
_SURROGATE = re.compile("[\ud800-\udfff]")

Path = tuple[str | int, ...]


class JsonTextError(FlowError):
    """JSON text that cannot be read, with a line and column (1-based) or the JSON Pointer of the bad value."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, path: Path = ()) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.path = path

    @property
    def pointer(self) -> str:
        """The JSON Pointer of the bad value (`""` for the whole document)."""
        return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in self.path)


def load_json(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """The value a JSON text holds; raises `JsonTextError` for anything a flow or a trace cannot hold."""
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text, parse_int=read_number, parse_float=read_number, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise JsonTextError(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    except NumberError:
        raise _number_error(text) from None
    except RecursionError:
        raise _depth_error(text, max_depth) from None
    for path, problem in _problems(data, max_depth):
        if problem == "depth":
            raise _depth_error(text, max_depth)
        raise JsonTextError(problem, path=path)
    return data


def _no_constant(name: str) -> Any:
    raise NumberError(f"`{name}` is not a number JSON can hold")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _number_error(text: str) -> JsonTextError:
    """The first number of the text that a flow cannot hold, with where it is."""
    for match in _TOKEN.finditer(text):
        token = match[0]
        if token[0] in '"[]{}':
            continue
        try:
            _no_constant(token) if token in ("NaN", "Infinity", "-Infinity") else read_number(token)
        except NumberError as error:
            return JsonTextError(error.message, *_position(text, match.start()))
    return JsonTextError("a number in the text cannot be read")


def _depth_error(text: str, max_depth: int) -> JsonTextError:
    """Where the text first nests deeper than `max_depth`."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match[0]
        if token in ("[", "{"):
            depth += 1
            if depth > max_depth:
                return JsonTextError(f"nested more than {max_depth} deep", *_position(text, match.start()))
        elif token in ("]", "}"):
            depth -= 1
    return JsonTextError(f"nested more than {max_depth} deep")


def _problems(data: Any, max_depth: int) -> Iterator[tuple[Path, str]]:
    """Values nested too deeply (`depth`) and strings holding half a character, walked without recursion."""
    pending: list[tuple[Any, Path]] = [(data, ())]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                yield path, "this text holds half a character (a lone UTF-16 surrogate), which cannot be saved"
            continue
        if not isinstance(value, dict | list):
            continue
        if len(path) >= max_depth:
            yield path, "depth"
            return
        items = list(value.items() if isinstance(value, dict) else enumerate(value))
        for key, _ in items:
            if isinstance(key, str) and _SURROGATE.search(key):
                yield (*path, key), "this key holds half a character (a lone UTF-16 surrogate), which cannot be saved"
        pending.extend((item, (*path, key)) for key, item in reversed(items))
