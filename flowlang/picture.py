"""Pictures of a flow: Mermaid and Graphviz DOT text, and SVG drawn by Graphviz's `dot`."""

from __future__ import annotations

import json
import shutil
import subprocess

from callflow.flowlang.errors import FlowError
from callflow.flowlang.model import Flow, Node
from callflow.flowlang.registry import Registry

FORMATS = ("mermaid", "dot", "svg")

_SHAPES = {"Input": "parallelogram", "Logic": "diamond", "Endings": "doubleoctagon"}

GLOBAL_KEYS = "global keys"
"""The marker that global keys start from: they work in every menu, so their targets are reached from no one node
(a name no node can have, having a space)."""


class PictureError(FlowError):
    """A picture that cannot be drawn here, such as SVG without Graphviz."""


def _label(node: Node, registry: Registry) -> str:
    node_type = registry.get(node.type)
    positional = next((s for s in node_type.specs if s.positional), None) if node_type else None
    detail = node.params.get(positional.name) if positional else None
    text = f"{node.id}\n{node.type}"
    if isinstance(detail, str):
        text += f" {detail}"
    return text


def _global_label(flow: Flow) -> str:
    """The marker's text: `global keys`, with the keys that do something in place (`* repeat`)."""
    in_place = [f"{key.key} {key.action}" for key in flow.global_keys if key.target is None]
    return "\n".join([GLOBAL_KEYS, *in_place])


def _global_edges(flow: Flow) -> list[tuple[str, str]]:
    """The global keys that go to a node: (target, `key 0`)."""
    nodes = {node.id for node in flow.nodes}
    return [(key.target, f"key {key.key}") for key in flow.global_keys if key.target in nodes]


def _mermaid_text(text: str) -> str:
    """Text inside a Mermaid label's quotes: `#` and `"` as entity codes, lines as `<br/>`."""
    return text.replace("#", "#35;").replace('"', "#quot;").replace("\n", "<br/>")


def to_mermaid(flow: Flow, registry: Registry) -> str:
    """A Mermaid flowchart of the flow."""
    ids = {node.id: f"n{index}" for index, node in enumerate(flow.nodes)}
    lines = ["flowchart TD"]
    for node in flow.nodes:
        text = _label(node, registry).replace('"', "#quot;").replace("\n", "<br/>")
        lines.append(f'  {ids[node.id]}["{text}"]')
    for edge in flow.edges:
        if edge.source in ids and edge.target in ids:
            exit_text = edge.exit.replace('"', "#quot;").replace("|", "#124;")
            lines.append(f'  {ids[edge.source]} -->|"{exit_text}"| {ids[edge.target]}')
    if flow.global_keys:
        lines.append(f'  global(("{_mermaid_text(_global_label(flow))}"))')
        for target, key in _global_edges(flow):
            lines.append(f'  global -.->|"{_mermaid_text(key)}"| {ids[target]}')
    return "\n".join(lines) + "\n"


def _dot_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def to_dot(flow: Flow, registry: Registry) -> str:
    """A Graphviz DOT digraph of the flow."""
    lines = [
        f"digraph {_dot_string(flow.name)} {{",
        '  node [shape=box, style=rounded, fontname="sans-serif"];',
    ]
    lines.append('  edge [fontname="sans-serif", fontsize=10];')
    for node in flow.nodes:
        node_type = registry.get(node.type)
        shape = _SHAPES.get(node_type.designer.category, "box") if node_type else "box"
        lines.append(f"  {_dot_string(node.id)} [label={_dot_string(_label(node, registry))}, shape={shape}];")
    for edge in flow.edges:
        lines.append(f"  {_dot_string(edge.source)} -> {_dot_string(edge.target)} [label={_dot_string(edge.exit)}];")
    if flow.global_keys:
        marker = _dot_string(GLOBAL_KEYS)
        lines.append(f"  {marker} [label={_dot_string(_global_label(flow))}, shape=oval, style=dashed];")
        for target, key in _global_edges(flow):
            lines.append(f"  {marker} -> {_dot_string(target)} [label={_dot_string(key)}, style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_svg(flow: Flow, registry: Registry) -> str:
    """An SVG drawing of the flow, laid out by Graphviz."""
    dot = shutil.which("dot")
    if dot is None:
        raise PictureError("SVG needs Graphviz's `dot`; install the graphviz package (make setup does)")
    result = subprocess.run([dot, "-Tsvg"], input=to_dot(flow, registry), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PictureError(f"dot failed: {result.stderr.strip()}")
    return result.stdout


def draw(flow: Flow, registry: Registry, picture_format: str) -> str:
    """The flow drawn in one of FORMATS."""
    return {"mermaid": to_mermaid, "dot": to_dot, "svg": to_svg}[picture_format](flow, registry)
