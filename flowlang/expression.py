"""The expression language of flow conditions and assignments: its syntax tree, parser and canonical text."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TypeAlias, cast

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.tree import Meta

from callflow.flowlang.errors import FlowError
from callflow.flowlang.grammars import parser_cache
from callflow.flowlang.numbers import NumberError, decimal_text, read_number
from callflow.flowlang.strings import ESCAPE, StringError, bad_escape, read_quoted

Span: TypeAlias = tuple[int, int]
"""Where a node was written: start and end character offsets (0-based, end exclusive) into the source text."""

LiteralValue: TypeAlias = str | int | float | bool | None


class ExpressionError(FlowError):
    """Text that is not a well-formed expression; `offset` is where in the text (0-based) the problem is."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


# ============================================================================
# Syntax tree
# ============================================================================
# Spans are not compared, so a re-parsed expression equals the original wherever it was written.


@dataclass(frozen=True)
class Literal:
    """A number, string, `true`, `false` or `null`."""

    value: LiteralValue
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Variable:
    """A variable read by its dotted name, such as `menu.digits`."""

    path: tuple[str, ...]
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    @property
    def name(self) -> str:
        """The dotted name, as written."""
        return ".".join(self.path)


@dataclass(frozen=True)
class Unary:
    """`not operand` or `-operand`."""

    op: str
    operand: Expression
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Binary:
    """`left op right`, where `op` is as written, e.g. `and`, `==`, `not in`, `+`."""

    op: str
    left: Expression
    right: Expression
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class ListExpr:
    """A list written out in brackets: `["1", "2"]`."""

    items: tuple[Expression, ...]
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)


Expression: TypeAlias = Literal | Variable | Unary | Binary | ListExpr

# How tightly each operator binds; an atom binds tightest of all.
_COMPARISON = 4
_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "startswith", "endswith", "contains")
_PRECEDENCE = {"or": 1, "and": 2} | dict.fromkeys(_COMPARISONS, _COMPARISON)
_PRECEDENCE |= {"+": 5, "-": 5, "*": 6, "/": 6, "%": 6}
_UNARY_PRECEDENCE = {"not": 3, "-": 7}
_ATOM = 8


def walk(expr: Expression) -> Iterator[Expression]:
    """Every node of an expression, each before its children."""
    yield expr
    match expr:
        case Unary(operand=operand):
            yield from walk(operand)
        case Binary(left=left, right=right):
            yield from walk(left)
            yield from walk(right)
        case ListExpr(items=items):
            for item in items:
                yield from walk(item)


def variables(expr: Expression) -> frozenset[str]:
    """The dotted names of the variables an expression reads."""
    return frozenset(node.name for node in walk(expr) if isinstance(node, Variable))


# ============================================================================
# Parsing
# ============================================================================


def _span(meta: Meta) -> Span:
    return (meta.start_pos, meta.end_pos)


@v_args(inline=True, meta=True)
class _ToTree(Transformer[Token, Expression]):
    """Builds the syntax tree from lark's parse tree: one grammar rule, one method."""

    def or_(self, meta: Meta, left: Expression, right: Expression) -> Binary:
        return Binary("or", left, right, span=_span(meta))

    def and_(self, meta: Meta, left: Expression, right: Expression) -> Binary:
        return Binary("and", left, right, span=_span(meta))

    def not_(self, meta: Meta, operand: Expression) -> Unary:
        return Unary("not", operand, span=_span(meta))

    def negative(self, meta: Meta, operand: Expression) -> Unary:
        return Unary("-", operand, span=_span(meta))

    def binary(self, meta: Meta, left: Expression, op: str, right: Expression) -> Binary:
        return Binary(op, left, right, span=_span(meta))

    def comparison_op(self, meta: Meta, *words: Token) -> str:
        return " ".join(words)

    sum_op = product_op = comparison_op

    def number(self, meta: Meta, digits: Token) -> Literal:
        return Literal(float(digits) if "." in digits else int(digits), span=_span(meta))

    def string(self, meta: Meta, quoted: Token) -> Literal:
        return Literal(read_quoted(quoted), span=_span(meta))

    def true(self, meta: Meta) -> Literal:
        return Literal(True, span=_span(meta))

    def false(self, meta: Meta) -> Literal:
        return Literal(False, span=_span(meta))

    def null(self, meta: Meta) -> Literal:
        return Literal(None, span=_span(meta))

    def variable(self, meta: Meta, name: Token) -> Variable:
        return Variable(tuple(name.split(".")), span=_span(meta))

    def list_expr(self, meta: Meta, *items: Expression) -> ListExpr:
        return ListExpr(items, span=_span(meta))


