"""Quoted strings, in `.flow` text and in expressions: what they may hold, and where one that cannot goes wrong."""

from __future__ import annotations

import json
import re

from callflow.flowlang.errors import FlowError

ESCAPES = '`\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`'
"""The escapes a string may hold (those of JSON), as messages name them."""

_PLAIN = re.compile(r'"(?:[^"\\\x00-\x08\x0a-\x1f\ud800-\udfff]|\\["\\/bfnrt])*"')
"""A string with no `\\u` escape and nothing wrong in it: most strings, read without a closer look."""
ESCAPE = re.compile(r'\\(?:["\\/bfnrt]|u([0-9a-fA-F]{4}))')
"""An escape a string may hold (the expression grammar's STRING token allows the same)."""
_NOT_HELD = re.compile(r"[\x00-\x08\x0a-\x1f\ud800-\udfff]")


class StringError(FlowError):
    """A quoted string that holds something a string may not; `offset` is where, from the opening quote."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def read_quoted(text: str) -> str:
    """The text a quoted string (`"..."`, quotes included) writes.

    A string holds any character but `"`, `\\` and the control characters U+0000 to U+001F other than tab (as in
    TOML), and the escapes of JSON; `\\u` escapes of UTF-16 surrogates come in pairs, since half a character cannot
    be saved as UTF-8. Raises `StringError` at the first thing that is wrong.
    """
    if _PLAIN.fullmatch(text):
        return text[1:-1] if "\\" not in text else str(json.loads(text, strict=False))
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise StringError('a string is written in double quotes: "..."', 0)
    position = 1
    while position < len(text) - 1:
        if text[position] == "\\":
            position = _escape_end(text, position)
        elif _NOT_HELD.match(text, position):
            raise StringError(_not_held(text[position]), position)
        else:
            position += 1
    return str(json.loads(text, strict=False))


def bad_escape(text: str, position: int) -> str:
    """What is wrong with the backslash at `position`, which starts no escape a string may hold."""
    shown = text[position : position + 2]
    if shown == "\\u":
        return "`\\u` must be followed by four hex digits"
    return f"`{shown}` is not an escape (write a backslash as `\\\\`); a string may hold {ESCAPES}"


def _escape_end(text: str, position: int) -> int:
    escape = ESCAPE.match(text, position)
    if escape is None:
        raise StringError(bad_escape(text, position), position)
    code = int(escape[1] or "0", 16)
    if not 0xD800 <= code < 0xE000:
        return escape.end()
    low = ESCAPE.match(text, escape.end())
    if code < 0xDC00 and low is not None and 0xDC00 <= int(low[1] or "0", 16) < 0xE000:
        return low.end()
    message = f"`{escape[0]}` is half of a character (a UTF-16 surrogate); write the character itself"
    raise StringError(message, position)


def _not_held(char: str) -> str:
    if 0xD800 <= ord(char) < 0xE000:
        return f"U+{ord(char):04X} is half of a character (a UTF-16 surrogate), not a character"
    return f"a string cannot hold the control character U+{ord(char):04X}; write it as `\\u{ord(char):04x}`"


def written_offset(quoted: str, offset: int) -> int:
    """Where, from the opening quote of a quoted string as written, the character at `offset` in the text it
    writes is (an escape such as `\\n` or `\\u4e2d` is one character written with several)."""
    position, seen = 1, 0
    while seen < offset and position < len(quoted) - 1:
        escape = ESCAPE.match(quoted, position) if quoted[position] == "\\" else None
        if escape is None:
            position += 1
        else:
            position = escape.end()
            pair = ESCAPE.match(quoted, position) if escape[1] and 0xD800 <= int(escape[1], 16) < 0xDC00 else None
            position = pair.end() if pair else position  # a surrogate pair writes one character
        seen += 1
    return position
