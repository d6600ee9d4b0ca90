"""Reading a flow-test file (`NAME.test.yaml`) that anyone may have written: YAML that cannot blow up, checked
against `schemas/flowtest.schema.json`, with errors that say `file:line:col`.

`yaml.safe_load` refuses unsafe tags, but it expands aliases (600 bytes of "billion laughs" under `switches:` grew
past 1.9 GB), follows recursive ones into a value that contains itself, recurses once per level of nesting, and
raises `ValueError` on a number of more than 4,300 digits. Here the text is read in three steps: its events (no
recursion) to refuse deep nesting, its node graph to count what the aliases expand to (refused beyond
`MAX_VALUES`), and only then the values, which the schema checks before any of them is used.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from jsonschema.exceptions import ValidationError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from callflow.flowlang.errors import FlowError, Location, render_error
from callflow.flowlang.numbers import LIMIT
from callflow.flowlang.validation import validator_for

MAX_DEPTH = 32
"""How deeply mappings and lists may nest in a test file."""

MAX_VALUES = 100_000
"""How many values a test file may hold once its aliases are expanded (a test file of 200 cases holds ~5,000)."""


class FlowTestError(FlowError):
    """A test file that cannot be read or does not say what it must."""


class _Loader(yaml.SafeLoader):
    """YAML as `yaml.safe_load` reads it, except that dates stay text (`at:` is read where it is used), and numbers
    are ones a test can use."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


Constructor = Callable[["_Loader", ScalarNode], Any]


def _guarded(construct: Constructor) -> Constructor:
    """A constructor whose failures on a bad value (`!!int x`, `!!bool x`, `!!timestamp x` raise ValueError,
    KeyError or AttributeError in PyYAML) are YAML errors at the value."""

    def guarded(loader: _Loader, node: ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, KeyError, AttributeError, TypeError):
            raise ConstructorError(
                None, None, f"`{node.value}` is not a {node.tag.rsplit(':', 1)[-1]}", node.start_mark
            ) from None

    return guarded


def _int(loader: _Loader, node: ScalarNode) -> int:
    digits = str(node.value).replace("_", "").lstrip("+-0")
    if len(digits) > 20:  # int() of over 4,300 digits raises ValueError; no test needs more than 20
        raise ConstructorError(None, None, "this number is too large", node.start_mark)
    value = int(SafeConstructor.construct_yaml_int(loader, node))
    if abs(value) > LIMIT:
        raise ConstructorError(None, None, "this number is too large", node.start_mark)
    return value


def _float(loader: _Loader, node: ScalarNode) -> float:
    value = float(SafeConstructor.construct_yaml_float(loader, node))
    if not math.isfinite(value):
        raise ConstructorError(None, None, f"{node.value} is not a number a test can use", node.start_mark)
    return value


_Loader.add_constructor("tag:yaml.org,2002:int", _guarded(_int))
_Loader.add_constructor("tag:yaml.org,2002:float", _guarded(_float))
_Loader.add_constructor("tag:yaml.org,2002:bool", _guarded(SafeConstructor.construct_yaml_bool))
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _guarded(SafeConstructor.construct_yaml_timestamp))
_Loader.add_constructor("tag:yaml.org,2002:binary", _guarded(SafeConstructor.construct_yaml_binary))


@cache
def _validator() -> Any:
    schema = json.loads(resources.files("callflow.schemas").joinpath("flowtest.schema.json").read_text())
    return validator_for(schema)


@dataclass(frozen=True)
class YamlDocument:
    """A test file's values, and where in its text each one is written."""

    data: Any
    file: str
    root: Node
    lines: list[str]

    def error(self, path: tuple[str | int, ...], message: str) -> FlowTestError:
        """An error about the value at a path of keys and indexes, quoting its line with a caret."""
        line, column = _position(self.root, list(path))
        return _located(message, self.file, self.lines, line, column)


