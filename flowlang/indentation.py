"""Where an indentation error of a `.flow` file really is: the line that dedents to no level, the indented line, a
tab among spaces."""

from __future__ import annotations

from typing import Any

from lark.indenter import DedentError


def about_indentation(error: Exception) -> bool:
    """Whether the parser failed on indentation (a block that does not line up, or one nothing opens)."""
    token = getattr(error, "token", None)
    return isinstance(error, DedentError) or getattr(token, "type", None) in ("_INDENT", "_DEDENT")


def tab_indented(lines: list[str], failed_at: int | None) -> tuple[int, int] | None:
    """The first line up to where parsing failed (or after it, for a dedent) whose indentation holds a tab, when
    other lines are indented with spaces: a tab counts as 8 columns, which is rarely what its author saw."""
    indents = [text[: len(text) - len(text.lstrip(" \t"))] for text in lines]
    if not any(" " in indent for indent in indents) or failed_at is None:
        return None
    for number, indent in enumerate(indents[: failed_at + 1], start=1):
        if "\t" in indent and lines[number - 1].strip():
            return number, indent.index("\t") + 1
    return None


def bad_dedent(lines: list[str]) -> int | None:
    """The first line that dedents to a level no line above it opened."""
    levels = [0]
    for number, text in enumerate(lines, start=1):
        stripped = text.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text.expandtabs(8)) - len(stripped.expandtabs(8))
        if indent > levels[-1]:
            levels.append(indent)
        while indent < levels[-1]:
            levels.pop()
        if indent != levels[-1]:
            return number
    return None


def indent_position(lines: list[str], token: Any, line: int) -> tuple[int, int]:
    """The line an indentation token ends on, and the column where its text starts."""
    line = min(max(getattr(token, "end_line", None) or line, 1), max(len(lines), 1))
    text = lines[line - 1] if lines else ""
    return line, len(text) - len(text.lstrip()) + 1
