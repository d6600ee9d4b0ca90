"""Strings and numbers in flows: what a string may hold and a number may be, refused where written otherwise, and
the same in `.flow` text, JSON and expressions, so that formatting and converting never change or lose them."""

from __future__ import annotations

import pytest

from callflow.flowlang.expression import ExpressionError, parse_expression
from callflow.flowlang.kinds import format_seconds
from callflow.flowlang.loader import Loaded, dump, load_text
from callflow.flowlang.numbers import LIMIT, RANGE, NumberError, read_number
from callflow.flowlang.strings import ESCAPES, StringError, read_quoted

HUGE = "9" * 5000
HUGE_FLOAT = "1" + "0" * 400 + ".5"


def flow(body: str, header: str = "") -> str:
    """A small flow with these declarations after its header."""
    return f"flow f\n  languages en\n{header}\n{body}\n"


def loaded(text: str, form: str = "dsl") -> Loaded:
    return load_text(text, "f.flow" if form == "dsl" else "f.flow.json", form)


def problems(text: str, form: str = "dsl") -> list[str]:
    """The problems reading the text, rendered; reading must never raise."""
    return [p.render() for p in loaded(text, form).problems]


# ---------------------------------------------------------------- strings (issue 14, item 7)


def test_a_backslash_that_starts_no_escape_is_an_error_at_the_backslash() -> None:
    """`file "C:\\sounds\\x.wav"` is a located error that names the escapes a string may hold, not a traceback."""
    text = flow('prompt beep\n  file "C:\\sounds\\x.wav"\n\ngreet: say beep -> bye\n\nbye: hangup')
    (problem,) = problems(text)
    assert problem == (
        f"f.flow:5:11: error[E103]: `\\s` is not an escape (write a backslash as `\\\\`); a string may hold {ESCAPES}\n"
        '      file "C:\\sounds\\x.wav"\n'
        "              ^"
    )


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ('title "a\\qb"', 11, "`\\q` is not an escape"),
        ('title "\\u12"', 10, "`\\u` must be followed by four hex digits"),
        ('title "a\\ud800"', 11, "`\\ud800` is half of a character (a UTF-16 surrogate)"),
        ('title "\\udc00\\ud800"', 10, "`\\udc00` is half of a character"),
        ('title "a\x01"', 11, "a string cannot hold the control character U+0001; write it as `\\u0001`"),
    ],
)
def test_every_string_mistake_is_located_in_the_string(line: str, column: int, message: str) -> None:
    """A bad escape, half a surrogate pair or a control character is reported at its own column."""
    (problem,) = problems(f"flow f\n  {line}\n\nbye: hangup\n")
    assert problem.startswith(f"f.flow:2:{column}: error[E111]: {message}")


@pytest.mark.parametrize("where", ["title", "var", "prompt", "key", "case"])
def test_strings_are_read_alike_everywhere_in_a_flow(where: str) -> None:
    """The title, a variable, a prompt, a menu key and a case value read a bad escape the same way: an error."""
    texts = {
        "title": 'flow f\n  title "\\q"\n\nbye: hangup\n',
        "var": flow('var x = "\\q"\n\nbye: hangup'),
        "prompt": flow('prompt p\n  en "\\q"\n\nbye: say p -> end\n\nend: hangup'),
        "key": flow('m: menu p\n  key "\\q" -> end\n  failed -> end\n\nend: hangup', 'prompt p\n  en "x"\n'),
        "case": flow('b: branch caller\n  case "\\q" -> end\n  else -> end\n\nend: hangup'),
    }
    found = problems(texts[where])
    assert any("`\\q` is not an escape" in problem for problem in found), found


def test_a_tab_in_a_string_is_kept_and_formatted_as_an_escape() -> None:
    """A string may hold a tab as it is (as in TOML); `fmt` writes it as `\\t`, which reads back the same."""
    result = loaded('flow f\n  title "a\tb"\n\nbye: hangup\n')
    assert result.ok and result.flow is not None and result.flow.title == "a\tb"
    assert '  title "a\\tb"\n' in dump(result.flow, "dsl")


def test_every_escape_reads_as_json_reads_it() -> None:
    """The escapes a string may hold are JSON's, and a surrogate pair is one character."""
    assert read_quoted('"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u4e2d \\ud83d\\ude00"') == '" \\ / \b \f \n \r \t 中 😀'


def test_read_quoted_says_where_in_the_string_it_went_wrong() -> None:
    """`StringError.offset` counts from the opening quote."""
    with pytest.raises(StringError) as caught:
        read_quoted('"abc\\x"')
    assert caught.value.offset == 4


def test_expression_strings_follow_the_same_rules() -> None:
    """A control character in a string of an expression is refused as in any other string."""
    with pytest.raises(ExpressionError, match="control character U\\+0001"):
        parse_expression('caller == "a\x01"')


