"""How a value is said in a language through a format (`{balance:currency CNY}`), from CLDR's data (Babel).

The one place where numbers, money, digits, ordinals, dates, times and durations become words: prompts rendered
by the engine (in the simulator and on Asterisk alike) and the checks of `formats.py` both come here. Babel is
imported on first use, so flows without formats never load CLDR data.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

from callflow.flowlang.evaluation import EvaluationError
from callflow.flowlang.formats import Format

if TYPE_CHECKING:
    from babel import Locale

FALLBACK_LANGUAGE = "en"
"""The locale a format falls back on when a call's language has no CLDR data (`check` reports such a flow)."""

GROUP_SEPARATOR = ", "
"""Between the groups of `digits 3 4 4`: a comma, which text-to-speech reads as a short pause."""

_ORDINAL_SUFFIXES = {"one": "st", "two": "nd", "few": "rd", "other": "th"}
"""English ordinals by CLDR's ordinal plural category (CLDR's `digits-ordinal` rule for `en`)."""

_ORDINAL_PATTERNS = {"zh": "第{}", "ja": "第{}", "ko": "{}번째", "de": "{}."}
"""CLDR's `digits-ordinal` rules of the other languages that have ordinals (`formats.ORDINAL_LANGUAGES`)."""

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})
"""CLDR's no-break spaces (`2:30\u202fPM`) as plain ones: the text is for a voice, and for a trace read by people."""
_FRACTION = re.compile(r"\.[0#]*")
_SEPARATORS = re.compile(r"[\s\-]+")
_WEEKDAY = re.compile(r"(?<!E)E{1,3}(?!E)")

WEEKDAY_DATE = "MMMMEEEEd"
"""The CLDR skeleton `date` says by default: weekday, day and month, no year (what a caller needs to hear)."""


class FormatValueError(EvaluationError):
    """A value a format cannot say (a text that is not a number for `currency`, say)."""


@lru_cache(maxsize=64)
def locale_for(language: str) -> Locale | None:
    """The CLDR locale of a flow language (`zh-CN`, `en`), or None when CLDR does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


_SAMPLES: dict[str, object] = {"digits": "1", "date": "2026-01-01", "time": "00:00"}
"""A value of each format's kind (a number for the others), to load what saying it needs."""


def warm_up(format_: Format, language: str) -> None:
    """Load what saying `format_` in `language` needs (Babel's modules, the locale's CLDR data: a quarter of a
    second the first time), so that the first call to say it does not wait on the event loop."""
    format_value(format_, _SAMPLES.get(format_.name, 1), language)


def format_value(format_: Format, value: object, language: str) -> str:
    """`value` said through `format_` in `language`; null says nothing (as in a placeholder without a format)."""
    if value is None:
        return ""
    return _said(format_, value, language).translate(_SPACES)


def _said(format_: Format, value: object, language: str) -> str:
    locale = locale_for(language) or locale_for(FALLBACK_LANGUAGE)
    assert locale is not None
    match format_.name:
        case "number":
            return _number(_amount(value, format_), format_.args, locale)
        case "currency":
            from babel.numbers import format_currency

            return format_currency(_amount(value, format_), format_.args[0], locale=locale, format_type="name")
        case "digits":
            return _digits(value, format_)
        case "ordinal":
            return _ordinal(value, format_, locale)
        case "date":
            return _date(_moment(value, format_), format_.args, locale)
        case "time":
            return _time(_moment(value, format_), format_.args, locale)
        case "duration":
            seconds = _amount(value, format_)
            if seconds < 0:
                raise _refused(value, format_, "a number of seconds, not negative")
            return _duration(seconds, locale)
    raise FormatValueError(f"unknown format `{format_.name}`")


# ============================================================================
# Numbers
# ============================================================================


