"""Prompt text with `{variable}` placeholders, parsed when a flow loads and rendered on each call.

`{caller.name}` inserts a variable; `{balance:currency CNY}` says it through a format (`formats.py`); `{{` and `}}`
stand for literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import FunctionType, MethodType
from typing import cast

from callflow.flowlang.errors import FlowError
from callflow.flowlang.evaluation import Compiled, Lookup, Reader, compile_expression, render_value
from callflow.flowlang.expression import ExpressionError, Variable, parse_variable
from callflow.flowlang.formats import Format, FormatError, parse_format

_FUNCTIONS = (FunctionType, MethodType)
"""Lookups that are surely not mappings (checking for one costs more than rendering a short text)."""

# Escaped braces, a placeholder, a lone brace (always an error), or a run of plain text.
_PIECE = re.compile(r"\{\{|\}\}|\{[^{}]*\}|[{}]|[^{}]+")


class TemplateError(FlowError):
    """Prompt text with a malformed placeholder; `offset` is where in the text (0-based) the problem is."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Placeholder:
    """A variable inserted into the text, and the format it is said through (None: as `render_value` reads it)."""

    variable: Variable
    format: Format | None = None
    format_offset: int = field(default=0, compare=False)
    """Where in the text the format's name starts (0 without a format)."""

    @property
    def name(self) -> str:
        """The variable's dotted name."""
        return self.variable.name

    @property
    def span(self) -> tuple[int, int] | None:
        """Where the placeholder is in the text, braces included."""
        return self.variable.span


@dataclass(frozen=True)
class Template:
    """Prompt text split into literal strings and the placeholders inserted between them."""

    text: str
    parts: tuple[str | Placeholder, ...]

    @property
    def variables(self) -> frozenset[str]:
        """The dotted names of the variables the text inserts."""
        return frozenset(part.name for part in self.parts if isinstance(part, Placeholder))

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        """The placeholders, in the order written."""
        return tuple(part for part in self.parts if isinstance(part, Placeholder))

    def render(self, lookup: Lookup, language: str = "en") -> str:
        """The text with each variable's value in its place, said in `language` when it has a format (see
        `render_value` for how a value without one reads)."""
        if type(lookup) not in _FUNCTIONS and isinstance(lookup, Mapping):
            read: Reader = lookup.__getitem__
        else:
            read = cast(Reader, lookup)
        return "".join([_said(piece, read, language) for piece in self._pieces])

    @cached_property
    def _pieces(self) -> tuple[str | tuple[Compiled, Format | None], ...]:
        """The parts, each variable compiled once (a template is parsed once per text and rendered often)."""
        return tuple(
            part if isinstance(part, str) else (compile_expression(part.variable), part.format) for part in self.parts
        )


def _said(piece: str | tuple[Compiled, Format | None], read: Reader, language: str) -> str:
    if isinstance(piece, str):
        return piece
    compiled, format_ = piece
    if format_ is None:
        return render_value(compiled(read))
    from callflow.flowlang.formatting import format_value  # Babel loads only for formats

    return format_value(format_, compiled(read), language)


@lru_cache(maxsize=65536)
def parse_template(text: str) -> Template:
    """Split prompt text into literal strings and variables, checking every placeholder."""
    parts: list[str | Placeholder] = []
    for piece in _PIECE.finditer(text):
        part = _part(piece)
        if isinstance(part, str) and parts and isinstance(last := parts[-1], str):
            parts[-1] = last + part
        else:
            parts.append(part)
    return Template(text, tuple(parts))


def _part(piece: re.Match[str]) -> str | Placeholder:
    match piece[0]:
        case "{{" | "}}":
            return piece[0][0]
        case "{":
            raise TemplateError("unclosed `{`; write `{{` for a literal brace", piece.start())
        case "}":
            raise TemplateError("unmatched `}`; write `}}` for a literal brace", piece.start())
        case placeholder if placeholder.startswith("{"):
            return _placeholder(placeholder[1:-1], piece.start() + 1)
    return piece[0]


def _placeholder(inside: str, offset: int) -> Placeholder:
    """The variable named between braces and its format after a `:`, its span covering the braces; `offset` is
    where `inside` starts."""
    written, colon, spec = inside.partition(":")
    name = written.strip()
    if not name:
        message = "empty `{}`; put a variable name inside, or write `{{}}` for literal braces"
        raise TemplateError(message if not colon else "a variable name is missing before `:`", offset - 1)
    try:
        variable = parse_variable(name)
    except ExpressionError:
        raise TemplateError(f"`{name}` is not a variable name", offset + written.index(name)) from None
    span = (offset - 1, offset + len(inside) + 1)
    if not colon:
        return Placeholder(Variable(variable.path, span=span))
    spec_offset = offset + len(written) + 1
    try:
        format_ = parse_format(spec)
    except FormatError as error:
        raise TemplateError(error.message, spec_offset + error.offset) from None
    start = spec_offset + len(spec) - len(spec.lstrip())
    return Placeholder(Variable(variable.path, span=span), format_, start)
