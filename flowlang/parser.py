"""Reads `.flow` text into its generic shape (declarations and lines), keeping every comment where it was."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from lark import Lark, Transformer, UnexpectedInput
from lark import Token as LarkToken
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken
from lark.indenter import DedentError, Indenter

from callflow.flowlang.arguments import bad_character, split_arguments
from callflow.flowlang.errors import FlowSyntaxError, Location
from callflow.flowlang.grammars import parser_cache
from callflow.flowlang.indentation import about_indentation, bad_dedent, indent_position, tab_indented
from callflow.flowlang.memory import collection_paused
from callflow.flowlang.model import Comment
from callflow.flowlang.syntax import Args, Item, Line, Token

GRAMMAR = Path(__file__).with_name("flow.lark")


class FlowIndenter(Indenter):
    """Turns indentation into block structure."""

    NL_type = "_NL"
    OPEN_PAREN_types: ClassVar[list[str]] = []
    CLOSE_PAREN_types: ClassVar[list[str]] = []
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 8


@cache
def _parser() -> Lark:
    return Lark(
        GRAMMAR.read_text(encoding="utf-8"),
        parser="lalr",
        postlex=FlowIndenter(),
        # Every position we report comes from a token, and lark positions every token. Propagating positions
        # to rules as well doubled the parse time of a 1,000-node flow (408 ms against 191 ms), so it is off.
        propagate_positions=False,
        maybe_placeholders=False,
        cache=parser_cache("flow"),
    )


_BUILDING = threading.Lock()
"""The building parser's transformer holds the text being parsed: one text at a time."""


@cache
def _building_parser() -> tuple[Lark, _ToSyntax]:
    """A parser that makes the syntax objects as it reduces each rule, with no parse tree in between."""
    builder = _ToSyntax("<flow>", [], _Comments())
    parser = Lark(
        GRAMMAR.read_text(encoding="utf-8"),
        parser="lalr",
        postlex=FlowIndenter(),
        propagate_positions=False,
        maybe_placeholders=False,
        transformer=builder,
        cache=parser_cache("flow-building"),
    )
    return parser, builder


# Common mistakes, recognised by the parser state they fail in (lark's match_examples).
_MISTAKES: dict[str, list[str]] = {
    "a node starts with its id and a colon: `id: type`": [
        "greet say hello\n",
        "greet say\n",
        "flow f\na: say x\nb say y\n",
    ],
    "`->` must be followed by the id of the node to go to": [
        "a: say x ->\n",
        "a: menu p\n  key 1 ->\n",
        'a: menu p\n  key 1 -> "b"\n',
    ],
    "this line is indented, but nothing above it opens a block": [
        "  a: say x\n",
        "a: say x\n  b: say y\n    c 1\n",
        'flow f\n  title "t"\n    languages en\n',
    ],
    "a declaration name is missing": ["prompt\n", "flow\n", "var\n", 'flow "x"\n', 'prompt "x"\n'],
    "a line inside a block starts with a word, such as `key 1 -> next` or `timeout 5s`": [
        "a: menu p\n  -> b\n",
        'a: menu p\n  "x"\n',
        "a: menu p\n  1 -> b\n",
    ],
    "one node per declaration: start a new line for the next node": ["a: say x -> b c: say y\n"],
}


