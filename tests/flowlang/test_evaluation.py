"""Evaluating expressions: Python-like, safe semantics, and clear errors."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callflow.flowlang.errors import FlowError
from callflow.flowlang.evaluation import EvaluationError, evaluate, is_truthy, render_value
from callflow.flowlang.expression import Binary, Expression, Literal, Unary, parse_expression

VARIABLES: dict[str, object] = {
    "menu.digits": "1",
    "caller": "+4930123456",
    "count": 3,
    "ratio": 0.5,
    "tags": ["vip", "de"],
    "nothing": None,
    "yes": True,
    "empty": "",
}


def run(text: str, variables: dict[str, object] | None = None) -> object:
    return evaluate(parse_expression(text), VARIABLES if variables is None else variables)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("7 - 10", -3),
        ("7 % 3", 1),
        ("-7 % 3", 2),
        ("7 / 2", 3.5),
        ("1.5 + 1", 2.5),
        ("-count", -3),
        ('"a" + "b"', "ab"),
        ('"n" + 1', "n1"),
        ('1 + "n"', "1n"),
        ('"x" + 2.0', "x2"),
        ('"x" + 0.5', "x0.5"),
        ("[1] + [2, 3]", [1, 2, 3]),
        ('["a", count]', ["a", 3]),
    ],
)
def test_arithmetic_and_concatenation(text: str, value: object) -> None:
    """`+` adds numbers, or concatenates when either side is a string; the rest is arithmetic as in Python."""
    result = run(text)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("menu.digits == 1", True),
        ("menu.digits == 2", False),
        ('menu.digits == "1"', True),
        ("menu.digits != 1", False),
        ("menu.digits < 2", True),
        ('"10" > 9', True),
        ('"10" > "9"', False),
        ("1 == 1.0", True),
        ('"abc" == 1', False),
        ('"abc" != 1', True),
        ("true == 1", False),
        ("null == 0", False),
        ("null == null", True),
        ('null == ""', False),
        ("[1, 2] == [1, 2]", True),
        ('[1, "2"] == ["1", 2]', True),
        ("[1, 2] == [1]", False),
        ("tags == tags", True),
        ('"b" >= "a"', True),
        ("2 <= 2", True),
    ],
)
def test_comparisons(text: str, value: bool) -> None:
    """Numbers compare with numbers, strings with strings, and a numeric string with a number numerically."""
    assert run(text) is value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('caller startswith "+49"', True),
        ('caller endswith "56"', True),
        ('caller contains "301"', True),
        ("caller contains 301", True),
        ("12345 startswith 12", True),
        ('"vip" in tags', True),
        ('"gold" in tags', False),
        ('"gold" not in tags', True),
        ('tags contains "de"', True),
        ('"30" in caller', True),
        ("1 in [1.0, 2]", True),
        ('1 in ["1"]', True),
        ("menu.digits in [1, 2, 3]", True),
        ("null in [null]", True),
    ],
)
def test_string_and_membership_operators(text: str, value: bool) -> None:
    """`startswith`, `endswith` work on strings and numbers; `in` and `contains` on lists or strings."""
    assert run(text) is value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes and count", True),
        ("yes and nothing", False),
        ("empty or 0", False),
        ('nothing or "x"', True),
        ("not empty", True),
        ("not tags", False),
        ("not []", True),
        ("not 0.0", True),
    ],
)
def test_boolean_operators_return_booleans(text: str, value: bool) -> None:
    """`and`, `or` and `not` use truthiness (null, "", 0 and [] are false) and give `true` or `false`."""
    assert run(text) is value


def test_and_and_or_short_circuit() -> None:
    """The right side of `and`/`or` is not evaluated when the left side decides, so it may not even exist."""
    assert run("false and missing.variable") is False
    assert run("true or 1 / 0") is True
    with pytest.raises(EvaluationError):
        run("true and missing.variable")


def test_is_truthy_follows_the_language() -> None:
    """null, false, 0, 0.0, "" and [] are false; everything else is true."""
    falsy: tuple[object, ...] = (None, False, 0, 0.0, "", [])
    assert [is_truthy(value) for value in falsy] == [False] * 6
    assert [is_truthy(value) for value in (True, 1, -0.5, "0", " ", [0])] == [True] * 6


@pytest.mark.parametrize(
    ("text", "message", "span"),
    [
        ("1 + missing", "unknown variable `missing`", (4, 11)),
        ("count / 0", "division by zero", (0, 9)),
        ("1 + count % 0", "division by zero", (4, 13)),
        ("1.5 / 0.0", "division by zero", (0, 9)),
        ('"a" < 1', "cannot compare string with number using `<`", (0, 7)),
        ("tags > 1", "cannot compare list with number using `>`", (0, 8)),
        ("true < false", "cannot compare boolean with boolean using `<`", (0, 12)),
        ('"a" - 1', "`-` needs numbers, not string and number", (0, 7)),
        ("menu.digits * 2", "`*` needs numbers, not string and number", (0, 15)),
        ("true + 1", "`+` needs numbers, strings or lists, not boolean and number", (0, 8)),
        ('"a" + nothing', "`+` works on strings and numbers, not null", (0, 13)),
        ('-"a"', "`-` needs a number, not string", (0, 4)),
        ("1 in 5", "`in` needs a list or a string, not number", (0, 6)),
        ("1 not in null", "`not in` needs a list or a string, not null", (0, 13)),
        ('nothing startswith "a"', "`startswith` works on strings and numbers, not null", (0, 22)),
        ('"a" endswith tags', "`endswith` works on strings and numbers, not list", (0, 17)),
        ("yes contains 1", "`contains` needs a list or a string, not boolean", (0, 14)),
        ('tags in "vip de"', "`in` works on strings and numbers, not list", (0, 16)),
    ],
)
def test_evaluation_errors_say_what_and_where(text: str, message: str, span: tuple[int, int]) -> None:
    """Type errors, division by zero and unknown variables raise `EvaluationError` at the failing node."""
    with pytest.raises(EvaluationError) as caught:
        run(text)
    assert (caught.value.message, caught.value.span) == (message, span)
    assert isinstance(caught.value, FlowError)


def test_lookup_may_be_a_function() -> None:
    """A callable lookup receives dotted names and signals an unknown one with `KeyError`."""

    def lookup(name: str) -> object:
        if name == "call.id":
            return "abc"
        raise KeyError(name)

    assert evaluate(parse_expression('call.id + "!"'), lookup) == "abc!"
    with pytest.raises(EvaluationError, match=r"unknown variable `call\.other`"):
        evaluate(parse_expression("call.other"), lookup)


def test_hand_built_expressions_with_unknown_operators_are_refused() -> None:
    """An operator the language does not have is an `EvaluationError`, not a crash."""
    with pytest.raises(EvaluationError, match=r"unknown operator `\*\*`"):
        evaluate(Binary("**", Literal(2), Literal(3)), {})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("text", "text"),
        (3, "3"),
        (3.0, "3"),
        (2.5, "2.5"),
        (1e-05, "0.00001"),
        (1e20, "100000000000000000000"),
        (True, "true"),
        (["a", 1, 2.0], "a, 1, 2"),
    ],
)
def test_render_value_reads_well_in_a_prompt(value: object, text: str) -> None:
    """null is empty, integral floats drop `.0`, booleans are `true`/`false`, lists join with commas."""
    assert render_value(value) == text


ARITHMETIC: dict[str, Callable[[object, object], object]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
}
arithmetic: st.SearchStrategy[Expression] = st.recursive(
    st.integers(min_value=0, max_value=10**6).map(Literal),
    lambda children: st.one_of(
        st.builds(Unary, st.just("-"), children),
        st.builds(Binary, st.sampled_from(sorted(ARITHMETIC)), children, children),
    ),
    max_leaves=10,
)


def python_value(expr: Expression) -> Any:
    """What Python's own operators make of an arithmetic tree; OverflowError where a step leaves 64 bits."""
    match expr:
        case Literal(value=value):
            return value
        case Unary(operand=operand):
            return in_64_bits(-python_value(operand))
        case Binary(op=op, left=left, right=right):
            return in_64_bits(ARITHMETIC[op](python_value(left), python_value(right)))
    raise AssertionError(expr)


def in_64_bits(number: Any) -> Any:
    if isinstance(number, int) and not -(2**63) <= number < 2**63:
        raise OverflowError(number)
    return number


@given(arithmetic)
def test_integer_arithmetic_matches_python(expr: Expression) -> None:
    """On integers, `+ - * / %` and unary minus give what Python gives (types too), or fail where it fails, and
    no step may leave the 64-bit range."""
    try:
        expected = python_value(expr)
    except ZeroDivisionError:
        with pytest.raises(EvaluationError, match="division by zero"):
            evaluate(expr, {})
        return
    except OverflowError:
        with pytest.raises(EvaluationError, match="outside the 64-bit range"):
            evaluate(expr, {})
        return
    result = evaluate(expr, {})
    assert result == expected
    assert type(result) is type(expected)


@given(st.integers())
def test_numeric_strings_equal_their_numbers(number: int) -> None:
    """DTMF digits arrive as strings: a string of digits equals the number it spells, and no other."""
    assert evaluate(Binary("==", Literal(str(number)), Literal(number)), {}) is True
    assert evaluate(Binary("==", Literal(str(number)), Literal(number + 1)), {}) is False
