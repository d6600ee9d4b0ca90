"""Reading TOML text that anyone may have written: nothing in it can make the reader fail with anything but a
`TomlTextError` that says where.

`tomllib` raises `ValueError` on a whole number of more than 4,300 digits and `RecursionError` on deeply nested
arrays, and reads `inf`, `nan` and `1e400` as floats that are not numbers an environment can use; a lone UTF-16
surrogate written as it is reads into a string that cannot be written back as UTF-8. Each is refused here.
"""

from __future__ import annotations

import math
import re
import tomllib
from typing import Any

from callflow.flowlang.errors import FlowError

MAX_DEPTH = 32
"""How deeply tables and arrays may nest: far more than an environment needs, and safe to walk recursively."""

KeyPath = tuple[str | int, ...]

_LONG_NUMBER = re.compile(r"[0-9][0-9_]{4299,}")
_NOT_TEXT = re.compile("[\ud800-\udfff]")
_TOKEN = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]', re.DOTALL
)


class TomlTextError(FlowError):
    """TOML text that cannot be read: where (a line and column, or the key path of the value) and why."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        source_line: str | None = None,
        at: KeyPath = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.source_line = source_line
        self.at = at


def read_toml(text: str) -> dict[str, Any]:
    """The table a TOML text holds; raises `TomlTextError` for anything an environment cannot hold."""
    if found := _NOT_TEXT.search(text):
        message = f"U+{ord(found[0]):04X} is half of a character (a lone UTF-16 surrogate), not a character"
        raise located(message, text, found.start())
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(str(error), text) from None
    except ValueError:  # an integer too long for int(); tomllib raises the bare ValueError of int()
        found = _LONG_NUMBER.search(text)
        raise located("this number is too large", text, found.start() if found else 0) from None
    except RecursionError:
        raise _depth_error(text) from None
    _check_values(data)
    return data


def located(message: str, text: str, offset: int) -> TomlTextError:
    """An error at a character offset of the text: its line and column, and the line quoted."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    source_line = _NOT_TEXT.sub("\ufffd", text[start : end if end >= 0 else len(text)])
    return TomlTextError(message, line, offset - start + 1, source_line)


def _syntax_error(message: str, text: str) -> TomlTextError:
    """Turn tomllib's `Message (at line X, column Y)` into a located error."""
    match = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", message, re.DOTALL)
    lines = text.splitlines() or [""]
    if match:
        reason, line, column = match[1], int(match[2]), int(match[3])
    else:
        reason, line, column = message.removesuffix(" (at end of document)"), len(lines), len(lines[-1]) + 1
    source_line = lines[line - 1] if line <= len(lines) else None
    return TomlTextError(reason[:1].lower() + reason[1:], line, column, source_line)


def _depth_error(text: str) -> TomlTextError:
    """Where the text first nests arrays and inline tables deeper than `MAX_DEPTH`."""
    depth = 0
    for match in _TOKEN.finditer(text):
        if match[0] in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return located(f"nested more than {MAX_DEPTH} deep", text, match.start())
        elif match[0] in ("]", "}"):
            depth -= 1
    return TomlTextError(f"nested more than {MAX_DEPTH} deep")


def _check_values(data: dict[str, Any]) -> None:
    """Values nested too deeply, and floats that are not numbers (`inf`, `nan`), walked without recursion."""
    pending: list[tuple[Any, KeyPath]] = [(data, ())]
    while pending:
        value, at = pending.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise TomlTextError(f"{value} is not a number an environment can use", at=at)
        if not isinstance(value, dict | list):
            continue
        if len(at) >= MAX_DEPTH:
            raise TomlTextError(f"nested more than {MAX_DEPTH} deep", at=at)
        items = list(value.items() if isinstance(value, dict) else enumerate(value))
        pending.extend((item, (*at, key)) for key, item in reversed(items))
