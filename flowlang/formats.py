"""Formats in prompt placeholders (`{balance:currency CNY}`): what each is called, the arguments it takes, and the
checks made when a flow loads. How a value is then said in a language is `formatting.py`'s part.

A placeholder's text after `:` is the format's name and its arguments, separated by spaces.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from callflow.flowlang.errors import FlowError

STYLES = ("full", "long", "medium", "short")
"""The lengths CLDR gives every locale's dates and times."""

MAX_DECIMALS = 6
"""The most decimal places a `number` is said with."""

ORDINAL_LANGUAGES = ("de", "en", "ja", "ko", "zh")
"""Languages whose ordinals are known (CLDR's `digits-ordinal` rules; Babel does not carry them)."""

_WORD = re.compile(r"\S+")
_CALLED = {"RMB": "CNY", "NTD": "TWD", "YEN": "JPY"}
"""Currencies as people call them, for a hint: difflib would offer `RUB` for `RMB`."""


class FormatError(FlowError):
    """A format that cannot be used: unknown, or given a wrong argument; `offset` is where in the placeholder's
    text (after the `:`) the problem starts."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Format:
    """A format named in a placeholder, with its arguments as written."""

    name: str
    args: tuple[str, ...] = ()

    def __str__(self) -> str:
        return " ".join((self.name, *self.args))


Arguments = Callable[[tuple[str, ...]], "str | None"]
"""Checks a format's arguments: None when they are right, else the index of the wrong one and a message
(`"1:message"`; -1 blames the format's name)."""


def _none(args: tuple[str, ...]) -> str | None:
    return None if not args else "0:takes no argument"


def _decimals(args: tuple[str, ...]) -> str | None:
    if not args:
        return None
    if len(args) > 1:
        return "1:takes at most one argument, the number of decimal places"
    if not args[0].isdigit() or int(args[0]) > MAX_DECIMALS:
        return f"0:`{args[0]}` is not a number of decimal places (0 to {MAX_DECIMALS})"
    return None


def _currency(args: tuple[str, ...]) -> str | None:
    if not args:
        return "-1:needs a currency code (ISO 4217), such as `currency CNY`"
    if len(args) > 1:
        return "1:takes one argument, the currency code"
    from babel.numbers import is_currency  # CLDR data is read only for flows that format money

    if not is_currency(args[0]):
        near = [_CALLED[args[0].upper()]] if args[0].upper() in _CALLED else []
        near = near or difflib.get_close_matches(args[0].upper(), _currency_codes(), n=1)
        hint = f"; did you mean `{near[0]}`?" if near else ""
        return f"0:`{args[0]}` is not a currency code CLDR knows (ISO 4217, such as CNY, USD, EUR){hint}"
    return None


def _currency_codes() -> list[str]:
    from babel.core import get_global

    return sorted(get_global("all_currencies"))


def _groups(args: tuple[str, ...]) -> str | None:
    for index, arg in enumerate(args):
        if not arg.isdigit() or int(arg) == 0:
            return f"{index}:`{arg}` is not a group size; write sizes such as `digits 3 4 4` (a phone number)"
    return None


def _style(args: tuple[str, ...]) -> str | None:
    if not args:
        return None
    if len(args) > 1:
        return "1:takes at most one argument, the length: " + ", ".join(STYLES)
    if args[0] not in STYLES:
        return f"0:`{args[0]}` is not a length; write one of " + ", ".join(STYLES)
    return None


KINDS: dict[str, Arguments] = {
    "number": _decimals,  # `number` or `number 2` (decimal places): grouped digits
    "currency": _currency,  # `currency CNY`: an amount of money with the currency's name
    "digits": _groups,  # `digits` or `digits 3 4 4` (group sizes): each digit said one by one
    "ordinal": _none,  # 1st, 2nd; 第1
    "date": _style,  # the weekday, day and month, or `date full|long|medium|short`
    "time": _style,  # hours and minutes, or `time full|long|medium|short`
    "duration": _none,  # seconds said as days, hours, minutes and seconds
}
"""Every format, by name."""


def parse_format(spec: str) -> Format:
    """The format a placeholder names after its `:`, its arguments checked; FormatError at the first fault."""
    words = [(word[0], word.start()) for word in _WORD.finditer(spec)]
    if not words:
        raise FormatError("a format's name is missing after `:`; formats: " + ", ".join(KINDS), 0)
    (name, at), args = words[0], tuple(word for word, _ in words[1:])
    arguments = KINDS.get(name)
    if arguments is None:
        near = difflib.get_close_matches(name, KINDS, n=1)
        hint = f"did you mean `{near[0]}`? " if near else ""
        raise FormatError(f"unknown format `{name}`; {hint}formats: " + ", ".join(KINDS), at)
    problem = arguments(args)
    if problem is not None:
        index, message = problem.split(":", 1)
        where = words[int(index) + 1][1] if int(index) >= 0 and int(index) + 1 < len(words) else at
        raise FormatError(f"`{name}`: {message}", where)
    return Format(name, args)


def language_problem(format_: Format, language: str) -> str | None:
    """Why a format cannot be said in a language (None when it can): CLDR has no data for the language, or the
    format needs data CLDR's part in Babel does not carry (ordinals)."""
    from callflow.flowlang.formatting import locale_for  # loads CLDR data

    if locale_for(language) is None:
        return f"CLDR has no data for the language `{language}`, so `{format_.name}` cannot be said in it"
    if format_.name == "ordinal" and language.split("-")[0] not in ORDINAL_LANGUAGES:
        return f"ordinals are known in {', '.join(ORDINAL_LANGUAGES)} only, not `{language}`"
    return None
