"""The limits of a call's values: 64-bit whole numbers, finite decimals, texts and lists of bounded size."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from runtime_fuzz import EXPRESSIONS, FUZZ_EXAMPLES, VALUES, assignment_loops_stay_bounded, evaluation_is_bounded

from callflow.flowlang.bounds import MAX_DEPTH, MAX_INTEGER, MAX_SIZE, MIN_INTEGER, OutOfBounds, value_size
from callflow.flowlang.evaluation import EvaluationError, compiled, evaluate
from callflow.flowlang.expression import Expression, parse_expression


def run(text: str, **variables: object) -> object:
    return evaluate(parse_expression(text), variables)


def test_squaring_a_number_in_a_loop_fails_once_it_leaves_64_bits() -> None:
    """`n = n * n` repeated: an error at the step that would pass 2**63 - 1, not a number growing without end."""
    n: object = 3
    squarings = 0
    with pytest.raises(EvaluationError, match=r"the result of `\*` is a whole number outside the 64-bit range"):
        for squarings in range(1, 100):  # noqa: B007 (read after the loop)
            n = run("n * n", n=n)
    assert squarings == 6  # 3**32 fits in 64 bits, 3**64 does not


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        ("n + 1", {"n": MAX_INTEGER}),
        ("n - 1", {"n": MIN_INTEGER}),
        ("-n", {"n": MIN_INTEGER}),
        ("n * 2", {"n": 2**62}),
        ("n - 0", {"n": 2**70}),
    ],
)
def test_whole_numbers_past_64_bits_are_errors(text: str, variables: dict[str, object]) -> None:
    """Every operator that makes a number refuses one outside the 64-bit range."""
    with pytest.raises(EvaluationError, match="outside the 64-bit range"):
        run(text, **variables)


def test_the_64_bit_range_itself_is_allowed() -> None:
    """The largest and smallest 64-bit numbers are values like any other."""
    assert run("n - 1 + 1", n=MAX_INTEGER) == MAX_INTEGER
    assert run("n + 1 - 1", n=MIN_INTEGER) == MIN_INTEGER


@pytest.mark.parametrize("text", ["x * x", "x + x", "x * 10", "x / 1e-300"])
def test_decimals_that_stop_being_finite_are_errors(text: str) -> None:
    """A decimal that overflows to infinity is an error, not `inf` carried on into prompts and traces."""
    with pytest.raises(EvaluationError, match="too large a number"):
        run(text.replace("1e-300", "y"), x=1e308, y=1e-300)


def test_doubling_a_text_fails_once_it_passes_the_limit() -> None:
    """`s = s + s` repeated: an error before a text longer than the limit is made."""
    s: object = "ab"
    lengths = []
    with pytest.raises(EvaluationError, match=f"past the limit of {MAX_SIZE:,}"):
        while True:
            s = run("s + s", s=s)
            lengths.append(len(str(s)))
    assert lengths[-1] == MAX_SIZE


def test_a_number_joined_to_a_text_counts_its_digits() -> None:
    """`+` with a number and a text measures the text the number becomes."""
    with pytest.raises(EvaluationError, match="a text of 65,537 characters"):
        run("s + 7", s="x" * MAX_SIZE)


@pytest.mark.parametrize("text", ["l + l", "[l, l]"])
def test_lists_that_grow_past_the_limit_are_errors(text: str) -> None:
    """Joining lists and writing lists of lists are bounded like texts."""
    items: object = ["abcd"] * 100
    with pytest.raises(EvaluationError, match="is a list past the limit"):
        for _ in range(20):
            items = run(text, l=items)


def test_lists_nested_too_deeply_are_errors() -> None:
    """`l = [l]` in a loop stops at the nesting limit."""
    items: object = []
    with pytest.raises(EvaluationError, match=f"nests lists deeper than {MAX_DEPTH}"):
        for _ in range(MAX_DEPTH + 2):
            items = run("[l]", l=items)


def test_a_list_holding_itself_many_times_is_measured_quickly() -> None:
    """Measuring stops at the limit, however many times a list shares its parts."""
    shared: list[object] = ["x" * 1000]
    for _ in range(60):  # 2**60 strings if walked in full
        shared = [shared, shared]
    with pytest.raises(OutOfBounds):
        value_size(shared[1])


@pytest.mark.parametrize("number", [10**5000, float("inf")], ids=["5000 digits", "inf"])
def test_a_number_past_the_limits_is_not_written_into_a_text(number: object) -> None:
    """Joining a number no variable could hold to a text is an EvaluationError, not a Python conversion error."""
    with pytest.raises(EvaluationError, match="cannot write a number that is"):
        run('"n" + n', n=number)


def test_a_numeric_string_with_too_many_digits_is_just_a_string() -> None:
    """Comparing a 5,000-digit string with a number is false, not a Python conversion error."""
    assert run("s == 1", s="1" * 5000) is False


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(EXPRESSIONS, VALUES)
def test_any_expression_gives_a_bounded_value_or_an_evaluation_error(expr: Expression, x: object) -> None:
    """Over numbers, texts and lists of every size, an expression's value is within the limits (or, for a bare
    variable or constant, what it was), or an EvaluationError; `evaluate` and the compiled form agree."""
    evaluation_is_bounded(expr, x)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(EXPRESSIONS, VALUES)
def test_an_assignment_repeated_in_a_loop_never_grows_without_end(expr: Expression, x: object) -> None:
    """`x = EXPR` run again and again, as a loop in a flow runs it, stays within the limits or fails."""
    assignment_loops_stay_bounded(expr, x)


def test_compiled_expressions_fail_like_evaluated_ones() -> None:
    """The compiled form of an expression refuses what `evaluate` refuses, with the same message."""
    with pytest.raises(EvaluationError, match="outside the 64-bit range"):
        compiled("n * n")({"n": 2**40}.__getitem__)
