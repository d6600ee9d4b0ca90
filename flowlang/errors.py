"""The flow language's exceptions: one root, and errors that know where in the source they happened."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where something is: a file and a line/column (DSL, 1-based) or a JSON Pointer (JSON)."""

    file: str = "<flow>"
    line: int | None = None
    column: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}:{self.column or 1}"
        if self.pointer is not None:
            return f"{self.file}#{self.pointer}"
        return self.file

    def shifted(self, columns: int) -> Location:
        """The same place, `columns` further along the line."""
        if self.line is None:
            return self
        return Location(self.file, self.line, (self.column or 1) + columns, self.pointer)


class FlowError(Exception):
    """Root of every error the flow language raises."""


class FlowSyntaxError(FlowError):
    """Text that is not a well-formed flow, with its location and the offending source line."""

    def __init__(self, message: str, location: Location, source_line: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.source_line = source_line

    def __str__(self) -> str:
        return render_error(self.message, self.location, self.source_line)


def _pad(char: str) -> str:
    """Blank space as wide as a character on a terminal (Chinese characters take two columns)."""
    if char == "\t":
        return "\t"
    return "  " if unicodedata.east_asian_width(char) in "WF" else " "


SHOWN_COLUMNS = 100
"""How much of a long source line a message quotes: this many characters around the caret."""


def render_error(message: str, location: Location, source_line: str | None, label: str = "error") -> str:
    """A compiler-style message: `file:line:col: error: message` (no label when it is empty), the source line and a
    caret."""
    head = f"{location}: {label}: {message}" if label else f"{location}: {message}"
    if source_line is None or location.column is None:
        return head
    text = source_line.rstrip("\r\n")
    column = location.column
    if len(text) > SHOWN_COLUMNS:  # quote the part around the caret, not a line of a megabyte
        start = max(0, min(column - 1 - SHOWN_COLUMNS // 2, len(text) - SHOWN_COLUMNS))
        text, column = text[start : start + SHOWN_COLUMNS], column - start
        if start > 0:
            text, column = "…" + text, column + 1
        if start + SHOWN_COLUMNS < len(source_line.rstrip("\r\n")):
            text += "…"
    caret_pad = "".join(_pad(ch) for ch in text[: column - 1])
    return f"{head}\n    {text}\n    {caret_pad}^"
