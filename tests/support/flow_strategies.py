"""Hypothesis strategies for flow models: any well-formed flow, with every installed node type, and comments."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import strategies as st

from callflow.flowlang import expression_kinds, kinds
from callflow.flowlang.jsonpath import FieldPaths
from callflow.flowlang.model import Comment, Edge, Flow, GlobalKey, Node, Position, Prompt, Variable
from callflow.flowlang.nodetype import NodeType
from callflow.flowlang.numbers import LIMIT
from callflow.flowlang.registry import default_registry

REGISTRY = default_registry()
TAKEN = {*kinds.RESERVED_WORDS, *kinds.EXPRESSION_WORDS, "file", "secret"}

names = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(lambda s: s not in TAKEN)
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
comment_texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=12).filter(
    lambda s: re.fullmatch(r"(?:[^\r\n]*[^\s])?", s) is not None
)
keys = st.from_regex(r"[0-9*#]{1,3}", fullmatch=True)
expressions = st.sampled_from(
    [
        'caller startswith "0571"',
        "misses >= 3",
        "switch.emergency",
        "not (a or b) and c",
        'x in ["a", "b#", "->"]',
        "menu.digits == 1",
        'name + "欢迎" != ""',
        "-x * (y - 2) % 3",
    ]
)
literals = st.one_of(texts, st.integers(-1000, 1000))
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(min_value=-LIMIT, max_value=LIMIT, allow_nan=False, allow_infinity=False),  # what a flow holds
    texts,
)


json_paths = st.sampled_from(["holder.name", "accounts[0].balance", '"x-request-id"', "items[-1]", "a.b[*].c"])


def value_for(kind: kinds.Kind) -> st.SearchStrategy[Any]:
    """Valid JSON values of one parameter kind."""
    if isinstance(kind, kinds.Text):
        return texts
    if isinstance(kind, kinds.TextList):
        return st.lists(texts, min_size=1, max_size=3)
    if isinstance(kind, kinds.Integer):
        return st.integers(kind.minimum, min(kind.maximum, kind.minimum + 10**6))
    if isinstance(kind, kinds.Seconds):
        low, high = int(kind.minimum * 1000), int(kind.maximum * 1000)
        return st.integers(low, high).map(lambda ms: ms // 1000 if ms % 1000 == 0 else ms / 1000)
    if isinstance(kind, kinds.Flag):
        return st.booleans()
    if isinstance(kind, kinds.Ref):
        return names
    if isinstance(kind, kinds.RefList):
        return st.lists(names, min_size=1, max_size=3)
    if isinstance(kind, kinds.Choice):
        return st.sampled_from(kind.values)
    if isinstance(kind, kinds.Key):
        return keys
    if isinstance(kind, expression_kinds.Expression):
        return expressions
    if isinstance(kind, expression_kinds.Assignments):
        return st.dictionaries(names, expressions, min_size=1, max_size=3)
    if isinstance(kind, expression_kinds.Literal):
        return literals
    if isinstance(kind, FieldPaths):
        return st.dictionaries(names, json_paths, min_size=1, max_size=3)
    raise AssertionError(f"no strategy for {kind!r}")


def comments_for(line_keys: list[str]) -> st.SearchStrategy[dict[str, Comment]]:
    """Comments on some of an item's lines."""
    comment = st.builds(Comment, st.lists(comment_texts, max_size=2).map(tuple), st.none() | comment_texts)
    chosen = st.lists(st.sampled_from(line_keys), unique=True, max_size=3) if line_keys else st.just([])
    chosen = chosen.map(lambda ks: sorted(ks, key=line_keys.index))
    return chosen.flatmap(lambda ks: st.fixed_dictionaries({k: comment for k in ks})).map(
        lambda d: {k: d[k] for k in sorted(d, key=line_keys.index) if d[k].above or d[k].end is not None}
    )


