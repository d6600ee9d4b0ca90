"""The expression language: parsing, canonical text and syntax errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callflow.flowlang.errors import FlowError
from callflow.flowlang.expression import (
    MAX_DEPTH,
    Binary,
    Expression,
    ExpressionError,
    ListExpr,
    Literal,
    LiteralValue,
    Unary,
    Variable,
    parse_expression,
    parse_variable,
    to_text,
    variables,
    walk,
)
from callflow.flowlang.numbers import LIMIT, RANGE
from callflow.flowlang.strings import ESCAPES

KEYWORDS = ("and", "or", "not", "in", "startswith", "endswith", "contains", "true", "false", "null")
COMPARISONS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "startswith", "endswith", "contains")
BINARY_OPERATORS = ("or", "and", *COMPARISONS, "+", "-", "*", "/", "%")


def var(name: str) -> Variable:
    return Variable(tuple(name.split(".")))


def binary(op: str, left: Expression, right: Expression) -> Binary:
    return Binary(op, left, right)


a, b, c = var("a"), var("b"), var("c")


def assert_same_tree(actual: Expression, expected: Expression) -> None:
    """Equal, and with the same literal types: `Literal(1) == Literal(1.0) == Literal(True)` in Python."""
    assert actual == expected
    assert repr(actual) == repr(expected)


# ============================================================================
# Parsing
# ============================================================================


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("42", 42),
        ("007", 7),
        ("1.5", 1.5),
        ("2.0", 2.0),
        ('""', ""),
        ('"hello"', "hello"),
        (r'"say \"hi\""', 'say "hi"'),
        (r'"a\\b"', "a\\b"),
        (r'"line\nbreak\ttab"', "line\nbreak\ttab"),
        (r'"\u00e9t\u00E9"', "été"),
        ('"中文"', "中文"),
        ("true", True),
        ("false", False),
        ("null", None),
    ],
)
def test_literals_parse_to_their_values(text: str, value: LiteralValue) -> None:
    """Numbers, JSON strings, `true`, `false` and `null` are literals."""
    assert_same_tree(parse_expression(text), Literal(value))


def test_integers_stay_ints_and_decimals_are_floats() -> None:
    """A number without a decimal point is an int; with one, a float."""
    assert repr(parse_expression("3")) == "Literal(value=3)"
    assert repr(parse_expression("3.0")) == "Literal(value=3.0)"


@pytest.mark.parametrize("name", ["caller", "call.id", "switch.emergency", "menu.digits", "_x9", "true_x", "index"])
def test_dotted_names_are_variables(name: str) -> None:
    """A variable is one or more names joined by dots; a keyword inside a longer name is fine."""
    expr = parse_expression(name)
    assert expr == Variable(tuple(name.split(".")))
    assert isinstance(expr, Variable)
    assert expr.name == name


@pytest.mark.parametrize("keyword", KEYWORDS)
def test_keywords_are_not_variable_names(keyword: str) -> None:
    """A keyword cannot be read as a variable, alone or as part of a dotted name."""
    with pytest.raises(ExpressionError):
        parse_variable(keyword)
    with pytest.raises(ExpressionError):
        parse_expression(f"x.{keyword} == 1")
    with pytest.raises(ExpressionError):
        parse_expression(f"{keyword}.x == 1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a or b and c", binary("or", a, binary("and", b, c))),
        ("a and b or c", binary("or", binary("and", a, b), c)),
        ("not a and b", binary("and", Unary("not", a), b)),
        ("not a == b", Unary("not", binary("==", a, b))),
        ("not not a", Unary("not", Unary("not", a))),
        ("a == b + c", binary("==", a, binary("+", b, c))),
        ("a + b * c", binary("+", a, binary("*", b, c))),
        ("a - b - c", binary("-", binary("-", a, b), c)),
        ("a / b % c", binary("%", binary("/", a, b), c)),
        ("-a * b", binary("*", Unary("-", a), b)),
        ("--a", Unary("-", Unary("-", a))),
        ("(a + b) * c", binary("*", binary("+", a, b), c)),
        ("a or (b or c)", binary("or", a, binary("or", b, c))),
        ("a not in [1, 2]", binary("not in", a, ListExpr((Literal(1), Literal(2))))),
        ("a  not\n in b", binary("not in", a, b)),
        ("a startswith b", binary("startswith", a, b)),
        ("a endswith b", binary("endswith", a, b)),
        ("a contains b", binary("contains", a, b)),
        ("a in b or c", binary("or", binary("in", a, b), c)),
        ("[]", ListExpr(())),
        ('[a, "x", [1]]', ListExpr((a, Literal("x"), ListExpr((Literal(1),))))),
        ("[a or b]", ListExpr((binary("or", a, b),))),
    ],
)
def test_operators_bind_by_precedence(text: str, expected: Expression) -> None:
    """or < and < not < comparison < additive < multiplicative < unary minus, each grouping to the left."""
    assert_same_tree(parse_expression(text), expected)


def test_nodes_carry_their_source_span() -> None:
    """Each node knows the offsets it was written at; a parent's span takes in parentheses around operands."""
    expr = parse_expression(' (a + 1) * menu.digits == "9"')
    assert isinstance(expr, Binary) and isinstance(expr.left, Binary)
    assert expr.span == (1, 29)
    assert expr.left.span == (1, 22)
    assert expr.left.left.span == (2, 7)
    assert expr.left.right.span == (11, 22)
    assert expr.right.span == (26, 29)


