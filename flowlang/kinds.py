"""Kinds of parameter values: how each is written in the DSL, stored in JSON and described by JSON Schema.

A node type's parameters are built from these, so a new node type gets parsing, printing, JSON Schema and
designer forms for free.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from callflow.flowlang.errors import FlowError
from callflow.flowlang.model import JSON
from callflow.flowlang.numbers import NumberError, decimal_text, number_problem, read_number
from callflow.flowlang.strings import StringError, read_quoted
from callflow.flowlang.syntax import Args, Token

NAME_PATTERN = r"^[A-Za-z_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?$"
RESERVED_WORDS = ("flow", "prompt", "var", "layout")
"""Words that start a declaration, so no node can be called by them."""
NODE_ID_PATTERN = r"^(?!(?:flow|prompt|var|layout)$)[A-Za-z_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?$"
EXPRESSION_WORDS = ("and", "or", "not", "in", "startswith", "endswith", "contains", "true", "false", "null")
_EXPRESSION_WORD = "(?:and|or|not|in|startswith|endswith|contains|true|false|null)"
VARIABLE_PATTERN = rf"^(?!{_EXPRESSION_WORD}$)[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$"
"""Variables are read by expressions, so their names are expression names: no `-`, no expression keywords."""
KEY_PATTERN = r"^[0-9*#]+$"
_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m)")
_NUMBER_AND_WORD = re.compile(r"([0-9]+(?:\.[0-9]+)?)([A-Za-z]+)")
_UNIT_WORDS = {
    **dict.fromkeys(("ms", "msec", "millisecond", "milliseconds"), ("ms", 1)),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), ("s", 1)),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), ("m", 1)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), ("m", 60)),
}
"""Units as people write them, and how a duration writes them (an hour in minutes)."""


def _duration_meant(number: str, unit: str) -> str | None:
    """The duration `5 minutes` or `2h` meant (`5m`, `120m`), or None when `unit` is no unit of time."""
    known = _UNIT_WORDS.get(unit.lower())
    if known is None or not re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", number):
        return None
    suffix, times = known
    amount = float(number) * times
    return f"{int(amount) if amount.is_integer() else amount}{suffix}"


class DecodeError(FlowError):
    """A parameter written in a way its kind does not accept."""

    def __init__(self, message: str, token: Token | None = None, column_offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.token = token
        self.column_offset = column_offset


def number_of(token: Token, text: str | None = None) -> int | float:
    """The number a token writes (or `text`, the number part of it), refused when a flow cannot hold it."""
    try:
        return read_number(token.text if text is None else text)
    except NumberError as error:
        raise DecodeError(error.message, token) from None


def split_commas(tokens: Sequence[Token]) -> list[list[Token]]:
    """Split tokens at the commas that are not inside brackets."""
    groups: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.type == "OP" and token.text in "([":
            depth += 1
        elif token.type == "OP" and token.text in ")]":
            depth -= 1
        if depth == 0 and token.type == "OP" and token.text == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    return groups


def source_text(tokens: Sequence[Token], line_text: str) -> str:
    """The text a run of tokens covers on its line."""
    start = (tokens[0].location.column or 1) - 1
    return line_text[start : tokens[-1].end_column - 1]


def quote(text: str) -> str:
    """A DSL string literal (the same escapes as JSON)."""
    return json.dumps(text, ensure_ascii=False)


def read_string(token: Token) -> str:
    """The text a quoted string token writes, or a `DecodeError` at the character that is wrong in it."""
    try:
        return read_quoted(token.text)
    except StringError as error:
        raise DecodeError(error.message, token, error.offset) from None


class Kind:
    """How one kind of value is written in the DSL and in JSON."""

    refers_to: str | None = None
    """The kind of name this value refers to (prompt, queue, variable, ...), if it is a name."""

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of the value."""
        raise NotImplementedError

    def decode(self, args: Args) -> JSON:
        """The JSON value of DSL arguments."""
        raise NotImplementedError

    def encode(self, value: JSON) -> str:
        """The DSL text of a JSON value."""
        raise NotImplementedError

    def validate(self, value: JSON) -> str | None:
        """A problem JSON Schema cannot see, such as an expression that does not parse."""
        return None

    def canonical(self, value: JSON) -> JSON:
        """A valid JSON value as the DSL reads it back (JSON's `3.0` is the whole number 3)."""
        return value

    def label_text(self, value: JSON) -> str:
        """The value as it appears in an exit name (`key 1`, `when x > 1`)."""
        return str(value)

    def from_label(self, text: str) -> JSON:
        """The value in an exit name."""
        return text

    def names(self, value: JSON) -> Iterator[str]:
        """The names this value refers to (when `refers_to` is set)."""
        if self.refers_to is None or value is None:
            return
        yield from ([value] if isinstance(value, str) else value)