def _with_header(examples: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each example also after a flow header: lark matches parser states with their stack depth."""
    return {label: [*cases, *("flow f\n" + case for case in cases)] for label, cases in examples.items()}


def _same_error_from_tree_parser(source: str, error: Exception) -> Exception:
    """The error as the tree-building parser reports it: the common-mistake examples are matched against its states."""
    try:
        _parser().parse(source)
    except (UnexpectedInput, DedentError) as again:
        return again
    return error


def _example_label(error: UnexpectedInput, text: str) -> str | None:
    label = error.match_examples(_parser().parse, _with_header(_MISTAKES), use_accepts=True)
    return label if isinstance(label, str) else None


def _syntax_error(error: Exception, text: str, file: str) -> FlowSyntaxError:
    lines = text.split("\n")
    failed_at = getattr(error, "line", None) or bad_dedent(lines)
    tabbed = tab_indented(lines, failed_at) if about_indentation(error) else None
    if tabbed is not None:
        line, column = tabbed
        message = "this line is indented with a tab, the lines around it with spaces; indent with spaces only"
        return FlowSyntaxError(
            message + " (`callflow fmt` writes two a level)", Location(file, line, column), lines[line - 1]
        )
    line = getattr(error, "line", None) or len(lines)
    column = getattr(error, "column", None) or 1
    source_line = lines[line - 1] if 0 < line <= len(lines) else None
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        char = text[position] if position < len(text) else ""
        message = 'unterminated string: the closing `"` is missing' if char == '"' else bad_character(text, position)
    elif isinstance(error, DedentError):
        message = "this line's indentation does not match any line above it"
        line = bad_dedent(lines) or line
        source_line = lines[line - 1] if 0 < line <= len(lines) else None
        column = len(source_line or "") - len((source_line or "").lstrip()) + 1
    elif isinstance(error, UnexpectedToken | UnexpectedEOF):
        label = _example_label(error, text)
        token = getattr(error, "token", None)
        if isinstance(error, UnexpectedToken) and error.token.type in ("_INDENT", "_DEDENT"):
            line, column = indent_position(lines, error.token, line)
            source_line = lines[line - 1] if 0 < line <= len(lines) else None
        if isinstance(error, UnexpectedToken) and error.token.type == "_INDENT":
            label = "this line is indented, but nothing above it opens a block"
        if label is None and token is not None and token.type == "COLON":
            label = "`:` only follows a node id at the start of a line; is this node indented by mistake?"
        message = label or f"unexpected {_describe(token)}"
    else:
        message = str(error)
    return FlowSyntaxError(message, Location(file, line, column), source_line)


def _describe(token: Any) -> str:
    if token is None or token.type == "$END":
        return "end of file"
    if token.type == "_NL":
        return "end of line"
    if token.type in ("_INDENT", "_DEDENT"):
        return "indentation"
    return f"`{token.value}`"


@dataclass
class _Comments:
    """Comments found by the lexer, to be handed to the lines they belong to."""

    above: dict[int, list[str]] = field(default_factory=dict)
    end: dict[int, str] = field(default_factory=dict)
    trailing: list[str] = field(default_factory=list)

    def comment(self, line: int) -> Comment:
        return Comment(tuple(self.above.get(line, ())), self.end.get(line))


def _comment_text(raw: str) -> str:
    body = raw[1:].rstrip()
    return body[1:] if body.startswith(" ") else body


def _find_comments(text: str, item_lines: list[int]) -> _Comments:
    found = _Comments()
    pending: list[str] = []
    starts = iter(sorted(set(item_lines)))
    next_start = next(starts, None)
    for number, line_text in enumerate(text.split("\n"), start=1):
        while next_start is not None and next_start < number:
            next_start = next(starts, None)
        column = _comment_column(line_text)
        if next_start == number and pending:
            found.above[number] = pending
            pending = []
        if column is None:
            continue
        comment = _comment_text(line_text[column:])
        if line_text[:column].strip():
            found.end[number] = comment
        else:
            pending.append(comment)
    found.trailing = pending
    return found


def _comment_column(line_text: str) -> int | None:
    in_string = False
    escaped = False
    for index, char in enumerate(line_text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char == "#":
            return index
    return None


class _ToSyntax(Transformer[LarkToken, Any]):
    """Builds the generic syntax: one-line methods, each making a frozen dataclass."""

    def __init__(self, file: str, lines: list[str], comments: _Comments) -> None:
        super().__init__()
        self.file, self.lines, self.comments = file, lines, comments

    def _token(self, token: LarkToken) -> Token:
        where = Location(self.file, token.line, token.column)
        return Token(token.type, str(token), where, token.end_column or 0)

    def _parts(self, children: list[Any]) -> dict[str, Any]:
        parts: dict[str, Any] = {"names": [], "args": Args(), "target": None, "lines": ()}
        for child in children:
            if isinstance(child, Args):
                parts["args"] = child
            elif isinstance(child, tuple):
                parts["lines"] = child
            elif isinstance(child, _Arrow):
                parts["target"] = child.target
            else:
                parts["names"].append(self._token(child))
        return parts

    # `args` and `line` are the most frequent rules: their positions come from their own tokens.
    def args(self, children: list[LarkToken]) -> Args:
        token = children[0]
        line = token.line or 1
        return split_arguments(str(token), self.file, line, token.column or 1, self.lines[line - 1])

    def arrow(self, children: list[LarkToken]) -> _Arrow:
        return _Arrow(self._token(children[-1]))

    def block(self, lines: list[Line]) -> tuple[Line, ...]:
        return tuple(lines)

    def line(self, children: list[Any]) -> Line:
        p = self._parts(children)
        word: Token = p["names"][0]
        comment = self.comments.comment(word.location.line or 0)
        return Line(word, p["args"], p["target"], word.location, comment)

    def _declaration(self, kind: str, children: list[Any]) -> Item:
        p = self._parts(children)
        names = p["names"]
        first: Token = names[0]  # declarations start at the left margin, so the item starts at column 1
        where = Location(self.file, first.location.line, 1)
        name = first if kind != "layout" else None
        node_type = names[1] if len(names) > 1 else None
        comment = self.comments.comment(where.line or 0)
        return Item(kind, name, node_type, p["args"], p["target"], p["lines"], where, comment)

    def flow(self, children: list[Any]) -> Item:
        return self._declaration("flow", children)

    def prompt(self, children: list[Any]) -> Item:
        return self._declaration("prompt", children)

    def var(self, children: list[Any]) -> Item:
        return self._declaration("var", children)

    def layout(self, children: list[Any]) -> Item:
        return self._declaration("layout", children)

    def node(self, children: list[Any]) -> Item:
        return self._declaration("node", children)

    def start(self, items: list[Item]) -> tuple[Item, ...]:
        return tuple(items)


@dataclass(frozen=True)
class _Arrow:
    target: Token


@dataclass(frozen=True)
class Document:
    """A parsed `.flow` file: its declarations, its trailing comments and its lines (for error messages)."""

    file: str
    items: tuple[Item, ...]
    trailing_comments: tuple[str, ...]
    lines: tuple[str, ...]

    def source_line(self, location: Location) -> str | None:
        """The text of the line a location points at."""
        if location.line is None or not 0 < location.line <= len(self.lines):
            return None
        return self.lines[location.line - 1]


def _reject_leading_indent(lines: list[str], file: str) -> None:
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), None)
    if first is not None and first[0] in " \t":
        number = lines.index(first) + 1
        column = len(first) - len(first.lstrip()) + 1
        message = "this line is indented, but nothing above it opens a block"
        raise FlowSyntaxError(message, Location(file, number, column), first)


_NOT_TEXT = re.compile("[\ud800-\udfff]|\r(?!\n)")
"""What no line of a flow may hold: half a character (a lone UTF-16 surrogate), a carriage return ending no line."""


def _reject_what_is_not_text(text: str, file: str) -> None:
    found = _NOT_TEXT.search(text)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + 1
    start = text.rfind("\n", 0, found.start()) + 1
    end = text.find("\n", found.start())
    source_line = text[start : end if end >= 0 else len(text)]
    if found[0] == "\r":
        message = "a carriage return (U+000D) that ends no line: lines end with a line feed, or CR LF"
        source_line = source_line.replace("\r", " ")
    else:
        message = f"U+{ord(found[0]):04X} is half of a character (a lone UTF-16 surrogate), not a character"
        source_line = _SURROGATES.sub("\ufffd", source_line)
    raise FlowSyntaxError(message, Location(file, line, found.start() - start + 1), source_line)


_SURROGATES = re.compile("[\ud800-\udfff]")


def parse_document(text: str, file: str = "<flow>") -> Document:
    """Parse `.flow` text into declarations and lines. Raises `FlowSyntaxError` with file:line:col."""
    if text.startswith("\ufeff"):
        text = text[1:]
    _reject_what_is_not_text(text, file)
    source = text if text.endswith("\n") else text + "\n"
    lines = source.split("\n")
    _reject_leading_indent(lines, file)
    # Every line that is not blank and not only a comment starts a declaration or a block line.
    starts = [n for n, line in enumerate(lines, start=1) if line.strip() and not line.lstrip().startswith("#")]
    comments = _find_comments(source, starts)
    parser, builder = _building_parser()
    with _BUILDING, collection_paused():
        builder.file, builder.lines, builder.comments = file, lines, comments
        try:
            items: tuple[Item, ...] = parser.parse(source)  # type: ignore[assignment]  # built by _ToSyntax.start
        except (UnexpectedInput, DedentError) as error:
            raise _syntax_error(_same_error_from_tree_parser(source, error), source, file) from None
    return Document(file, items, tuple(comments.trailing), tuple(lines))