def test_spans_do_not_affect_equality() -> None:
    """The same expression written with different spacing is equal."""
    assert parse_expression("a+1") == parse_expression("  a  +  1 ")


def test_parse_variable_accepts_only_a_dotted_name() -> None:
    """`parse_variable` reads one dotted name, blanks around it allowed, and rejects anything more."""
    assert parse_variable(" menu.digits ") == Variable(("menu", "digits"))
    for text in ("", "a b", "1", "a.", "a + b", '"a"'):
        with pytest.raises(ExpressionError):
            parse_variable(text)


def test_variables_lists_every_name_read() -> None:
    """`variables` finds names in every operand, list item and nested expression."""
    expr = parse_expression('not (a.b == 1 or [c, d.e] contains "x") and -f * a.b > 2')
    assert variables(expr) == {"a.b", "c", "d.e", "f"}
    assert variables(parse_expression('"no" + "vars"')) == frozenset()


def test_walk_visits_parents_before_children() -> None:
    """`walk` yields the root first, then each subtree left to right."""
    expr = parse_expression("a + -b")
    assert list(walk(expr)) == [expr, a, Unary("-", b), b]


# ============================================================================
# Canonical text
# ============================================================================


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("a==1", "a == 1"),
        ("(a)", "a"),
        ("((a + b)) + c", "a + b + c"),
        ("a + (b + c)", "a + (b + c)"),
        ("a * (b + c)", "a * (b + c)"),
        ("(a * b) + c", "a * b + c"),
        ("- (a)", "-a"),
        ("-(a + b)", "-(a + b)"),
        ("- - a", "--a"),
        ("not(a)", "not a"),
        ("not (a and b)", "not (a and b)"),
        ("(not a) == b", "(not a) == b"),
        ("(a == b) == c", "(a == b) == c"),
        ("a == (b == c)", "a == (b == c)"),
        ("(a or b) and c", "(a or b) and c"),
        ("a not  in[1,2]", "a not in [1, 2]"),
        ("1.50", "1.5"),
        ("1.0", "1.0"),
        (r'"\u00e9\"\\\/"', r'"é\"\\/"'),
        (r'"\t"', r'"\t"'),
        ("[ ]", "[]"),
    ],
)
def test_to_text_is_canonical(text: str, canonical: str) -> None:
    """Single spaces around binary operators, only the parentheses needed, JSON-escaped strings."""
    assert to_text(parse_expression(text)) == canonical


@pytest.mark.parametrize(
    ("value", "text"),
    [(1e-05, "0.00001"), (1e15, "1000000000000000.0"), (0.1, "0.1"), (123.456, "123.456")],
)
def test_floats_print_in_positional_notation(value: float, text: str) -> None:
    """Floats never print with an exponent (the grammar has none), and keep a decimal point."""
    assert to_text(Literal(value)) == text
    assert_same_tree(parse_expression(text), Literal(value))


def test_to_text_refuses_numbers_the_language_cannot_write() -> None:
    """Infinity and NaN have no spelling in the language."""
    for value in (math.inf, math.nan):
        with pytest.raises(ValueError):
            to_text(Literal(value))


names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True).filter(lambda name: name not in KEYWORDS)
leaves: st.SearchStrategy[Expression] = st.one_of(
    st.integers(min_value=0, max_value=LIMIT).map(Literal),
    st.floats(min_value=0, max_value=LIMIT, allow_nan=False, allow_infinity=False)
    .filter(lambda x: math.copysign(1, x) > 0)
    .map(Literal),
    st.text().map(Literal),
    st.sampled_from([True, False, None]).map(Literal),
    st.lists(names, min_size=1, max_size=3).map(lambda path: Variable(tuple(path))),
)
expressions: st.SearchStrategy[Expression] = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.builds(Unary, st.sampled_from(["not", "-"]), children),
        st.builds(Binary, st.sampled_from(BINARY_OPERATORS), children, children),
        st.lists(children, max_size=3).map(lambda items: ListExpr(tuple(items))),
    ),
    max_leaves=20,
)


@given(expressions)
def test_to_text_parses_back_to_the_same_tree(expr: Expression) -> None:
    """For any tree (number literals from 0 to the largest a flow holds), its canonical text parses back to it."""
    assert_same_tree(parse_expression(to_text(expr)), expr)


@given(expressions)
def test_canonical_text_is_a_fixed_point(expr: Expression) -> None:
    """Printing a parsed canonical text gives the same text again."""
    text = to_text(expr)
    assert to_text(parse_expression(text)) == text


