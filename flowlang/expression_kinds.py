"""Kinds of parameter values written in the expression language: conditions, assignments, and constants."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from callflow.flowlang.expression import ExpressionError, parse_expression
from callflow.flowlang.kinds import (
    NAME_PATTERN,
    VARIABLE_PATTERN,
    DecodeError,
    Kind,
    number_of,
    read_string,
    single_token,
    split_commas,
)
from callflow.flowlang.model import JSON
from callflow.flowlang.numbers import NumberError, number_problem, read_number
from callflow.flowlang.syntax import Args


@dataclass(frozen=True)
class Expression(Kind):
    """A condition or value in the expression language, kept as written."""

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}

    def decode(self, args: Args) -> JSON:
        if not args.tokens:
            raise DecodeError("expected an expression")
        problem = self.validate(args.text)
        if problem is not None:
            raise DecodeError(problem, args.tokens[0], _error_offset(args.text))
        return args.text

    def encode(self, value: JSON) -> str:
        return str(value)

    def validate(self, value: JSON) -> str | None:
        if not isinstance(value, str) or value != value.strip() or "\n" in value or "\r" in value:
            return "an expression is written on one line, with no spaces around it"
        try:
            parse_expression(value)
        except ExpressionError as error:
            return error.message
        return None


def _error_offset(text: str) -> int:
    try:
        parse_expression(text)
    except ExpressionError as error:
        return error.offset
    return 0


@dataclass(frozen=True)
class Assignments(Kind):
    """`name = expression` pairs separated by commas, kept in order.

    With `targets` set (to "variable"), the names are variables of the flow that receive the values.
    """

    targets: str | None = None

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "propertyNames": {"pattern": VARIABLE_PATTERN if self.targets == "variable" else NAME_PATTERN},
            "additionalProperties": {"type": "string", "minLength": 1},
            "minProperties": 1,
        }

    def decode(self, args: Args) -> JSON:
        pairs: dict[str, str] = {}
        for group in split_commas(args.tokens):
            if len(group) < 3 or group[0].type != "NAME" or group[1].text != "=":
                raise DecodeError("expected `name = expression`", group[0] if group else None)
            if group[0].text in pairs:
                raise DecodeError(f"`{group[0].text}` is assigned twice", group[0])
            pairs[group[0].text] = Expression().decode(args.sub(group[2:]))
        return pairs

    def encode(self, value: JSON) -> str:
        return ", ".join(f"{name} = {expr}" for name, expr in value.items())

    def validate(self, value: JSON) -> str | None:
        problems = (Expression().validate(expr) for expr in value.values())
        return next((p for p in problems if p), None)


@dataclass(frozen=True)
class Literal(Kind):
    """A string or number constant, as in a `case` of a switch."""

    def schema(self) -> dict[str, Any]:
        return {"type": ["string", "integer"]}

    def decode(self, args: Args) -> JSON:
        tokens = args.tokens
        negative = len(tokens) == 2 and tokens[0].text == "-"
        token = tokens[1] if negative else single_token(args, "a quoted text or a whole number")
        if token.type == "STRING" and not negative:
            return read_string(token)
        if token.type == "NUMBER" and token.text.isdigit():
            return number_of(token, "-" + token.text if negative else token.text)
        raise DecodeError(f"expected a quoted text or a whole number, found `{token.text}`", token)

    def encode(self, value: JSON) -> str:
        return json.dumps(value, ensure_ascii=False)

    def validate(self, value: JSON) -> str | None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            return "must be a quoted text or a whole number"
        return number_problem(value)

    def label_text(self, value: JSON) -> str:
        return self.encode(value)

    def from_label(self, text: str) -> JSON:
        try:
            return json.loads(text, parse_int=read_number, parse_float=read_number, parse_constant=read_number)
        except (json.JSONDecodeError, NumberError, RecursionError):
            raise ValueError(f"`{text}` is not a quoted text or a whole number") from None
