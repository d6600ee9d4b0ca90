"""Formats in prompt placeholders: each said per language from CLDR's data, against golden files; wrong formats and
values refused with a clear message."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callflow.flowlang.evaluation import EvaluationError
from callflow.flowlang.formats import KINDS, Format, FormatError, language_problem, parse_format
from callflow.flowlang.formatting import format_value
from callflow.flowlang.template import TemplateError, parse_template

GOLDEN = Path(__file__).parent / "golden" / "formats"
LANGUAGES = ("zh-CN", "en", "en-GB", "ko")

CASES: list[tuple[str, object]] = [
    ("number", 12580.5),
    ("number", 1234567),
    ("number", "-0.25"),
    ("number 2", 12580.5),
    ("number 0", "12580.5"),
    ("currency CNY", 12580.5),
    ("currency CNY", "12580.5"),
    ("currency CNY", 0),
    ("currency USD", 1),
    ("currency EUR", 2.5),
    ("digits", "12345"),
    ("digits", 4006),
    ("digits", "A2026-1206"),
    ("digits 3 4 4", "13800138000"),
    ("digits 3 4 4", "138-0013-8000"),
    ("digits 4", "123"),
    ("ordinal", 1),
    ("ordinal", 2),
    ("ordinal", 3),
    ("ordinal", 11),
    ("ordinal", 22),
    ("ordinal", "103"),
    ("date", "2026-12-06"),
    ("date", "2026-12-06T14:30:00+08:00"),
    ("date full", "2026-12-06"),
    ("date long", "2026-12-06"),
    ("date medium", "2026-12-06"),
    ("date short", "2026-12-06"),
    ("time", "14:30"),
    ("time", "2026-12-06 09:05:00"),
    ("time medium", "2026-12-06T14:30:15"),
    ("duration", 0),
    ("duration", 45),
    ("duration", 60),
    ("duration", 95),
    ("duration", "3725"),
    ("duration", 90061),
]
"""Every format with the values a flow passes it (numbers, numeric texts from SQLite or HTTP, ISO 8601 texts)."""


def said(language: str) -> str:
    """Every case said in one language, a line each: `{x:FORMAT} VALUE → TEXT`."""
    return "".join(
        f"{{x:{spec}}} {json.dumps(value)} → {format_value(parse_format(spec), value, language)}\n"
        for spec, value in CASES
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_format_says_values_as_the_golden_file_of_the_language(language: str) -> None:
    """Numbers, money, digits, ordinals, dates, times and durations read in each language as its golden file shows
    (CLDR's patterns: `12,580.50人民币`, `Sunday, December 6` in `en` and `Sunday 6 December` in `en-GB`)."""
    assert said(language) == (GOLDEN / f"{language}.txt").read_text(encoding="utf-8")


def test_the_golden_cases_use_every_format() -> None:
    """The golden files cover every format there is."""
    assert {spec.split()[0] for spec, _ in CASES} == set(KINDS)


def test_a_prompt_template_says_its_placeholders_in_the_language_rendered() -> None:
    """A template renders each formatted placeholder in the language asked for, and the others as before."""
    template = parse_template("{name}: {balance:currency CNY}, {day:date}")
    values = {"name": "Ana", "balance": 12580.5, "day": "2026-12-06"}
    assert template.render(values, "zh-CN") == "Ana: 12,580.50人民币, 12月6日星期日"
    assert template.render(values, "en") == "Ana: 12,580.50 Chinese yuan, Sunday, December 6"
    assert template.variables == {"name", "balance", "day"}


def test_null_says_nothing_through_any_format() -> None:
    """null renders empty through a format, as it does without one."""
    assert all(format_value(Format(name, ("CNY",) if name == "currency" else ()), None, "en") == "" for name in KINDS)


@pytest.mark.parametrize(
    ("spec", "value", "message"),
    [
        ("currency CNY", "twelve", '"twelve" is not a number, for `currency CNY`'),
        ("number", True, "True is not a number, for `number`"),
        ("number", [1], "[1] is not a number, for `number`"),
        ("number", "nan", '"nan" is not a number, for `number`'),
        ("ordinal", 2.5, "2.5 is not a whole number, for `ordinal`"),
        ("digits", 1.5, "1.5 is not a text or a whole number, for `digits`"),
        ("date", "6/12/2026", '"6/12/2026" is not a date or time in ISO 8601 (2026-12-06, 2026-12-06T14:30, 14:30), '
         "for `date`"),
        ("date", "14:30", "`14:30:00` is a time of day, not a date, for `date`"),
        ("time", "2026-12-06", "`2026-12-06` is a date without a time of day, for `time`"),
        ("duration", -5, "-5 is not a number of seconds, not negative, for `duration`"),
    ],
)  # fmt: skip
def test_a_value_a_format_cannot_say_is_an_evaluation_error(spec: str, value: object, message: str) -> None:
    """A value of the wrong kind raises EvaluationError naming the value and the format (the node's error exit)."""
    with pytest.raises(EvaluationError) as caught:
        format_value(parse_format(spec), value, "en")
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("spec", "message", "offset"),
    [
        ("", "a format's name is missing after `:`; formats: number, currency, digits, ordinal, date, time, duration",
         0),
        ("numbr", "unknown format `numbr`; did you mean `number`? formats: number, currency, digits, ordinal, date, "
         "time, duration", 0),
        (" money", "unknown format `money`; formats: number, currency, digits, ordinal, date, time, duration", 1),
        ("currency", "`currency`: needs a currency code (ISO 4217), such as `currency CNY`", 0),
        ("currency CNX", "`currency`: `CNX` is not a currency code CLDR knows (ISO 4217, such as CNY, USD, EUR); did "
         "you mean `CNY`?", 9),
        ("currency CNY USD", "`currency`: takes one argument, the currency code", 13),
        ("number two", "`number`: `two` is not a number of decimal places (0 to 6)", 7),
        ("number 7", "`number`: `7` is not a number of decimal places (0 to 6)", 7),
        ("digits 3 x", "`digits`: `x` is not a group size; write sizes such as `digits 3 4 4` (a phone number)", 9),
        ("digits 0", "`digits`: `0` is not a group size; write sizes such as `digits 3 4 4` (a phone number)", 7),
        ("ordinal th", "`ordinal`: takes no argument", 8),
        ("date tiny", "`date`: `tiny` is not a length; write one of full, long, medium, short", 5),
        ("time short long", "`time`: takes at most one argument, the length: full, long, medium, short", 11),
        ("duration s", "`duration`: takes no argument", 9),
    ],
)  # fmt: skip
def test_an_unknown_format_or_a_wrong_argument_is_an_error_at_its_word(spec: str, message: str, offset: int) -> None:
    """`parse_format` names what is wrong and where in the text after `:` (the word at fault)."""
    with pytest.raises(FormatError) as caught:
        parse_format(spec)
    assert (caught.value.message, caught.value.offset) == (message, offset)


