"""The diff for people: a summary line, then one line per change, grouped (header, prompts, nodes), `old → new`.

Layout and comments come last, in groups of their own, since they never change a call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from callflow.flowlang.diff.values import MISSING
from callflow.flowlang.model import Comment, Position
from callflow.flowlang.printer import comment_line

if TYPE_CHECKING:
    from callflow.flowlang.diff.model import (
        CommentChange,
        FlowDiff,
        HeaderChange,
        Move,
        NodeChange,
        ParamChange,
        PromptChange,
        TextChange,
    )

ARROW = "→"
INDENT = "  "
MARKED_FROM = 16
"""Texts at least this long get their edit marked in place on a line of its own."""
MARKED_RATIO = 0.6
"""...when at least this share of the two texts is the same."""
WORD = re.compile(r"[A-Za-z0-9_']+|\s+|.", re.S)
"""What an edit is marked in: a word of a spaced language, a space, or one character (a Chinese character)."""


def render(diff: FlowDiff) -> str:
    """The whole diff as text, ending with a newline."""
    groups = [_header(diff), *map(_prompt, diff.prompts), *(_node(n) for n in diff.nodes if n.status != "moved")]
    groups += [_layout(diff.layout), _comments(diff.comments)]
    return "\n\n".join([summary_line(diff), *("\n".join(g) for g in groups if g)]) + "\n"


def summary_line(diff: FlowDiff) -> str:
    """`name: 2 nodes changed, 1 added; 1 prompt changed; 1 header change; layout: 3 nodes moved`."""
    name = diff.new_name if diff.old_name == diff.new_name else f"{diff.old_name} {ARROW} {diff.new_name}"
    if diff.same:
        return f"{name}: no differences"
    counted = [(diff.node_counts()[s], s) for s in ("changed", "rewired", "renamed", "added", "removed")]
    node_words = [f"{n} {status}" for n, status in counted if n]
    if node_words:  # "2 nodes changed, 1 added"
        n, status = next((n, status) for n, status in counted if n)
        node_words[0] = f"{_count(n, 'node')} {status}"
    prompts = [f"{n} prompt{'s' * (n != 1)} {s}" for s, n in diff.summary()["prompts"].items() if n]
    parts = [", ".join(node_words), ", ".join(prompts), _count(len(diff.header), "header change")]
    logic = "; ".join(p for p in parts if p) or "no change to calls"
    notes = [f"layout: {_count(len(diff.layout), 'node')} moved" if diff.layout else ""]
    notes.append(f"comments: {len(diff.comments)} changed" if diff.comments else "")
    return f"{name}: " + "; ".join([logic, *(n for n in notes if n)])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}" if n else ""


# -- header --------------------------------------------------------------------------------------------------


def _header(diff: FlowDiff) -> list[str]:
    if not diff.header:
        return []
    return [f"flow {diff.new_name}", *(INDENT + _header_line(h) for h in diff.header)]


def _header_line(change: HeaderChange) -> str:
    if change.field == "global_key":
        return _keyed_line(f"global_key {change.key}", change.old, change.new, _global_key)
    if change.field == "variable":
        return _keyed_line(f"var {change.key}", change.old, change.new, _variable)
    label = "language a call starts in" if change.field == "start_language" else change.field
    show = _quoted if change.field == "title" else _header_value
    return f"{label}: {_shown(change.old, show)} {ARROW} {_shown(change.new, show)}"


def _keyed_line(label: str, old: Any, new: Any, show: Callable[[Any], str]) -> str:
    """A global key or a variable: `+ LINE` added, `- LINE` removed, `LABEL: old → new` changed."""
    if old is MISSING:
        return f"+ {label} {show(new)}".rstrip()
    if new is MISSING:
        return f"- {label} {show(old)}".rstrip()
    return f"{label}: {show(old) or '(no value)'} {ARROW} {show(new) or '(no value)'}"


def _shown(value: Any, show: Callable[[Any], str]) -> str:
    return "(not set)" if value is None else show(value)


def _header_value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value) if value else "(none)"
    return str(value)


def _global_key(value: dict[str, Any]) -> str:
    return f"-> {value['to']}" if value["action"] == "goto" else str(value["action"])


def _variable(value: dict[str, Any]) -> str:
    shown = "" if value["value"] is None else f"= {json.dumps(value['value'], ensure_ascii=False)}"
    return f"{shown} secret".strip() if value["secret"] else shown


# -- prompts -------------------------------------------------------------------------------------------------


def _prompt(change: PromptChange) -> list[str]:
    played = f" (played by {', '.join(change.used_by)})" if change.used_by else ""
    lines = [f"prompt {change.id}: {change.status}{played}"]
    for text in change.text:
        lines.append(INDENT + _text_line(change.status, text.language, text, _quoted))
        marked = marked_words(text.old, text.new)
        if marked is not None:
            lines.append(f"{INDENT * 2}{' ' * len(text.language)}{marked}")
    lines += [INDENT + _text_line(change.status, _file_word(t.language), t, _quoted) for t in change.file]
    return lines


def _file_word(language: str) -> str:
    return "file" if language == "*" else f"file {language}"


def _text_line(status: str, label: str, change: TextChange, show: Callable[[str | None], str]) -> str:
    if change.old is None:
        return f"{'+ ' * (status == 'changed')}{label}: {show(change.new)}"
    if change.new is None:
        return f"{'- ' * (status == 'changed')}{label}: {show(change.old)}"
    return f"{label}: {show(change.old)} {ARROW} {show(change.new)}"


def marked_words(old: str | None, new: str | None) -> str | None:
    """A small edit to a long text, marked in place as `git diff --word-diff` does: `办理[-居-]{+暂+}住证…`.

    None where there is nothing to mark (a side missing, a short text) or most of the text changed (then the two
    texts say it better)."""
    if old is None or new is None or max(len(old), len(new)) < MARKED_FROM:
        return None
    before, after = WORD.findall(old), WORD.findall(new)
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    if matcher.ratio() < MARKED_RATIO:
        return None
    parts = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.extend(before[i1:i2])
            continue
        parts.append(f"[-{''.join(before[i1:i2])}-]" if i2 > i1 else "")
        parts.append(f"{{+{''.join(after[j1:j2])}+}}" if j2 > j1 else "")
    return "".join(parts)


def _quoted(text: str | None) -> str:
    return json.dumps(text, ensure_ascii=False)


# -- nodes ---------------------------------------------------------------------------------------------------


def _node(change: NodeChange) -> list[str]:
    name = f"{change.old_id} {ARROW} {change.id}" if change.old_id else change.id
    kind = f"{change.old_type} {ARROW} {change.type}" if change.old_type else change.type
    lines = [f"{name} ({kind}): {change.status}"]
    whole = change.status in ("added", "removed")
    for param in change.params:
        if whole:
            lines.append(f"{INDENT}{param.label}: {param.old_text or param.new_text}")
        elif change.old_type is not None and (param.old is MISSING or param.new is MISSING):
            sign = "+" if param.old is MISSING else "-"
            lines.append(f"{INDENT}{sign} {param.label}: {param.old_text or param.new_text}")
        else:
            lines.append(INDENT + _param_line(param))
    for exit_change in change.exits:
        sign = "" if whole else "+ " if exit_change.old is None else "- " if exit_change.new is None else ""
        if exit_change.old is None or exit_change.new is None:
            lines.append(f"{INDENT}{sign}exit {exit_change.exit} -> {exit_change.new or exit_change.old}")
        else:
            lines.append(f"{INDENT}exit {exit_change.exit}: {exit_change.old} {ARROW} {exit_change.new}")
    if change.order is not None:
        lines.append(f"{INDENT}exits reordered: {', '.join(change.order[0])} {ARROW} {', '.join(change.order[1])}")
    return lines


def _param_line(change: ParamChange) -> str:
    return f"{change.label}: {_param_side(change, old=True)} {ARROW} {_param_side(change, old=False)}"


def _param_side(change: ParamChange, old: bool) -> str:
    value, text = (change.old, change.old_text) if old else (change.new, change.new_text)
    if value is not MISSING:
        return text
    if change.default is MISSING or change.default is None:
        return "(not set)"
    return f"{change.default_text} (default)"


# -- layout and comments -------------------------------------------------------------------------------------


def _layout(moves: tuple[Move, ...]) -> list[str]:
    if not moves:
        return []
    lines = [f"layout (drawing only; calls go the same): {_count(len(moves), 'node')} moved"]
    return lines + [f"{INDENT}{m.id}: {_position(m.old)} {ARROW} {_position(m.new)}" for m in moves]


def _position(position: Position | None) -> str:
    if position is None:
        return "(not placed)"
    return ", ".join(str(int(v)) if float(v).is_integer() else str(v) for v in (position.x, position.y))


def _comments(changes: tuple[CommentChange, ...]) -> list[str]:
    if not changes:
        return []
    lines = [f"comments (calls go the same): {len(changes)} changed"]
    for change in changes:
        where = change.on if change.id is None else f"{change.on} {change.id}"
        line = _line_name(change.line)
        lines.append(f"{INDENT}{where}, {line}: {_comment(change.old)} {ARROW} {_comment(change.new)}")
    return lines


def _line_name(key: str) -> str:
    if key == "":
        return "first line"
    return key.replace("exit:", "exit ", 1) if key.startswith("exit:") else key


def _comment(comment: Comment | None) -> str:
    if comment is None:
        return "(none)"
    parts = [comment_line(text) for text in comment.above]
    if comment.end is not None:
        parts.append(f"(end of line) {comment_line(comment.end)}")
    return " / ".join(parts)
