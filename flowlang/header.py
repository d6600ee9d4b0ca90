"""The flow header: name, title, languages, subflow inputs and outputs, and global keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.kinds import DecodeError, Key, RefList, Text, encode_key, quote
from callflow.flowlang.model import Comment, Flow, GlobalKey
from callflow.flowlang.syntax import Item, Token

if TYPE_CHECKING:
    from callflow.flowlang.builder import Builder

GLOBAL_KEY_ACTIONS = ("repeat", "back")
"""What a global key can do besides going to a node: replay the current prompt, or go to the previous menu."""

_LISTS = {"languages": "language", "inputs": "variable", "outputs": "variable"}
FIELDS = ("title", "languages", "default_language", "inputs", "outputs", "global_key")


def build_header(item: Item, builder: Builder) -> dict[str, Any]:
    """The Flow fields a `flow` block gives."""
    assert item.name is not None
    header: dict[str, Any] = {"name": item.name.text}
    comments: dict[str, Comment] = {"": item.comment}
    keys: list[GlobalKey] = []
    for line in item.lines:
        word = line.word.text
        try:
            if word == "global_key":
                key = _global_key(line.args, line.target.text if line.target else None, line.word)
                keys.append(GlobalKey(key[0], key[1], key[2], line.location))
                comments[f"global_key {key[0]}"] = line.comment
                continue
            if line.target is not None:
                raise DecodeError(f"`{word} -> ...`: only `global_key` lines lead somewhere", line.word)
            if word not in FIELDS:
                expected = ", ".join(FIELDS)
                raise DecodeError(f"unknown flow setting `{word}`; expected one of {expected}", line.word)
            if word in header:
                raise DecodeError(f"`{word}` is given twice", line.word)
            if word == "title":
                header[word] = Text().decode(line.args)
            elif word == "default_language":
                header[word] = RefList("language").decode(line.args)[0]
            else:
                header[word] = tuple(RefList(_LISTS[word]).decode(line.args))
                _no_repeats(header[word], line.args.tokens, word)
            comments[word] = line.comment
        except DecodeError as error:
            builder.decode_problem(error, line.location, codes.INVALID_FLOW)
    header["global_keys"] = tuple(keys)
    header["comments"] = {k: c for k, c in comments.items() if c.above or c.end is not None}
    return header


def _no_repeats(names: tuple[str, ...], tokens: tuple[Token, ...], word: str) -> None:
    """A list of names in the header names each once (JSON's `uniqueItems`)."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            again = [t for t in tokens if t.text == name][1]
            raise DecodeError(f"`{name}` is given twice in `{word}`", again)
        seen.add(name)


def _global_key(args: Any, target: str | None, word: Any) -> tuple[str, str, str | None]:
    tokens = args.tokens
    if not tokens:
        raise DecodeError("write `global_key KEY repeat`, `global_key KEY back` or `global_key KEY -> node`", word)
    key = Key().decode(args.sub(tokens[:1]))
    if target is not None and len(tokens) == 1:
        return key, "goto", target
    if target is None and len(tokens) == 2 and tokens[1].text in GLOBAL_KEY_ACTIONS:
        return key, tokens[1].text, None
    raise DecodeError("a global key does `repeat`, `back` or `-> node`", tokens[-1])


def header_lines(flow: Flow) -> list[tuple[str, str, str]]:
    """The header's lines as (line key, word, rest of the line), in canonical order."""
    lines: list[tuple[str, str, str]] = []
    if flow.title is not None:
        lines.append(("title", "title", quote(flow.title)))
    for name in ("languages", "default_language", "inputs", "outputs"):
        value = getattr(flow, name)
        if value:
            lines.append((name, name, value if isinstance(value, str) else ", ".join(value)))
    for key in flow.global_keys:
        rest = (
            f"{encode_key(key.key)} -> {key.target}" if key.action == "goto" else f"{encode_key(key.key)} {key.action}"
        )
        lines.append((f"global_key {key.key}", "global_key", rest))
    return lines