def test_a_format_error_in_a_template_is_at_its_offset_in_the_text() -> None:
    """A template with a bad format raises TemplateError at the faulty word's offset in the whole text."""
    with pytest.raises(TemplateError) as caught:
        parse_template("Balance: {balance:currency CNX}")
    assert caught.value.offset == len("Balance: {balance:currency ")


def test_a_missing_variable_before_the_colon_is_an_error() -> None:
    """`{:number}` names no variable."""
    with pytest.raises(TemplateError) as caught:
        parse_template("x {:number}")
    assert (caught.value.message, caught.value.offset) == ("a variable name is missing before `:`", 2)


@pytest.mark.parametrize(
    ("name", "language", "problem"),
    [
        ("number", "zh-CN", None),
        ("ordinal", "en-GB", None),
        ("ordinal", "fr", "ordinals are known in de, en, ja, ko, zh only, not `fr`"),
        ("number", "xx-QQ", "CLDR has no data for the language `xx-QQ`, so `number` cannot be said in it"),
    ],
)
def test_a_format_a_language_cannot_say_is_a_problem(name: str, language: str, problem: str | None) -> None:
    """CLDR's data decides which languages a format can be said in."""
    assert language_problem(Format(name), language) == problem


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_currency_keeps_every_digit_of_an_amount(amount: Decimal) -> None:
    """An amount said as money holds its digits exactly (grouping separators apart), in both languages."""
    for language in ("en", "zh-CN"):
        text = format_value(Format("currency", ("CNY",)), str(amount), language)
        digits = "".join(c for c in text if c.isdigit() or c in ".-")
        assert Decimal(digits) == amount


@given(st.text(alphabet="0123456789", min_size=1, max_size=20), st.lists(st.integers(1, 5), max_size=4))
def test_digits_says_every_digit_once_in_order(number: str, groups: list[int]) -> None:
    """`digits` keeps every digit, in order, one word each, whatever the group sizes."""
    text = format_value(Format("digits", tuple(map(str, groups))), number, "en")
    assert text.replace(",", "").split() == list(number)


def test_the_table_of_formats_in_the_docs_is_what_the_formats_say() -> None:
    """Each example row of docs/language.md's table of formats renders as the table shows, in zh-CN and en."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "language.md").read_text(encoding="utf-8")
    section = docs.split("### Saying numbers, money, dates and times", 1)[1].split("\n### ", 1)[0]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")] for line in section.splitlines() if line.startswith("| `")
    ]
    assert {row[0].strip("`").split()[0] for row in rows} == set(KINDS)
    for spec, _, value, chinese, english in rows:
        format_ = parse_format(spec.strip("`"))
        written = json.loads(value.strip("`"))
        assert (format_value(format_, written, "zh-CN"), format_value(format_, written, "en")) == (chinese, english)
