"""Hostile variants of good files, for the fuzz tests: a good flow, environment, test file or trace with one to
three things changed to values that broke Callflow before (huge numbers, bad escapes, control characters, deep
nesting, duplicate names, injected lines, aliases that expand...).

The number of examples comes from `CALLFLOW_FUZZ_EXAMPLES` (small by default, so that the suite stays short;
`make fuzz` runs thousands).
"""

from __future__ import annotations

import copy
import json
import os
import re
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("CALLFLOW_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 100,  # the suite's short run is the same on every machine; `make fuzz` explores
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

HUGE_DIGITS = "9" * 5000
HUGE_FLOAT = "1" + "0" * 400 + ".5"

# Texts that broke something once, or nearly: written into the middle of files as they are.
ODD_TEXTS = [
    '"C:\\sounds\\x.wav"',
    '"a\tb"',
    '"\\q"',
    '"\\ud800"',
    '"\\udc00x"',
    '"\\ud83d\\ude00"',
    '"\x01"',
    '"\\u0000"',
    '""',
    '"{x}"',
    '"{"',
    '"#"',
    '"->"',
    '"\\"',
    HUGE_DIGITS,
    HUGE_DIGITS + "s",
    HUGE_DIGITS + "ms",
    HUGE_FLOAT,
    HUGE_FLOAT + "s",
    "9007199254740993",
    "3.0",
    "1e30",
    "1e-05",
    "-0",
    "007",
    "0.0001s",
    "99999999999999999999s",
    "5m",
    "2500ms",
    "en, en",
    "x" * 300,
    "a.b-c",
    "flow",
    "layout",
    "var",
    "prompt",
    "file",
    "secret",
    "true",
    "null",
    "inf",
    "nan",
    "-",
    "->",
    "-> x",
    ",",
    "(",
    ")",
    "[",
    "]",
    "=",
    "#",
    '"',
    "\\",
    "\t",
    " ",
    "\r",
    "\r\n",
    "\n",
    "\ud800",
    "\u2028",
    "\x00",
    "\x0c",
    "\ufeff",
    "您好",
    "  ",
    "key 1 -> a",
    "when x == 1 -> a",
    'case "a" -> a',
    "[" * 200,
    "(" * 200 + "x" + ")" * 200,
]

# JSON values that broke something once, or nearly: put in place of any value of a JSON document.
ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    3.0,
    2**53,
    2**53 - 1,
    1e30,
    1e-30,
    0.1,
    "",
    "x",
    "a b",
    "\t",
    "\n",
    "\u2028",
    "\x00",
    "C:\\x",
    "#",
    "flow",
    "params",
    "x" * 300,
    "en",
    "1",
    "*",
    "next",
    "key 1",
    "key #",
    "when x == 1",
    'case "a"',
    "case 3.0",
    "case 1e5",
    "case true",
    "case 007",
    "{",
    [],
    {},
    [1],
    ["en", "en"],
    {"a": 1},
    {"x": 1, "y": 2},
    {"x": 1e30, "y": 0},
    {"above": ["x"]},
    {"": {"above": [5]}},
    {"params": None},
]

# Number texts written in place of a number of a JSON text (json.dumps cannot write them).
ODD_NUMBER_TEXTS = [HUGE_DIGITS, HUGE_FLOAT, "1e400", "-1e400", "NaN", "Infinity", "3.0", "-0", "1E2", "1e30"]

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[A-Za-z_][A-Za-z0-9_.\-]*|[0-9]+(?:\.[0-9]+)?[A-Za-z]*|->|[^\s]')
_JSON_NUMBER = re.compile(r'"(?:[^"\\]|\\.)*"|(-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)')


@st.composite
def text_mutant(draw: st.DrawFn, text: str, odd: list[str] = ODD_TEXTS) -> str:
    """A text with one to three changes: a token replaced, something inserted, a line removed, doubled or moved,
    a block (a declaration and its indented lines) doubled."""
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        operation = draw(st.sampled_from(["token", "insert", "delete", "line", "block", "indent"]))
        if operation == "token" and (tokens := list(_TOKEN.finditer(text))):
            token = draw(st.sampled_from(tokens))
            text = text[: token.start()] + draw(st.sampled_from(odd)) + text[token.end() :]
        elif operation == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(odd)) + text[at:]
        elif operation == "delete" and text:
            start = draw(st.integers(0, len(text) - 1))
            text = text[:start] + text[start + draw(st.integers(1, 8)) :]
        elif operation == "line" and lines:
            index = draw(st.integers(0, len(lines) - 1))
            line = lines.pop(index)
            how = draw(st.sampled_from(["drop", "double", "move"]))
            if how != "drop":
                lines.insert(draw(st.integers(0, len(lines))), line)
            if how == "double":
                lines.insert(index, line)
            text = "\n".join(lines)
        elif operation == "block":
            starts = [i for i, line in enumerate(lines) if line[:1].isalpha()]
            if starts:
                first = draw(st.sampled_from(starts))
                end = next((i for i in starts if i > first), len(lines))
                block = lines[first:end]
                at = draw(st.sampled_from([*starts, len(lines)]))
                text = "\n".join([*lines[:at], *block, *lines[at:]])
        elif operation == "indent" and lines:
            index = draw(st.integers(0, len(lines) - 1))
            lines[index] = draw(st.sampled_from(["", " ", "  ", "    ", "\t"])) + lines[index].lstrip()
            text = "\n".join(lines)
    return text


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def json_mutant(draw: st.DrawFn, data: Any) -> str:
    """A JSON document with one to three values replaced, removed, doubled or added, as text; sometimes with a
    number written as JSON cannot hold it, or nesting deeper than any reader should walk."""
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        key = path[-1]
        operation = draw(st.sampled_from(["replace", "replace", "remove", "double", "add", "rename", "deep"]))
        if operation == "replace":
            parent[key] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
        elif operation == "remove":
            del parent[key]
        elif operation == "double" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif operation == "add" and isinstance(parent, dict):
            name = draw(st.sampled_from(["params", "comments", "layout", "x", "", "exit", "to", "value", "secret"]))
            parent[name] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
        elif operation == "rename" and isinstance(parent, dict):
            new = draw(st.sampled_from(["params", "a b", "x" * 300, "", "flow", "1", "*", "file", "\n"]))
            parent[new] = parent.pop(key)
        elif operation == "deep":  # written into the text below: json.dumps itself cannot nest that deep
            parent[key] = f"__DEEP_{draw(st.sampled_from([70, 2000, 100_000]))}__"
    text = json.dumps(data, ensure_ascii=False, indent=draw(st.sampled_from([None, 2])))
    text = re.sub(r'"__DEEP_([0-9]+)__"', lambda m: "[" * int(m[1]) + "]" * int(m[1]), text)
    if draw(st.booleans()) and (numbers := [m for m in _JSON_NUMBER.finditer(text) if m[1]]):
        number = draw(st.sampled_from(numbers))
        text = text[: number.start()] + draw(st.sampled_from(ODD_NUMBER_TEXTS)) + text[number.end() :]
    return text


def any_text() -> st.SearchStrategy[str]:
    """Any string at all, lone surrogates included (text from an HTTP request may hold them), with the odd texts
    above among its pieces."""
    pieces = st.one_of(st.sampled_from(ODD_TEXTS), st.text(st.characters(blacklist_categories=()), max_size=8))
    return st.lists(pieces, max_size=12).map("".join)
