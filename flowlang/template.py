"""Prompt text with `{variable}` placeholders, parsed when a flow loads and rendered on each call.

`{caller.name}` inserts a variable; `{{` and `}}` stand for literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from types import FunctionType, MethodType
from typing import cast

from callflow.flowlang.errors import FlowError
from callflow.flowlang.evaluation import Compiled, Lookup, Reader, compile_expression, render_value
from callflow.flowlang.expression import ExpressionError, Variable, parse_variable

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
class Template:
    """Prompt text split into literal strings and the variables inserted between them."""

    text: str
    parts: tuple[str | Variable, ...]

    @property
    def variables(self) -> frozenset[str]:
        """The dotted names of the variables the text inserts."""
        return frozenset(part.name for part in self.parts if isinstance(part, Variable))

    def render(self, lookup: Lookup) -> str:
        """The text with each variable's value in its place (see `render_value` for how values read)."""
        if type(lookup) not in _FUNCTIONS and isinstance(lookup, Mapping):
            read: Reader = lookup.__getitem__
        else:
            read = cast(Reader, lookup)
        return "".join([piece if isinstance(piece, str) else render_value(piece(read)) for piece in self._pieces])

    @cached_property
    def _pieces(self) -> tuple[str | Compiled, ...]:
        """The parts, each variable compiled once (a template is parsed once per text and rendered often)."""
        return tuple(part if isinstance(part, str) else compile_expression(part) for part in self.parts)


@lru_cache(maxsize=65536)
def parse_template(text: str) -> Template:
    """Split prompt text into literal strings and variables, checking every placeholder."""
    parts: list[str | Variable] = []
    for piece in _PIECE.finditer(text):
        part = _part(piece)
        if isinstance(part, str) and parts and isinstance(last := parts[-1], str):
            parts[-1] = last + part
        else:
            parts.append(part)
    return Template(text, tuple(parts))


def _part(piece: re.Match[str]) -> str | Variable:
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


def _placeholder(inside: str, offset: int) -> Variable:
    """The variable named between braces, its span covering the braces; `offset` is where `inside` starts."""
    name = inside.strip()
    if not name:
        raise TemplateError("empty `{}`; put a variable name inside, or write `{{}}` for literal braces", offset - 1)
    try:
        variable = parse_variable(name)
    except ExpressionError:
        raise TemplateError(f"`{name}` is not a variable name", offset + inside.index(name)) from None
    return Variable(variable.path, span=(offset - 1, offset + len(inside) + 1))