def read_yaml(text: str, file: str) -> YamlDocument:
    """The values of a test file's YAML, checked against the flow-test schema; `FlowTestError` with where if not."""
    lines = text.split("\n")
    try:
        _check_events(text, file, lines)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise FlowTestError(f"{file}: a test file has `cases:`, a list of cases")
            _check_graph(node, file, lines)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"not valid YAML: {error.problem or error.context}"
        line, column = (mark.line, mark.column) if mark is not None else (0, 0)
        raise _located(message, file, lines, line, column) from None
    except yaml.YAMLError as error:
        raise FlowTestError(f"{file}: not valid YAML: {error}") from None
    errors = sorted(_validator().iter_errors(data), key=lambda e: _position(node, list(e.absolute_path)))
    if errors:
        line, column = _position(node, list(errors[0].absolute_path))
        raise _located(_describe(errors[0]), file, lines, line, column)
    return YamlDocument(data, file, node, lines)


def _located(message: str, file: str, lines: list[str], line: int, column: int) -> FlowTestError:
    """An error at a 0-based line and column, quoting the line with a caret."""
    source = lines[line] if 0 <= line < len(lines) else None
    return FlowTestError(render_error(message, Location(file, line + 1, column + 1), source, label=""))


def _check_events(text: str, file: str, lines: list[str]) -> None:
    """Refuse nesting deeper than `MAX_DEPTH`, reading the YAML event by event (building values would recurse)."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line, column = (event.start_mark.line, event.start_mark.column) if event.start_mark else (0, 0)
                raise _located(f"nested more than {MAX_DEPTH} deep", file, lines, line, column)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_graph(root: Node, file: str, lines: list[str]) -> None:
    """Refuse aliases that make a value contain itself, or expand the file beyond `MAX_VALUES` values."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[id(node)] > MAX_VALUES:
                mark = node.start_mark
                message = f"the aliases in this file expand it to more than {MAX_VALUES:,} values; write them out"
                raise _located(message, file, lines, mark.line, mark.column)
            continue
        if id(node) in open_nodes:
            mark = node.start_mark
            raise _located("an alias here makes a value contain itself", file, lines, mark.line, mark.column)
        open_nodes.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                mark = child.start_mark
                raise _located("an alias makes a value contain itself", file, lines, mark.line, mark.column)
            stack.append((child, False))


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _position(root: Node, path: list[Any]) -> tuple[int, int]:
    """The 0-based line and column of the value at a path of keys and indexes (of the innermost value found)."""
    node = root
    for part in path:
        child = next(_child(node, part), None)
        if child is None:
            break
        node = child
    return node.start_mark.line, node.start_mark.column


def _child(node: Node, part: Any) -> Iterator[Node]:
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        yield node.value[part]
    elif isinstance(node, MappingNode):
        yield from (value for key, value in node.value if isinstance(key, ScalarNode) and key.value == str(part))


_TYPE_WORDS = {
    "string": "a text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "nothing",
}


def _kind(value: object) -> str:
    for word, kinds in (("true or false", bool), ("a whole number", int), ("a number", float), ("a text", str)):
        if isinstance(value, kinds):
            return word
    return {dict: "a mapping", list: "a list", type(None): "nothing"}.get(type(value), f"a {type(value).__name__}")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:45]}…{text[-10:]}"


def _describe(error: ValidationError) -> str:
    """A schema violation in words a person editing a test file understands."""
    expected, instance = error.validator_value, error.instance
    description = error.schema.get("description", "")
    if error.validator == "type":
        words = " or ".join(_TYPE_WORDS[t] for t in (expected if isinstance(expected, list) else [expected]))
        return f"expected {words}, found {_kind(instance)}"
    if error.validator == "required":
        return "missing key " + ", ".join(f"`{key}`" for key in expected if key not in instance)
    if error.validator == "additionalProperties":
        known = ", ".join(f"`{key}`" for key in error.schema.get("properties", {}))
        unknown = ", ".join(f"`{key}`" for key in instance if key not in error.schema.get("properties", {}))
        return f"unknown key {unknown}; the keys here are {known}"
    if error.validator in ("pattern", "minLength", "oneOf", "enum") and description:
        return f"expected {description[:1].lower()}{description[1:]}, found {_shown(instance)}"
    if error.validator in ("minimum", "maximum", "exclusiveMinimum"):
        word = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than"}[str(error.validator)]
        return f"expected a number {word} {expected}, found {_shown(instance)}"
    return str(error.message)
