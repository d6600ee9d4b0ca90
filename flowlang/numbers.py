"""Numbers in flows: the range every JSON reader keeps exactly, the same in `.flow` text, JSON and expressions.

RFC 8259 (section 6) warns that numbers beyond IEEE 754 double precision are not interoperable: a browser reads
`9007199254740993` as `9007199254740992`, and `1e400` as infinity. A flow is edited in a browser (the designer) and
in text, so a number in a flow is finite and no larger than 2^53 - 1 either way; anything else is refused where it
is written, rather than changing meaning (or failing) on its way between the two forms.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from callflow.flowlang.errors import FlowError

LIMIT = 2**53 - 1
"""The largest number (and, negated, the smallest) a flow may hold: JavaScript's largest safe integer."""

RANGE = f"between -{LIMIT} and {LIMIT}"

_DIGITS = len(str(LIMIT))
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


class NumberError(FlowError):
    """A number a flow cannot hold: not finite, or outside the range JSON keeps exactly."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def out_of_range(text: str) -> NumberError:
    """The error for a number written as `text` that is too large for a flow."""
    shown = text if len(text) <= 24 else f"{text[:10]}…{text[-6:]} ({len(text)} characters)"
    return NumberError(f"the number {shown} is too large: numbers in a flow are {RANGE}")


def number_problem(value: object) -> str | None:
    """Why a number (int or float) cannot be in a flow, or None when it can."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a number a flow can hold: numbers in a flow are {RANGE}"
    if abs(value) > LIMIT:
        return out_of_range(str(value)).message
    return None


def read_number(text: str) -> int | float:
    """The number a decimal text writes (`12`, `-3.5`, `1e3`): an int when it has no fraction or exponent.

    Raises `NumberError` when the text is not such a number or the number is outside the range of a flow; no text,
    however long, makes it raise anything else.
    """
    if _NUMBER.fullmatch(text) is None:
        raise NumberError(f"`{text}` is not a number")
    if "." not in text and "e" not in text.lower():
        digits = text.lstrip("-").lstrip("0") or "0"
        if len(digits) > _DIGITS or int(digits) > LIMIT:  # int() of over 4,300 digits would raise ValueError
            raise out_of_range(text)
        return -int(digits) if text.startswith("-") else int(digits)
    value = float(text)  # float() reads any length of digits; a huge one is infinity, refused below
    if not math.isfinite(value) or abs(value) > LIMIT:
        raise out_of_range(text)
    return value


def decimal_text(value: float) -> str:
    """A float written without an exponent and with a decimal point, so that it reads back as the same float."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text if "." in text else text + ".0"
