"""Evaluating expressions against a call's variables, with Python-like rules that cannot run arbitrary code.

DTMF digits arrive as strings, so beside a number a numeric string counts as a number: `menu.digits == 1`
holds when the caller pressed 1. Everything else that mixes types is unequal, and ordering or arithmetic on
it is an `EvaluationError`. So is a value past the limits of `bounds` (a whole number beyond 64 bits, a decimal
that is no longer finite, a text or list past 65,536): no expression can grow a value without end.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeAlias, TypeGuard, TypeVar, cast

from callflow.flowlang.bounds import (
    MAX_INTEGER,
    MIN_INTEGER,
    OutOfBounds,
    checked_number,
    checked_text_length,
    value_size,
)
from callflow.flowlang.errors import FlowError
from callflow.flowlang.expression import (
    Binary,
    Expression,
    ListExpr,
    Literal,
    Span,
    Unary,
    Variable,
    parse_expression,
)

T = TypeVar("T")

Lookup: TypeAlias = Callable[[str], object] | Mapping[str, object]
"""Where variables come from: a mapping by dotted name, or a function raising `KeyError` for unknown names."""

Reader: TypeAlias = Callable[[str], object]
"""A variable's value by dotted name, raising `KeyError` for unknown names."""

Compiled: TypeAlias = Callable[[Reader], object]
"""An expression made into a function of where its variables come from."""