# ============================================================================
# Syntax errors
# ============================================================================


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("a = 1", "`=` is not a comparison; use `==`", 2),
        ("menu.digits == 1 or x = 2", "`=` is not a comparison; use `==`", 22),
        ("a && b", "`&&` is not an operator; use `and`", 2),
        ("a || b", "`||` is not an operator; use `or`", 2),
        ("!a", "`!` is not an operator; use `not`", 0),
        ("a == 'x'", "strings are written in double quotes", 5),
        ("a @ b", "unexpected character `@`", 2),
        ("a\x00", "unexpected character U+0000", 1),
        ("a and", "expected a value after `and`", 5),
        ("a and )", "expected a value after `and`", 6),
        ("x or (y and a + * b)", "expected a value after `+`", 16),
        ("a not in", "expected a value after `not in`", 8),
        ("not", "expected a value after `not`", 3),
        ("[1,", "expected a value after `,`", 3),
        ("()", "expected a value after `(`", 1),
        ("", "empty expression", 0),
        ("(a + b", "`(` is never closed", 0),
        ("((a) + b", "`(` is never closed", 0),
        ("[1, (2)", "`[` is never closed", 0),
        ("[a or (b", "`(` is never closed", 6),
        ("a)", "unexpected `)`", 1),
        ("(a]", "unexpected `]`", 2),
        ("(a, b)", "unexpected `,`", 2),
        ("in", "unexpected `in`", 0),
        ("a b", "expected an operator before `b`", 2),
        ('x or (1 "s")', 'expected an operator before `"s"`', 8),
        ("[a] (b)", "expected an operator before `(`", 4),
        ("a < b < c", "comparisons cannot be chained; join them with `and`", 6),
        ("(x and a == b in c)", "comparisons cannot be chained; join them with `and`", 14),
        ("a == b not in c", "comparisons cannot be chained; join them with `and`", 7),
        ("a not b", "expected `in` after `not`", 6),
        ('"abc', "unterminated string", 0),
        ('a + "abc\\"', "unterminated string", 4),
        ('"abc\n"', "unterminated string", 0),
        ('x == "a\\qb"', f"`\\q` is not an escape (write a backslash as `\\\\`); a string may hold {ESCAPES}", 7),
        ('x == "a\x01"', "a string cannot hold the control character U+0001; write it as `\\u0001`", 7),
        ('x == "\\udc00"', "`\\udc00` is half of a character (a UTF-16 surrogate); write the character itself", 6),
        (
            "x == " + "9" * 5000,
            f"the number 9999999999…999999 (5000 characters) is too large: numbers in a flow are {RANGE}",
            5,
        ),
        ('"\\u12"', "`\\u` must be followed by four hex digits", 1),
    ],
)
def test_syntax_errors_name_the_mistake_and_where(text: str, message: str, offset: int) -> None:
    """A bad expression raises `ExpressionError` with a friendly message and where it went wrong."""
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert (caught.value.message, caught.value.offset) == (message, offset)
    assert str(caught.value) == message


@pytest.mark.parametrize("op", BINARY_OPERATORS)
def test_a_dangling_operator_expects_a_value_at_any_depth(op: str) -> None:
    """Every binary operator with nothing after it is reported, however deeply it is nested."""
    for text in (f"a {op}", f"x or ([y, (a {op}"):
        with pytest.raises(ExpressionError) as caught:
            parse_expression(text)
        assert (caught.value.message, caught.value.offset) == (f"expected a value after `{op}`", len(text))


@pytest.mark.parametrize("atom", ["a", "1", "2.5", '"s"', "true", "false", "null", "(a)", "[a]", "-a"])
def test_two_values_in_a_row_expect_an_operator_at_any_depth(atom: str) -> None:
    """A value directly after another, of any kind, is reported as a missing operator, however deeply nested."""
    for text in (f"{atom} b", f"x or [y, ({atom} b"):
        with pytest.raises(ExpressionError) as caught:
            parse_expression(text)
        assert (caught.value.message, caught.value.offset) == ("expected an operator before `b`", len(text) - 1)


@pytest.mark.parametrize("first", COMPARISONS)
@pytest.mark.parametrize("second", ["<", "in", "startswith"])
def test_comparisons_do_not_chain(first: str, second: str) -> None:
    """Comparison operators are non-associative: `a < b < c` is an error, `(a < b) < c` is not."""
    with pytest.raises(ExpressionError, match="cannot be chained"):
        parse_expression(f"a {first} b {second} c")
    assert parse_expression(f"(a {first} b) {second} c") == binary(second, binary(first, a, b), c)


def test_nesting_is_limited() -> None:
    """An expression nested deeper than `MAX_DEPTH` is refused, so walking it can never overflow the stack."""
    assert parse_expression("-" * (MAX_DEPTH - 1) + "1") is not None
    with pytest.raises(ExpressionError, match="nested more than"):
        parse_expression("-" * MAX_DEPTH + "1")


def test_expression_errors_are_flow_errors() -> None:
    """`ExpressionError` is caught by handlers of the package's root exception."""
    with pytest.raises(FlowError):
        parse_expression("a ==")


def test_a_keyword_prefix_does_not_split_a_name() -> None:
    """`a index` is two values in a row, not `a in dex`: names are read whole before keywords."""
    with pytest.raises(ExpressionError, match="expected an operator before `index`"):
        parse_expression("a index")
    assert parse_expression("a in index") == binary("in", a, var("index"))
