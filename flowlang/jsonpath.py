"""JSON paths in flows: where a lookup's `fields` find a value in a JSON answer, written in JMESPath.

JMESPath (https://jmespath.org, the `jmespath` package: maintained, specified, with a compliance suite, and the
query language of the AWS CLI) reads `holder.name`, `accounts[0].balance`, `accounts[-1]`, `"x-request-id"`, and
more (`accounts[*].id` is a list). A path that finds nothing gives null, which a lookup reports as a missing
field. Paths are compiled when the flow is checked, so a broken one is an error at its line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from callflow.flowlang.kinds import VARIABLE_PATTERN, DecodeError, Kind, quote, read_string, split_commas
from callflow.flowlang.model import JSON
from callflow.flowlang.syntax import Args

EXAMPLES = "such as `holder.name` or `accounts[0].balance`"


class JsonPathError(ValueError):
    """A JSON path that is not JMESPath: why, and at which character of the path (0-based)."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@lru_cache(maxsize=1024)
def compiled(path: str) -> Any:
    """The compiled JMESPath of `path` (made once per path); JsonPathError when it is not one."""
    import jmespath  # loaded when a flow has JSON paths, not by every command
    from jmespath import exceptions

    try:
        return jmespath.compile(path)
    except exceptions.IncompleteExpressionError:
        raise JsonPathError(f"`{path}` ends too soon for a JSON path {EXAMPLES}", len(path)) from None
    except exceptions.LexerError as error:
        offset = int(error.lexer_position or 0)
        raise JsonPathError(f"`{path}` is not a JSON path {EXAMPLES}: cannot read `{path[offset:]}`", offset) from None
    except exceptions.ParseError as error:
        offset = int(error.lex_position or 0)
        token = error.token_value
        found = "it ends too soon" if token is None or token == "" else f"unexpected `{token}`"
        raise JsonPathError(f"`{path}` is not a JSON path {EXAMPLES}: {found}", offset) from None


def search(path: str, document: Any) -> Any:
    """The value `path` finds in a JSON document (None when it finds nothing)."""
    return compiled(path).search(document)


def path_problem(path: str) -> str | None:
    """Why `path` is not a JSON path, or None."""
    try:
        compiled(path)
    except JsonPathError as error:
        return error.message
    return None


@dataclass(frozen=True)
class FieldPaths(Kind):
    """`variable = "json.path"` pairs separated by commas: where in a JSON answer each variable's value is."""

    refers_to: str | None = None

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "propertyNames": {"pattern": VARIABLE_PATTERN},
            "additionalProperties": {"type": "string", "minLength": 1},
            "minProperties": 1,
        }

    def decode(self, args: Args) -> JSON:
        pairs: dict[str, str] = {}
        for group in split_commas(args.tokens):
            if len(group) != 3 or group[0].type != "NAME" or group[1].text != "=" or group[2].type != "STRING":
                raise DecodeError('expected `variable = "json.path"`', group[0] if group else None)
            name, path = group[0].text, read_string(group[2])
            if name in pairs:
                raise DecodeError(f"`{name}` is given a path twice", group[0])
            try:
                compiled(path)
            except JsonPathError as error:
                raise DecodeError(error.message, group[2], error.offset + 1) from None
            pairs[name] = path
        return pairs

    def encode(self, value: JSON) -> str:
        return ", ".join(f"{name} = {quote(path)}" for name, path in value.items())

    def validate(self, value: JSON) -> str | None:
        problems = (path_problem(path) for path in value.values() if isinstance(path, str))
        return next((p for p in problems if p), None)