class EvaluationError(FlowError):
    """An expression that cannot be evaluated, such as `1 / 0`; `span` is where it was written, if known."""

    def __init__(self, message: str, span: Span | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span


def evaluate(expr: Expression, lookup: Lookup) -> object:
    """The value of `expr`, reading its variables through `lookup`."""
    match expr:
        case Literal(value=value):
            return value
        case Variable():
            return _read(expr, lookup)
        case ListExpr(items=items):
            return _bounded_list(expr.span, [evaluate(item, lookup) for item in items])
        case Unary(op="not", operand=operand):
            return not is_truthy(evaluate(operand, lookup))
        case Unary(op="-", operand=operand):
            return _apply(expr, _negative, evaluate(operand, lookup))
        case Binary(op="and", left=left, right=right):
            return is_truthy(evaluate(left, lookup)) and is_truthy(evaluate(right, lookup))
        case Binary(op="or", left=left, right=right):
            return is_truthy(evaluate(left, lookup)) or is_truthy(evaluate(right, lookup))
        case Binary(op=op, left=left, right=right) if op in _BINARY:
            return _apply(expr, _BINARY[op], evaluate(left, lookup), evaluate(right, lookup))
        case _:
            raise EvaluationError(f"unknown operator `{expr.op}`", expr.span)


@lru_cache(maxsize=65536)
def compiled(text: str) -> Compiled:
    """The expression written as `text`, parsed and compiled once (an `ExpressionError` when malformed)."""
    return compile_expression(parse_expression(text))


def compile_expression(expr: Expression) -> Compiled:
    """`expr` as a function of a `Reader`: the value and the errors of `evaluate`, without walking the tree."""
    match expr:
        case Literal(value=value):
            return lambda read: value
        case Variable():
            return _compiled_read(expr.name, expr.span)
        case ListExpr(items=items):
            parts = [compile_expression(item) for item in items]
            span = expr.span
            return lambda read: _bounded_list(span, [part(read) for part in parts])
        case Unary(op="not", operand=operand):
            inner = compile_expression(operand)
            return lambda read: not is_truthy(inner(read))
        case Unary(op="-", operand=operand):
            return _compiled_unary(expr.span, _negative, compile_expression(operand))
        case Binary(op="and", left=left, right=right):
            first, second = compile_expression(left), compile_expression(right)
            return lambda read: is_truthy(first(read)) and is_truthy(second(read))
        case Binary(op="or", left=left, right=right):
            first, second = compile_expression(left), compile_expression(right)
            return lambda read: is_truthy(first(read)) or is_truthy(second(read))
        case Binary(op=op, left=left, right=right) if op in _BINARY:
            return _compiled_binary(expr.span, _BINARY[op], left, right)
    return lambda read: evaluate(expr, read)  # what `evaluate` refuses, it refuses when run


def _compiled_read(name: str, span: Span | None) -> Compiled:
    def read_variable(read: Reader) -> object:
        try:
            return read(name)
        except KeyError:
            raise EvaluationError(f"unknown variable `{name}`", span) from None

    return read_variable


def _compiled_unary(span: Span | None, operation: Callable[[object], object], operand: Compiled) -> Compiled:
    def apply(read: Reader) -> object:
        value = operand(read)
        try:
            return operation(value)
        except EvaluationError as error:
            raise EvaluationError(error.message, span) from None

    return apply


def _compiled_binary(
    span: Span | None, operation: Callable[[object, object], object], left: Expression, right: Expression
) -> Compiled:
    if isinstance(left, Variable) and isinstance(right, Literal):  # `misses >= 3`: the commonest shape
        name, where, constant = left.name, left.span, right.value

        def apply_to_variable(read: Reader) -> object:
            try:
                first = read(name)
            except KeyError:
                raise EvaluationError(f"unknown variable `{name}`", where) from None
            try:
                return operation(first, constant)
            except EvaluationError as error:  # blame the operator, as `evaluate` does
                raise EvaluationError(error.message, span) from None

        return apply_to_variable
    first_operand = compile_expression(left)
    if isinstance(right, Literal):  # no call to read a constant
        constant = right.value

        def apply_constant(read: Reader) -> object:
            first = first_operand(read)
            try:
                return operation(first, constant)
            except EvaluationError as error:  # blame the operator, as `evaluate` does
                raise EvaluationError(error.message, span) from None

        return apply_constant
    second_operand = compile_expression(right)

    def apply(read: Reader) -> object:
        first, second = first_operand(read), second_operand(read)
        try:
            return operation(first, second)
        except EvaluationError as error:  # blame the operator, as `evaluate` does
            raise EvaluationError(error.message, span) from None

    return apply


def values_equal(left: object, right: object) -> bool:
    """Whether two values are equal as `==` sees them (a numeric string equals its number)."""
    return _equal(left, right)


def is_truthy(value: object) -> bool:
    """Whether a value counts as true in a condition: all but null, false, 0, "" and [] do."""
    return bool(value)


def render_value(value: object) -> str:
    """How a value reads in a prompt: null is empty, numbers lose a needless `.0`, lists join with commas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return _number_text(value)
    if _is_list(value):
        return ", ".join(map(render_value, value))
    return str(value)


def _bounded_list(span: Span | None, items: list[object]) -> list[object]:
    """A list written out in brackets, if it stays within the limits (`[x, x]` doubles `x`)."""
    try:
        value_size(items)
    except OutOfBounds as error:
        raise EvaluationError(f"the list {error.problem}", span) from None
    return items


def _read(variable: Variable, lookup: Lookup) -> object:
    try:
        return lookup[variable.name] if isinstance(lookup, Mapping) else lookup(variable.name)
    except KeyError:
        raise EvaluationError(f"unknown variable `{variable.name}`", variable.span) from None


def _apply(node: Unary | Binary, operation: Callable[..., object], *values: object) -> object:
    """Run an operation on evaluated operands, blaming `node` if it refuses them."""
    try:
        return operation(*values)
    except EvaluationError as error:
        raise EvaluationError(error.message, node.span) from None


# ============================================================================
# Values
# ============================================================================

_NUMERIC = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_NUMBERS = (int, float)
_LISTS = (list, tuple)
_PLAIN = (str, int, float)
"""Types that compare with their own kind as they are (two strings, two integers, two floats)."""


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, _NUMBERS) and not isinstance(value, bool)


def _is_list(value: object) -> TypeGuard[list[object] | tuple[object, ...]]:
    return isinstance(value, _LISTS)


def _kind(value: object) -> str:
    """The expression language's name for a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if _is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    return "list" if _is_list(value) else type(value).__name__


def _number_text(number: int | float) -> str:
    if isinstance(number, int) or not math.isfinite(number):
        return str(number)
    if number.is_integer():
        return str(int(number))
    return format(Decimal(repr(number)), "f")


def _as_number(value: object) -> int | float | None:
    """A number, or a string of digits (as DTMF input is) read as one; else None."""
    if _is_number(value):
        return value
    if isinstance(value, str) and _NUMERIC.fullmatch(value):
        try:
            return float(value) if "." in value else int(value)
        except ValueError:  # more digits than Python converts (4,300): no number a call could hold
            return None
    return None


def _text(value: object, op: str) -> str:
    """A string, or a number written out, for the string operators."""
    if isinstance(value, str):
        return value
    if _is_number(value):
        try:
            return _number_text(checked_number(value))
        except OutOfBounds as error:
            raise EvaluationError(f"`{op}` cannot write a number that {error.problem}") from None
    raise EvaluationError(f"`{op}` works on strings and numbers, not {_kind(value)}")


# ============================================================================
# Operators
# ============================================================================


def _comparable(left: object, right: object) -> tuple[Any, Any] | None:
    """Two strings, or two numbers (a numeric string beside a number is one); None if neither."""
    kind = type(left)
    if kind is type(right) and kind in _PLAIN:
        return left, right
    if isinstance(left, str) and isinstance(right, str):
        return left, right
    left_number, right_number = _as_number(left), _as_number(right)
    if left_number is None or right_number is None or not (_is_number(left) or _is_number(right)):
        return None
    return left_number, right_number


def _equal(left: object, right: object) -> bool:
    if (pair := _comparable(left, right)) is not None:
        return bool(pair[0] == pair[1])
    if _is_list(left) and _is_list(right):
        return len(left) == len(right) and all(map(_equal, left, right))
    return type(left) is type(right) and left == right


def _ordering(op: str, compare: Callable[[Any, Any], bool]) -> Callable[[object, object], bool]:
    def ordered(left: object, right: object) -> bool:
        if (pair := _comparable(left, right)) is None:
            raise EvaluationError(f"cannot compare {_kind(left)} with {_kind(right)} using `{op}`")
        return compare(*pair)

    return ordered


def _member(item: object, container: object, op: str) -> bool:
    if _is_list(container):
        return any(_equal(item, element) for element in container)
    if isinstance(container, str):
        return _text(item, op) in container
    raise EvaluationError(f"`{op}` needs a list or a string, not {_kind(container)}")


def _add(left: object, right: object) -> object:
    if isinstance(left, str) or isinstance(right, str):
        first, second = _text(left, "+"), _text(right, "+")
        _bounded("+", checked_text_length, len(first) + len(second))  # measured before the text is made
        return first + second
    if _is_number(left) and _is_number(right):
        return _sum(left, right)
    if _is_list(left) and _is_list(right):
        return _bounded("+", _list_within_bounds, [*left, *right])
    raise EvaluationError(f"`+` needs numbers, strings or lists, not {_kind(left)} and {_kind(right)}")


def _list_within_bounds(items: list[object]) -> list[object]:
    value_size(items)
    return items


def _bounded(op: str, check: Callable[[T], T], value: T) -> T:
    """`value` when `check` lets it pass; else an EvaluationError naming the operator."""
    try:
        return check(value)
    except OutOfBounds as error:
        raise EvaluationError(f"the result of `{op}` {error.problem}") from None


def _arithmetic(op: str, compute: Callable[[Any, Any], object]) -> Callable[[object, object], object]:
    def calculate(left: object, right: object) -> object:
        if not (_is_number(left) and _is_number(right)):
            raise EvaluationError(f"`{op}` needs numbers, not {_kind(left)} and {_kind(right)}")
        try:
            result = compute(left, right)
        except ZeroDivisionError:
            raise EvaluationError("division by zero") from None
        except OverflowError:
            raise EvaluationError(f"the result of `{op}` is too large a number") from None
        if type(result) is int and MIN_INTEGER <= result <= MAX_INTEGER:  # the commonest result, without a call
            return result
        return _bounded(op, checked_number, cast(int | float, result))

    return calculate


_sum = _arithmetic("+", operator.add)


def _negative(value: object) -> object:
    if not _is_number(value):
        raise EvaluationError(f"`-` needs a number, not {_kind(value)}")
    return _bounded("-", checked_number, -value)


_BINARY: dict[str, Callable[[object, object], object]] = {
    "==": _equal,
    "!=": lambda left, right: not _equal(left, right),
    "<": _ordering("<", operator.lt),
    "<=": _ordering("<=", operator.le),
    ">": _ordering(">", operator.gt),
    ">=": _ordering(">=", operator.ge),
    "in": lambda left, right: _member(left, right, "in"),
    "not in": lambda left, right: not _member(left, right, "not in"),
    "contains": lambda left, right: _member(right, left, "contains"),
    "startswith": lambda left, right: _text(left, "startswith").startswith(_text(right, "startswith")),
    "endswith": lambda left, right: _text(left, "endswith").endswith(_text(right, "endswith")),
    "+": _add,
    "-": _arithmetic("-", operator.sub),
    "*": _arithmetic("*", operator.mul),
    "/": _arithmetic("/", operator.truediv),
    "%": _arithmetic("%", operator.mod),
}