def test_a_lone_surrogate_anywhere_in_a_flow_is_an_error_not_a_file_that_cannot_be_saved() -> None:
    """Half a character (text from an HTTP request may hold one) is refused where it is, even in a comment."""
    (problem,) = problems("flow f\n# a comment \ud800 here\nbye: hangup\n")
    assert problem.startswith("f.flow:2:13: error[E100]: U+D800 is half of a character")


def test_a_carriage_return_that_ends_no_line_is_an_error() -> None:
    """Lines end with LF or CR LF; a lone CR (old Mac files, or one in a comment) is named, not misread."""
    (problem,) = problems("flow f\n# a\rb\nbye: hangup\n")
    assert problem.startswith("f.flow:2:4: error[E100]: a carriage return (U+000D) that ends no line")
    assert loaded("flow f\r\n# a comment\r\nbye: hangup\r\n").ok


# ---------------------------------------------------------------- numbers (issue 14, items 8 and 10)


@pytest.mark.parametrize(
    "body",
    [
        f"var x = {HUGE}\n\nbye: hangup",
        f"var x = -{HUGE_FLOAT}\n\nbye: hangup",
        f"c: collect p\n  into x\n  max_digits {HUGE}\n  done -> bye\n  failed -> bye\n\nbye: hangup",
        f"m: menu p\n  timeout {HUGE}s\n  failed -> bye\n\nbye: hangup",
        f"m: menu p\n  timeout {HUGE_FLOAT}ms\n  failed -> bye\n\nbye: hangup",
        f"b: branch caller\n  case {HUGE} -> bye\n  else -> bye\n\nbye: hangup",
        f"b: branch\n  when caller == {HUGE} -> bye\n  else -> bye\n\nbye: hangup",
        f"s: set x = {HUGE_FLOAT} -> bye\n\nbye: hangup",
        f"bye: hangup\n\nlayout\n  bye {HUGE}, 0",
        f"bye: hangup\n\nlayout\n  bye 0, {HUGE_FLOAT}",
    ],
    ids=["var", "var-float", "integer", "seconds", "milliseconds", "case", "when", "set", "layout", "layout-float"],
)
def test_a_number_too_large_for_a_flow_is_a_located_error(body: str) -> None:
    """5,000 digits, a 400-digit float or `timeout 999…9s` are refused where written, never a traceback."""
    text = flow(body, 'prompt p\n  en "x"\nvar x = 0\n')
    found = problems(text)
    assert any(f"is too large: numbers in a flow are {RANGE}" in p for p in found), found


def test_no_number_is_formatted_as_inf() -> None:
    """A float too large to be a number of the flow never reaches `fmt`, which once wrote `inf.0`."""
    result = loaded(flow(f"var x = {HUGE_FLOAT}\n\nbye: hangup"))
    assert not result.ok
    assert all("inf" not in p.message for p in result.problems)


def test_the_largest_numbers_a_flow_holds_read_and_format_back() -> None:
    """2^53 - 1 and its negative, and decimals up to it, read, format and read back unchanged."""
    text = flow(f"var a = {LIMIT}\nvar b = -{LIMIT}\nvar c = 12345.678\nvar d = 0.0000001\n\nbye: hangup")
    result = loaded(text)
    assert result.ok and result.flow is not None
    again = loaded(dump(result.flow, "dsl"))
    assert again.flow == result.flow
    assert [v.value for v in result.flow.variables] == [LIMIT, -LIMIT, 12345.678, 1e-07]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("-0", 0),
        ("007", 7),
        ("9007199254740991", LIMIT),
        ("0" * 5000 + "1", 1),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("-2.5E-3", -0.0025),
    ],
)
def test_read_number_reads_decimal_numbers(text: str, value: float) -> None:
    """Whole numbers are ints, others floats; leading zeros are allowed."""
    assert read_number(text) == value
    assert type(read_number(text)) is type(value)


@pytest.mark.parametrize("text", ["9007199254740992", HUGE, "1e400", HUGE_FLOAT, "nan", "inf", "1.", ""])
def test_read_number_refuses_anything_else_with_its_own_error(text: str) -> None:
    """Out of range, not finite, or not a number: a `NumberError`, whatever the length of the text."""
    with pytest.raises(NumberError):
        read_number(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(5, "5s"), (2.5, "2500ms"), (0.0015, "0.0015s"), (1e-05, "0.00001s"), (0.1 + 0.2, "0.30000000000000004s")],
)
def test_a_duration_formats_as_text_that_reads_back_the_same(seconds: float, text: str) -> None:
    """Whole milliseconds are written in ms; any other duration keeps every digit, never JSON's exponent (`1e-05`)."""
    assert format_seconds(seconds) == text
    data = loaded(flow(f"r: record\n  into x\n  min_length {text}\n  done -> bye\n\nbye: hangup", "var x = 0\n"))
    assert data.flow is not None and data.flow.nodes[0].params["min_length_s"] == seconds
