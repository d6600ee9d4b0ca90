"""Splitting a line's arguments into words, numbers, strings and operators.

The grammar takes the rest of a line as one token (parsing is dominated by the number of tokens lark handles);
this module splits it with one regular expression, keeping every token's position for error messages.
"""

from __future__ import annotations

import re

from callflow.flowlang.errors import FlowSyntaxError, Location
from callflow.flowlang.syntax import Args, Token

_TOKEN = re.compile(
    r"""
    (?P<STRING>"(?:[^"\\\n]|\\.)*")
  | (?P<NAME>[A-Za-z_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?)
  | (?P<NUMBER>[0-9]+(?:\.[0-9]+)?[A-Za-z]*)
  | (?P<OP>[=!<>]=?|[+\-*/%,()\[\]])
  | (?P<SPACE>[ \t\r]+)
  | (?P<BAD>.)
    """,
    re.VERBOSE,
)


def bad_character(text: str, index: int) -> str:
    """What is wrong with the character at `index` of a line, in words."""
    char, two = text[index], text[index : index + 2]
    if two in ("&&", "||"):
        return f"`{two}` is not an operator here; write `{'and' if two == '&&' else 'or'}`"
    if char == "'":
        return 'strings use double quotes: write "..."'
    if char == ":":
        return "`:` only follows a node id at the start of a line (`id: type`)"
    return f"unexpected character `{char}`"


def split_arguments(text: str, file: str, line: int, column: int, source_line: str) -> Args:
    """The tokens of a line's arguments, which start at `line`:`column` (1-based) of the file."""
    text = text.rstrip(" \t\r")
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "BAD"
        if kind == "SPACE":
            continue
        start = column + match.start()
        if kind == "BAD":
            raise FlowSyntaxError(bad_character(text, match.start()), Location(file, line, start), source_line)
        tokens.append(Token(kind, match.group(), Location(file, line, start), start + len(match.group())))
    return Args(tuple(tokens), text)