@cache
def _parser() -> Lark:
    # The basic lexer, not lark's default contextual one: where only an operator may follow, the contextual
    # lexer would read `a index` as `a in dex`.
    return Lark.open(
        "expression.lark",
        rel_to=__file__,
        parser="lalr",
        lexer="basic",
        start=["start", "variable_name"],
        propagate_positions=True,
        maybe_placeholders=False,
        cache=parser_cache("expression"),
    )


MAX_DEPTH = 100
"""How deeply an expression may nest, which keeps the recursive walks over it (evaluation, printing) safe."""


@lru_cache(maxsize=65536)
def parse_expression(text: str) -> Expression:
    """Parse an expression such as `menu.digits == 1 and not caller.blocked`."""
    return _parse(text, "start")


@lru_cache(maxsize=65536)
def parse_variable(text: str) -> Variable:
    """Parse a bare dotted variable name such as `menu.digits` (blanks around it are allowed)."""
    return cast(Variable, _parse(text, "variable_name"))


def _parse(text: str, start: str) -> Expression:
    try:
        tree = _parser().parse(text, start=start)
    except UnexpectedCharacters as error:
        raise _lexical_error(text, cast(int, error.pos_in_stream)) from None  # lark types it loosely
    except UnexpectedToken as error:
        raise _syntax_error(error, text, start) from None
    if _deeper_than(tree, MAX_DEPTH):
        raise ExpressionError(f"expression is nested more than {MAX_DEPTH} deep", 0)
    for token in tree.scan_values(lambda value: isinstance(value, Token) and value.type in ("NUMBER", "STRING")):
        try:
            read_number(token) if token.type == "NUMBER" else read_quoted(token)
        except NumberError as error:
            raise ExpressionError(error.message, token.start_pos or 0) from None
        except StringError as error:
            raise ExpressionError(error.message, (token.start_pos or 0) + error.offset) from None
    return _ToTree().transform(tree)


def _deeper_than(tree: Tree[Token], depth: int) -> bool:
    """Whether `tree` has more than `depth` levels (measured level by level: building it recurses)."""
    level = [tree]
    for _ in range(depth):
        level = [child for node in level for child in node.children if isinstance(child, Tree)]
        if not level:
            return False
    return True


# ============================================================================
# Friendly syntax errors
# ============================================================================

_LEXICAL_MISTAKES = {
    "=": "`=` is not a comparison; use `==`",
    "&&": "`&&` is not an operator; use `and`",
    "||": "`||` is not an operator; use `or`",
    "!": "`!` is not an operator; use `not`",
    "'": "strings are written in double quotes",
}


def _lexical_error(text: str, offset: int) -> ExpressionError:
    """Explain characters that start no token: a common slip from other languages, or a broken string."""
    if text[offset] == '"':
        return _string_error(text, offset)
    for mistake, message in _LEXICAL_MISTAKES.items():
        if text.startswith(mistake, offset):
            return ExpressionError(message, offset)
    char = text[offset]
    shown = f"`{char}`" if char.isprintable() else f"U+{ord(char):04X}"
    return ExpressionError(f"unexpected character {shown}", offset)


def _string_error(text: str, offset: int) -> ExpressionError:
    """Explain why the string opening at `offset` is not one: a bad escape, or no closing quote."""
    position = offset + 1
    while position < len(text) and text[position] not in '"\n':
        if escape := ESCAPE.match(text, position):
            position = escape.end()
        elif text[position] != "\\" or text[position + 1 : position + 2] in ("", "\n"):
            position += 1
        else:
            return ExpressionError(bad_escape(text, position), position)
    return ExpressionError("unterminated string", offset)


# Broken expressions standing for each kind of mistake. An error is matched to them by the parser state it
# failed in. (lark's `UnexpectedInput.match_examples` also compares the depth of the parser's stack, so its
# example `a ==` would not match `(a ==`; matching on the state alone covers every nesting.)
_EXAMPLES = {
    "missing value": ["", "not", "-", "(", "[", "[a,", *(f"a {op}" for op in _PRECEDENCE)],
    "missing operator": [f"{atom} b" for atom in ("a", "1", '"s"', "true", "false", "null", "(a)", "[a]")],
    "chained comparison": ["a < b < c"],
    "not without in": ["a not b"],
    "unclosed": ["(a", "[a", "[a, b"],
}