def single_token(args: Args, what: str) -> Token:
    """The one token of an argument list that must hold exactly one, with a hint when there are more."""
    if not args.tokens:
        raise DecodeError(f"expected {what}")
    if len(args.tokens) > 1:
        extra = args.tokens[1]
        hint = f"; did you mean `-> {extra.text}`?" if extra.type == "NAME" else ""
        raise DecodeError(f"expected only {what}, found `{extra.text}`{hint}", extra)
    return args.tokens[0]


@dataclass(frozen=True)
class Text(Kind):
    """A quoted string."""

    def schema(self) -> dict[str, Any]:
        return {"type": "string"}

    def decode(self, args: Args) -> JSON:
        token = single_token(args, "a quoted text")
        if token.type != "STRING":
            raise DecodeError(f'expected a quoted text, found `{token.text}`; write "{token.text}"', token)
        return read_string(token)

    def encode(self, value: JSON) -> str:
        return quote(value)


@dataclass(frozen=True)
class TextList(Kind):
    """Quoted strings separated by commas."""

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "string"}, "minItems": 1}

    def decode(self, args: Args) -> JSON:
        return [Text().decode(args.sub(group)) for group in split_commas(args.tokens)]

    def encode(self, value: JSON) -> str:
        return ", ".join(quote(v) for v in value)


@dataclass(frozen=True)
class Integer(Kind):
    """A whole number, within bounds."""

    minimum: int = 0
    maximum: int = 1_000_000

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}

    def decode(self, args: Args) -> JSON:
        token = single_token(args, "a whole number")
        if token.type != "NUMBER" or not token.text.isdigit():
            raise DecodeError(f"expected a whole number, found `{token.text}`", token)
        return number_of(token)

    def encode(self, value: JSON) -> str:
        return str(value)

    def canonical(self, value: JSON) -> JSON:
        return int(value) if isinstance(value, float) and value.is_integer() else value

    def validate(self, value: JSON) -> str | None:
        if isinstance(value, int) and not self.minimum <= value <= self.maximum:
            return f"must be between {self.minimum} and {self.maximum}, not {value}"
        return None


def format_seconds(seconds: float) -> str:
    """A duration as the DSL writes it: whole seconds (`5s`, `180s`), else milliseconds (`500ms`, `2500ms`).

    Minutes (`3m`) are read but written as seconds, the unit call-centre specifications use. A duration that is no
    whole number of milliseconds is written in seconds with every digit it has, so that it reads back the same.
    """
    if float(seconds).is_integer():
        return f"{int(seconds)}s"
    millis = round(seconds * 1000)
    if millis / 1000 == seconds:
        return f"{millis}ms"
    return f"{decimal_text(seconds)}s"


@dataclass(frozen=True)
class Seconds(Kind):
    """A duration such as `5s`, `500ms` or `2m`, stored in JSON as seconds."""

    minimum: float = 0.0
    maximum: float = 86_400.0

    def schema(self) -> dict[str, Any]:
        return {"type": "number", "minimum": self.minimum, "maximum": self.maximum}

    def decode(self, args: Args) -> JSON:
        tokens = args.tokens
        if len(tokens) == 2 and (meant := _duration_meant(tokens[0].text, tokens[1].text)) is not None:
            message = f"a duration is written with its unit right after the number: `{meant}` (units: ms, s, m)"
            raise DecodeError(message, tokens[0])
        token = single_token(args, "a duration such as `5s`")
        match = _DURATION.match(token.text) if token.type == "NUMBER" else None
        if match is None:
            split = _NUMBER_AND_WORD.fullmatch(token.text)
            meant = _duration_meant(split[1], split[2]) if split else None
            hint = f"; write `{token.text}s` for seconds" if token.text.isdigit() else ""
            hint = f"; did you mean `{meant}`? (units: ms, s, m)" if meant else hint
            raise DecodeError(f"expected a duration such as `5s` or `500ms`, found `{token.text}`{hint}", token)
        number, unit = float(number_of(token, match[1])), match[2]
        seconds = {"ms": number / 1000, "s": number, "m": number * 60}[unit]
        problem = number_problem(seconds)
        if problem is not None:
            raise DecodeError(problem, token)
        return int(seconds) if seconds.is_integer() else seconds

    def encode(self, value: JSON) -> str:
        return format_seconds(value)

    def canonical(self, value: JSON) -> JSON:
        return int(value) if isinstance(value, float) and value.is_integer() else value

    def validate(self, value: JSON) -> str | None:
        if isinstance(value, int | float) and not self.minimum <= value <= self.maximum:
            low, high = format_seconds(self.minimum), format_seconds(self.maximum)
            return f"must be between {low} and {high}, not {format_seconds(value)}"
        return None


