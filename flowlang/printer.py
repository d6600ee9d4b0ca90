"""Writes the flow model as canonical `.flow` text: what `callflow fmt` produces."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from callflow.flowlang.header import header_lines
from callflow.flowlang.kinds import quote
from callflow.flowlang.model import JSON, Comment, Edge, Flow, Node, Prompt, Variable
from callflow.flowlang.nodetype import NodeType
from callflow.flowlang.numbers import decimal_text
from callflow.flowlang.registry import Registry

INDENT = "  "
ALIGN_LIMIT = 24
"""Left parts wider than this do not push the other lines of their block to the right."""


def display_width(text: str) -> int:
    """Columns a terminal uses for text (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def comment_line(text: str) -> str:
    """A kept comment as written back: `# text`."""
    return "# " + text if text and not text.startswith("#") else "#" + text


def _block(lines: list[tuple[str, str, str]], comments: dict[str, Comment] | None) -> list[str]:
    """Indented lines (key, left, right), the right parts aligned on one column."""
    comments = comments or {}
    widths = [display_width(left) for _, left, right in lines if right]
    width = max((w for w in widths if w <= ALIGN_LIMIT), default=0)
    out: list[str] = []
    for key, left, right in lines:
        pad = " " * max(width - display_width(left), 0)
        text = f"{left}{pad} {right}" if right else left
        out.extend(_with_comment(INDENT + text, comments.get(key), INDENT))
    return out


def _with_comment(text: str, comment: Comment | None, indent: str = "") -> list[str]:
    if comment is None:
        return [text]
    above = [indent + comment_line(c) for c in comment.above]
    end = f"  {comment_line(comment.end)}" if comment.end is not None else ""
    return [*above, text + end]


def _number(value: float) -> str:
    """A position as the DSL writes it: no exponent, no trailing `.0`."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return decimal_text(value)


def format_flow(flow: Flow, registry: Registry) -> str:
    """The canonical `.flow` text of a flow."""
    sections: list[list[str]] = []
    header = _with_comment(f"flow {flow.name}", flow.comments.get(""))
    header_block = [(key, word, rest) for key, word, rest in header_lines(flow)]
    sections.append(header + _block(header_block, dict(flow.comments)))
    if flow.variables:
        sections.append([line for v in flow.variables for line in _variable(v)])
    sections.extend(_prompt(p) for p in flow.prompts)
    sections.extend(_node(n, flow.edges_from(n.id), registry[n.type]) for n in flow.nodes)
    if flow.layout:
        lines = [
            (f"layout {node_id}", node_id, f"{_number(p.x)}, {_number(p.y)}") for node_id, p in flow.layout.items()
        ]
        sections.append(_with_comment("layout", flow.comments.get("layout")) + _block(lines, dict(flow.comments)))
    text = "\n\n".join("\n".join(section) for section in sections) + "\n"
    if flow.trailing_comments:
        text += "\n" + "\n".join(comment_line(c) for c in flow.trailing_comments) + "\n"
    return text


def _variable(variable: Variable) -> list[str]:
    text = f"var {variable.name}"
    if variable.value is not None:
        text += f" = {_literal(variable.value)}"
    if variable.secret:
        text += " secret"
    return _with_comment(text, variable.comments.get(""))


def _literal(value: JSON) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, float):
        return decimal_text(value)
    return str(value)


def _prompt(prompt: Prompt) -> list[str]:
    lines = [(language, language, quote(text)) for language, text in prompt.text.items()]
    for language, path in prompt.file.items():
        if language == "*":
            lines.append(("file", "file", quote(path)))
        else:
            lines.append((f"file {language}", language, f"file {quote(path)}"))
    return _with_comment(f"prompt {prompt.id}", prompt.comments.get("")) + _block(lines, dict(prompt.comments))


def _node(node: Node, edges: Iterable[Edge], node_type: NodeType) -> list[str]:
    edges = list(edges)
    head = f"{node.id}: {node.type}"
    positional = next((s for s in node_type.specs if s.positional and s.keyed is None), None)
    if positional is not None and positional.name in node.params:
        head += " " + positional.kind.encode(node.params[positional.name])
    if edges and edges[0].exit == node_type.primary_exit and "exit:" + edges[0].exit not in node.comments:
        head += f" -> {edges[0].target}"
        edges = edges[1:]
    lines: list[tuple[str, str, str]] = []
    for spec in node_type.specs:
        if spec.name not in node.params or spec is positional:
            continue
        value = node.params[spec.name]
        if spec.keyed is None:
            lines.append((spec.name, spec.word, spec.kind.encode(value)))
        else:
            for key, item in value.items():
                left = f"{spec.word} {spec.keyed.encode(key)}"
                lines.append((f"{spec.name} {key}", left, spec.kind.encode(item)))
    lines.extend(_exit_lines(edges, node_type, node))
    return _with_comment(head, node.comments.get("")) + _block(lines, dict(node.comments))


def _exit_lines(edges: list[Edge], node_type: NodeType, node: Node) -> list[tuple[str, str, str]]:
    lines: list[tuple[str, str, str]] = []
    index = 0
    while index < len(edges):
        edge = edges[index]
        family = node_type.family(edge.exit)
        group = [edge]
        if family is not None and family.groupable:
            for later in edges[index + 1 :]:
                same = node_type.family(later.exit) == family and later.target == edge.target
                if not same or "exit:" + later.exit in node.comments:
                    break
                group.append(later)
        if family is None:
            left = edge.exit
        else:
            left = family.word + " " + ", ".join(family.kind.encode(family.value(e.exit)) for e in group)
        lines.append((f"exit:{edge.exit}", left, f"-> {edge.target}"))
        index += len(group)
    return lines