@cache
def _mistakes() -> dict[int, str]:
    """The kind of mistake for each parser state an example fails in."""
    kinds: dict[int, str] = {}
    for kind, examples in _EXAMPLES.items():
        for example in examples:
            try:
                _parser().parse(example, start="start")
            except UnexpectedToken as error:
                kinds.setdefault(error.state.position, kind)
    return kinds


def _syntax_error(error: UnexpectedToken, text: str, start: str) -> ExpressionError:
    """Name the mistake behind a token the parser could not take, or else just say it was unexpected."""
    token: Token = error.token
    at_end = token.type == "$END"
    offset = len(text) if at_end else token.start_pos or 0
    unexpected = ExpressionError("unexpected end of expression" if at_end else f"unexpected `{token}`", offset)
    if start != "start":
        return unexpected
    before = _tokens_before(text, offset)
    match _mistakes().get(error.state.position):
        case "missing value" if before:
            operator = " ".join(before[-2:]) if before[-2:] == ["not", "in"] else before[-1]
            return ExpressionError(f"expected a value after `{operator}`", offset)
        case "missing value" if at_end:
            return ExpressionError("empty expression", offset)
        case "missing operator":
            return ExpressionError(f"expected an operator before `{token}`", offset)
        case "chained comparison":
            return ExpressionError("comparisons cannot be chained; join them with `and`", offset)
        case "not without in":
            return ExpressionError("expected `in` after `not`", offset)
        case "unclosed" if at_end and (bracket := _unclosed(before)):
            return ExpressionError(f"`{bracket}` is never closed", bracket.start_pos or 0)
    return unexpected


def _tokens_before(text: str, offset: int) -> list[Token]:
    tokens = []
    try:
        for token in _parser().lex(text):
            if (token.start_pos or 0) >= offset:
                break
            tokens.append(token)
    except UnexpectedInput:
        pass  # only the tokens before the error matter, and those lexed
    return tokens


def _unclosed(tokens: list[Token]) -> Token | None:
    """The innermost bracket among `tokens` that is not closed."""
    opened: list[Token] = []
    for token in tokens:
        if token in ("(", "["):
            opened.append(token)
        elif token in (")", "]") and opened:
            opened.pop()
    return opened[-1] if opened else None


# ============================================================================
# Canonical text
# ============================================================================


def to_text(expr: Expression) -> str:
    """The canonical text of an expression: it parses back to an equal expression."""
    match expr:
        case Literal(value=value):
            return _literal_text(value)
        case Variable():
            return expr.name
        case ListExpr(items=items):
            return "[" + ", ".join(map(to_text, items)) + "]"
        case Unary(op=op, operand=operand):
            separator = " " if op == "not" else ""
            return op + separator + _operand_text(operand, _UNARY_PRECEDENCE[op])
        case Binary(op=op, left=left, right=right):
            level = _PRECEDENCE[op]
            # Operators group to the left, and comparisons do not group at all.
            left_level = level + 1 if level == _COMPARISON else level
            return f"{_operand_text(left, left_level)} {op} {_operand_text(right, level + 1)}"


def _precedence(expr: Expression) -> int:
    match expr:
        case Binary(op=op):
            return _PRECEDENCE[op]
        case Unary(op=op):
            return _UNARY_PRECEDENCE[op]
    return _ATOM


def _operand_text(expr: Expression, lowest: int) -> str:
    """The text of `expr`, in parentheses if its operator binds more loosely than `lowest`."""
    text = to_text(expr)
    return text if _precedence(expr) >= lowest else f"({text})"


def _literal_text(value: LiteralValue) -> str:
    match value:
        case None:
            return "null"
        case bool():
            return "true" if value else "false"
        case int():
            return str(value)
        case float() if math.isfinite(value):
            return decimal_text(value)  # positional notation keeps the grammar simple; `.0` keeps it a float
        case str():
            return json.dumps(value, ensure_ascii=False)
    raise ValueError(f"{value!r} cannot be written in an expression")