def _amount(value: object, format_: Format) -> Decimal:
    """A number, or a text that writes one (SQLite and HTTP services often send amounts as text)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _refused(value, format_, "a number")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise _refused(value, format_, "a number") from None
    if not amount.is_finite():
        raise _refused(value, format_, "a number")
    return amount


def _number(amount: Decimal, args: tuple[str, ...], locale: Locale) -> str:
    from babel.numbers import format_decimal

    if not args:
        return format_decimal(amount, locale=locale)
    places = int(args[0])
    pattern = locale.decimal_formats[None].pattern
    pattern = _FRACTION.sub("." + "0" * places if places else "", pattern, count=1)
    return format_decimal(amount, format=pattern, locale=locale, decimal_quantization=True)


def _digits(value: object, format_: Format) -> str:
    """Each character said alone (`12345` → `1 2 3 4 5`), in groups when sizes are given; separators dropped."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _refused(value, format_, "a text or a whole number")
    characters = _SEPARATORS.sub("", str(value))
    groups: list[str] = []
    for size in map(int, format_.args):
        if characters:
            groups.append(characters[:size])
            characters = characters[size:]
    if characters:
        groups.append(characters)
    return GROUP_SEPARATOR.join(" ".join(group) for group in groups)


def _ordinal(value: object, format_: Format, locale: Locale) -> str:
    from babel.numbers import format_decimal

    amount = _amount(value, format_)
    if amount != amount.to_integral_value():
        raise _refused(value, format_, "a whole number")
    number = int(amount)
    if locale.language == "en":
        return f"{number}{_ORDINAL_SUFFIXES[locale.ordinal_form(number)]}"
    pattern = _ORDINAL_PATTERNS.get(locale.language)
    if pattern is None:
        return format_decimal(number, locale=locale)
    return pattern.format(number)


def _duration(seconds: Decimal, locale: Locale) -> str:
    """Whole seconds as days, hours, minutes and seconds, the parts that are not zero joined as CLDR lists units."""
    from babel.lists import format_list
    from babel.units import format_unit

    left = int(seconds.to_integral_value())
    parts: list[str] = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, left = divmod(left, size)
        if count or (unit == "second" and not parts):
            parts.append(format_unit(count, f"duration-{unit}", length="long", locale=locale))
    return format_list(parts, style="unit", locale=locale)


# ============================================================================
# Dates and times
# ============================================================================


def _moment(value: object, format_: Format) -> dt.datetime | dt.date | dt.time:
    """A date, a date and time, or a time of day written in ISO 8601 (`2026-12-06`, `2026-12-06 14:30`, `14:30`),
    said as written: no time zone is changed."""
    if isinstance(value, str):
        text = value.strip()
        for read in (dt.date.fromisoformat, dt.datetime.fromisoformat, dt.time.fromisoformat):
            try:
                return read(text)
            except ValueError:
                continue
    raise _refused(value, format_, "a date or time in ISO 8601 (2026-12-06, 2026-12-06T14:30, 14:30)")


def _date(moment: dt.datetime | dt.date | dt.time, args: tuple[str, ...], locale: Locale) -> str:
    from babel.dates import format_date

    if isinstance(moment, dt.time):
        raise FormatValueError(f"`{moment.isoformat()}` is a time of day, not a date, for `date`")
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    if args:
        return format_date(day, args[0], locale=locale)
    return format_date(day, _weekday_pattern(locale), locale=locale)


@lru_cache(maxsize=64)
def _weekday_pattern(locale: Locale) -> str:
    """The locale's pattern nearest `WEEKDAY_DATE`, its weekday widened to the full name (CLDR's rule of adjusting
    a matched pattern's field widths to the skeleton's; Babel does not adjust them)."""
    from babel.dates import match_skeleton

    skeleton = match_skeleton(WEEKDAY_DATE, locale.datetime_skeletons.keys()) or "yMMMMEEEEd"
    pattern: str = locale.datetime_skeletons[skeleton].pattern
    return _WEEKDAY.sub("EEEE", pattern)


def _time(moment: dt.datetime | dt.date | dt.time, args: tuple[str, ...], locale: Locale) -> str:
    from babel.dates import format_time

    if not isinstance(moment, dt.datetime | dt.time):
        raise FormatValueError(f"`{moment.isoformat()}` is a date without a time of day, for `time`")
    clock = moment.timetz() if isinstance(moment, dt.datetime) else moment
    return format_time(clock, args[0] if args else "short", tzinfo=clock.tzinfo, locale=locale)


def _refused(value: object, format_: Format, wanted: str) -> FormatValueError:
    shown = repr(value) if not isinstance(value, str) else f'"{value}"'
    return FormatValueError(f"{shown} is not {wanted}, for `{format_}`")