@st.composite
def nodes(draw: st.DrawFn, node_id: str, node_ids: list[str]) -> tuple[Node, list[Edge]]:
    """A node of any installed type with valid parameters, some exits wired, and comments."""
    node_type: NodeType = draw(st.sampled_from(list(REGISTRY.values())))
    params: dict[str, Any] = {}
    for spec in node_type.specs:
        if spec.required or draw(st.booleans()):
            if spec.keyed is not None:
                params[spec.name] = draw(
                    st.dictionaries(value_for(spec.keyed), value_for(spec.kind), min_size=1, max_size=2)
                )
            else:
                params[spec.name] = draw(value_for(spec.kind))
    labels = [e.name for e in node_type.exits]
    for family in node_type.families:
        labels += [family.label(v) for v in draw(st.lists(value_for(family.kind), max_size=3))]
    if node_type.open_exits:
        labels += draw(st.lists(names, max_size=2))
    chosen = draw(st.lists(st.sampled_from(labels), unique=True, max_size=5)) if labels else []
    edges = [Edge(node_id, label, draw(st.sampled_from(node_ids))) for label in chosen]
    line_keys = [""] + [
        f"{name} {key}" if isinstance(value, dict) and node_type.spec(name).keyed else name  # type: ignore[union-attr]
        for name, value in params.items()
        for key in (value if isinstance(value, dict) and node_type.spec(name).keyed else [None])  # type: ignore[union-attr]
    ]
    line_keys = [k for k in line_keys if not _positional(node_type, k)] + [f"exit:{e.exit}" for e in edges]
    return Node(node_id, node_type.keyword, params, draw(comments_for(line_keys))), edges


def _positional(node_type: NodeType, key: str) -> bool:
    spec = node_type.spec(key)
    return spec is not None and spec.positional and spec.keyed is None


@st.composite
def flows(draw: st.DrawFn) -> Flow:
    """Any well-formed flow model."""
    node_ids = draw(st.lists(names, min_size=1, max_size=6, unique=True))
    built = [draw(nodes(node_id, node_ids)) for node_id in node_ids]
    languages = tuple(draw(st.lists(names, unique=True, max_size=3)))
    variables = tuple(
        Variable(name, draw(json_scalars), draw(st.booleans()), draw(comments_for([""])))
        for name in draw(st.lists(names, unique=True, max_size=3))
    )
    prompts = []
    for prompt_id in draw(st.lists(names, unique=True, max_size=3)):
        text = draw(st.dictionaries(st.sampled_from(languages), texts, max_size=2)) if languages else {}
        file = draw(st.dictionaries(st.sampled_from([*languages, "*"]), texts, max_size=2))
        line_keys = ["", *text, *[("file" if k == "*" else f"file {k}") for k in file]]
        prompts.append(Prompt(prompt_id, text, file, draw(comments_for(line_keys))))
    global_keys = tuple(
        GlobalKey(key, "goto", draw(st.sampled_from(node_ids))) if draw(st.booleans()) else GlobalKey(key, "repeat")
        for key in draw(st.lists(keys, unique=True, max_size=2))
    )
    layout = draw(
        st.dictionaries(
            st.sampled_from(node_ids),
            st.builds(Position, st.floats(-1e4, 1e4, allow_nan=False), st.floats(-1e4, 1e4, allow_nan=False)),
            max_size=3,
        )
    )
    title = draw(st.none() | texts)
    inputs = tuple(draw(st.lists(names, unique=True, max_size=2)))
    header_keys = [""]
    header_keys += ["title"] * (title is not None) + ["languages"] * bool(languages) + ["inputs"] * bool(inputs)
    header_keys += [f"global_key {k.key}" for k in global_keys]
    header_keys += (["layout"] + [f"layout {k}" for k in layout]) if layout else []
    return Flow(
        name=draw(names),
        title=title,
        languages=languages,
        inputs=inputs,
        global_keys=global_keys,
        variables=variables,
        prompts=tuple(prompts),
        nodes=tuple(node for node, _ in built),
        edges=tuple(edge for _, edges in built for edge in edges),
        layout=layout,
        comments=draw(comments_for(header_keys)),
        trailing_comments=tuple(draw(st.lists(comment_texts, max_size=2))),
    )
