"""The generic shape of a `.flow` file, as the grammar sees it, before node types give lines meaning."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from callflow.flowlang.errors import Location
from callflow.flowlang.model import Comment


@dataclass(frozen=True)
class Token:
    """One word, number, string or operator of a line, with where it starts and ends."""

    type: str  # STRING, NUMBER, NAME or OP
    text: str
    location: Location
    end_column: int


@dataclass(frozen=True)
class Args:
    """The arguments of a line: its tokens and their source text as written."""

    tokens: tuple[Token, ...] = ()
    text: str = ""

    @property
    def location(self) -> Location | None:
        """Where the arguments start."""
        return self.tokens[0].location if self.tokens else None

    def __bool__(self) -> bool:
        return bool(self.tokens)

    def sub(self, tokens: Sequence[Token]) -> Args:
        """The arguments made of some of these tokens, with their source text."""
        if not tokens:
            return Args()
        base = self.tokens[0].location.column or 1
        start = (tokens[0].location.column or 1) - base
        return Args(tuple(tokens), self.text[start : tokens[-1].end_column - base])


@dataclass(frozen=True)
class Line:
    """A line inside a block: `word args` or `word args -> target`."""

    word: Token
    args: Args
    target: Token | None
    location: Location
    comment: Comment = field(default_factory=Comment)


@dataclass(frozen=True)
class Item:
    """A top-level declaration: its head line (`flow`, `prompt`, `var`, `layout` or `id: type`) and its block."""

    kind: str  # flow, prompt, var, layout or node
    name: Token | None
    type: Token | None
    args: Args
    target: Token | None
    lines: tuple[Line, ...]
    location: Location
    comment: Comment = field(default_factory=Comment)