_FLAGS = {"yes": True, "no": False, "on": True, "off": False, "true": True, "false": False}


@dataclass(frozen=True)
class Flag(Kind):
    """yes or no."""

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}

    def decode(self, args: Args) -> JSON:
        token = single_token(args, "`yes` or `no`")
        if token.text not in _FLAGS:
            raise DecodeError(f"expected `yes` or `no`, found `{token.text}`", token)
        return _FLAGS[token.text]

    def encode(self, value: JSON) -> str:
        return "yes" if value else "no"


@dataclass(frozen=True)
class Ref(Kind):
    """The name of something: a prompt, a variable, a queue, a flow..."""

    refers_to: str | None = None

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        schema["pattern"] = VARIABLE_PATTERN if self.refers_to == "variable" else NAME_PATTERN
        if self.refers_to:  # the designer offers the flow's prompts or the environment's names
            schema["x-callflow-ref"] = self.refers_to
        return schema

    def decode(self, args: Args) -> JSON:
        token = single_token(args, f"a {self.refers_to or 'plain'} name")
        if token.type != "NAME":
            raise DecodeError(f"expected a {self.refers_to or 'plain'} name, found `{token.text}`", token)
        if self.refers_to == "variable" and not re.fullmatch(VARIABLE_PATTERN, token.text):
            raise DecodeError(f"`{token.text}` cannot be a variable name: use letters, digits and _", token)
        return token.text

    def encode(self, value: JSON) -> str:
        return str(value)


@dataclass(frozen=True)
class RefList(Kind):
    """Names separated by commas."""

    refers_to: str | None = None

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": Ref(self.refers_to).schema(), "minItems": 1}

    def decode(self, args: Args) -> JSON:
        return [Ref(self.refers_to).decode(args.sub(group)) for group in split_commas(args.tokens)]

    def encode(self, value: JSON) -> str:
        return ", ".join(value)


@dataclass(frozen=True)
class Choice(Kind):
    """One word out of a fixed set."""

    values: tuple[str, ...] = ()

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}

    def decode(self, args: Args) -> JSON:
        token = single_token(args, "one of " + ", ".join(self.values))
        if token.text not in self.values:
            raise DecodeError(f"expected one of {', '.join(self.values)}; found `{token.text}`", token)
        return token.text

    def encode(self, value: JSON) -> str:
        return str(value)


def _key(tokens: Sequence[Token]) -> str:
    if len(tokens) != 1:
        raise DecodeError('expected a key such as 1, * or "#"', tokens[0] if tokens else None)
    token = tokens[0]
    text = read_string(token) if token.type == "STRING" else token.text
    if not re.fullmatch(KEY_PATTERN, text) or token.type == "NAME":
        hint = ' (write the hash key as "#")' if token.type == "NAME" else ""
        raise DecodeError(f"expected keys 0-9, * or #, found `{token.text}`{hint}", token)
    return str(text)


def encode_key(key: str) -> str:
    """A key as the DSL writes it: bare digits or a lone `*`, otherwise quoted (`"#"`, `"*0"`)."""
    return key if key.isdigit() or key == "*" else quote(key)


@dataclass(frozen=True)
class Key(Kind):
    """A telephone key sequence: `1`, `*`, `"#"`, `12`."""

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": KEY_PATTERN}

    def decode(self, args: Args) -> JSON:
        return _key(args.tokens)

    def validate(self, value: JSON) -> str | None:
        if not isinstance(value, str) or not re.fullmatch(KEY_PATTERN, value):
            return "keys are 0-9, * and #"
        return None

    def encode(self, value: JSON) -> str:
        return encode_key(value)


def to_plain(value: JSON) -> Any:
    """A JSON value with lists turned into tuples, for frozen parameter dataclasses."""
    if isinstance(value, list):
        return tuple(to_plain(v) for v in value)
    if isinstance(value, Mapping):
        return {k: to_plain(v) for k, v in value.items()}
    return value
