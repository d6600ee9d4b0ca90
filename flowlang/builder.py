"""Builds the flow model from a parsed `.flow` document, giving each node's lines their node type's meaning."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.errors import Location
from callflow.flowlang.header import build_header
from callflow.flowlang.kinds import (
    VARIABLE_PATTERN,
    DecodeError,
    Integer,
    Seconds,
    number_of,
    read_string,
    split_commas,
)
from callflow.flowlang.model import JSON, Comment, Edge, Flow, Node, Position, Prompt, Variable
from callflow.flowlang.nodetype import NodeType
from callflow.flowlang.numbers import NumberError, read_number
from callflow.flowlang.parser import Document
from callflow.flowlang.registry import Registry
from callflow.flowlang.syntax import Args, Item, Line, Token


@dataclass
class Builder:
    """Collects the model and every problem found while building it."""

    document: Document
    registry: Registry
    problems: list[Diagnostic] = field(default_factory=list)

    def report(self, code: codes.Code, message: str, location: Location | None) -> None:
        where = location or Location(self.document.file, 1, 1)
        self.problems.append(Diagnostic(code, message, where, self.document.source_line(where)))

    def decode_problem(self, error: DecodeError, fallback: Location, code: codes.Code) -> None:
        where = error.token.location.shifted(error.column_offset) if error.token else fallback
        self.report(code, error.message, where)


def build_flow(document: Document, registry: Registry) -> tuple[Flow, list[Diagnostic]]:
    """The flow a document describes, and the problems that stop it from being well-formed."""
    builder = Builder(document, registry)
    flows = [item for item in document.items if item.kind == "flow"]
    for extra in flows[1:]:
        builder.report(codes.INVALID_FLOW, "a file holds one flow; this is a second `flow`", extra.location)
    if not flows:
        builder.report(codes.INVALID_FLOW, "a flow file starts with `flow NAME`", None)
    header = build_header(flows[0], builder) if flows else {"name": ""}
    variables = tuple(_variable(item, builder) for item in document.items if item.kind == "var")
    prompts = tuple(_prompt(item, builder) for item in document.items if item.kind == "prompt")
    nodes, edges = [], []
    node_ids: set[str] = set()
    for item in document.items:
        if item.kind == "node":
            node, node_edges = _node(item, builder)
            if node.id in node_ids:  # exits and layout name nodes by id: such a flow cannot be written faithfully
                builder.report(codes.DUPLICATE_ID, f"node `{node.id}` is declared twice", item.location)
            node_ids.add(node.id)
            nodes.append(node)
            edges.extend(node_edges)
    layout: dict[str, Position] = {}
    layout_comments: dict[str, Comment] = {}
    for item in document.items:
        if item.kind == "layout":
            _layout(item, builder, layout, layout_comments)
    flow = Flow(
        **header,
        variables=variables,
        prompts=prompts,
        nodes=tuple(nodes),
        edges=tuple(edges),
        layout=layout,
        trailing_comments=document.trailing_comments,
        location=flows[0].location if flows else Location(document.file, 1, 1),
    )
    if layout_comments:
        flow = _with_comments(flow, layout_comments)
    return flow, builder.problems


def _with_comments(flow: Flow, extra: dict[str, Comment]) -> Flow:
    return replace(flow, comments={**flow.comments, **extra})


def _comments(pairs: Iterable[tuple[str, Comment]]) -> dict[str, Comment]:
    return {key: comment for key, comment in pairs if comment.above or comment.end is not None}


def _literal(tokens: list[Token]) -> JSON:
    token = tokens[-1]
    sign = "-" if len(tokens) == 2 and tokens[0].text == "-" else ""
    if len(tokens) == 1 and token.type == "STRING":
        return read_string(token)
    if token.type == "NUMBER" and re.fullmatch(r"[0-9]+(\.[0-9]+)?", token.text) and (sign or len(tokens) == 1):
        return number_of(token, sign + token.text)
    if len(tokens) == 1 and token.text in ("true", "false", "null"):
        return json.loads(token.text)
    raise DecodeError(f"expected a quoted text, a number, true, false or null, found `{token.text}`", token)


def _variable(item: Item, builder: Builder) -> Variable:
    assert item.name is not None
    tokens = list(item.args.tokens)
    secret = bool(tokens) and tokens[-1].type == "NAME" and tokens[-1].text == "secret"
    if secret:
        tokens.pop()
    value: JSON = None
    try:
        if not re.fullmatch(VARIABLE_PATTERN, item.name.text):
            raise DecodeError(f"`{item.name.text}` cannot be a variable name: use letters, digits and _", item.name)
        if tokens:
            if tokens[0].text != "=" or len(tokens) not in (2, 3):
                raise DecodeError("write `var name = value`, optionally followed by `secret`", tokens[0])
            value = _literal(tokens[1:])
    except DecodeError as error:
        builder.decode_problem(error, item.location, codes.INVALID_VALUE)
    comments = _comments([("", item.comment)])
    return Variable(item.name.text, value, secret, comments, item.location)


def _prompt(item: Item, builder: Builder) -> Prompt:
    assert item.name is not None
    text: dict[str, str] = {}
    files: dict[str, str] = {}
    text_locations: dict[str, Location] = {}
    comments = [("", item.comment)]
    for line in item.lines:
        tokens = line.args.tokens
        if line.word.text == "file":
            key, target, language, given = "file", files, "*", tokens
        elif tokens and tokens[0].text == "file":
            key, target, language, given = f"file {line.word.text}", files, line.word.text, tokens[1:]
        else:
            key, target, language, given = line.word.text, text, line.word.text, tokens
        try:
            if line.target is not None:
                raise DecodeError('prompt lines are `language "text"` or `language file "path"`', line.word)
            if language in target:
                raise DecodeError(f"prompt `{item.name.text}` gives `{key}` twice", line.word)
            target[language] = _string(given, tokens[0] if given is not tokens else line.word)
            if target is text:
                text_locations[language] = given[0].location
            comments.append((key, line.comment))
        except DecodeError as error:
            builder.decode_problem(error, line.location, codes.INVALID_VALUE)
            target.setdefault(language, "")  # written, even if wrongly: not also "missing"
    return Prompt(item.name.text, text, files, _comments(comments), item.location, text_locations)


def _string(tokens: tuple[Token, ...] | list[Token], after: Token) -> str:
    if len(tokens) != 1 or tokens[0].type != "STRING":
        where = tokens[0] if tokens else after
        raise DecodeError('expected one quoted text, such as "Welcome."', where)
    return read_string(tokens[0])


def _layout(item: Item, builder: Builder, layout: dict[str, Position], comments: dict[str, Comment]) -> None:
    comments.update(_comments([("layout", item.comment)]))
    for line in item.lines:
        groups = split_commas(line.args.tokens)
        try:
            if len(groups) != 2 or line.target is not None:
                raise DecodeError("layout lines are `node_id x, y`", line.word)
            x, y = (_number(group, line.word) for group in groups)
        except DecodeError as error:
            builder.decode_problem(error, line.location, codes.INVALID_VALUE)
            continue
        layout[line.word.text] = Position(x, y)
        comments.update(_comments([(f"layout {line.word.text}", line.comment)]))


def _number(tokens: list[Token], after: Token) -> float:
    text = "".join(t.text for t in tokens)
    where = tokens[0] if tokens else after
    try:
        value = read_number(text)
    except NumberError as error:
        message = error.message if re.fullmatch(r"-?[0-9.eE+-]+", text) else f"expected a number, found `{text}`"
        raise DecodeError(message, where) from None
    return int(value) if float(value).is_integer() else value


def _node(item: Item, builder: Builder) -> tuple[Node, list[Edge]]:
    assert item.name is not None and item.type is not None
    node_id, keyword = item.name.text, item.type.text
    node_type = builder.registry.get(keyword)
    params: dict[str, JSON] = {}
    locations: dict[str, Location] = {}
    comments = [("", item.comment)]
    edges: list[Edge] = []
    if node_type is None:
        hint = _suggest(keyword, builder.registry)
        builder.report(codes.UNKNOWN_NODE_TYPE, f"unknown node type `{keyword}`{hint}", item.type.location)
    if item.args and node_type is not None:
        _header_args(node_type, item, builder, params, locations)
    if item.target is not None:
        primary = node_type.primary_exit if node_type else "next"
        if primary is None:
            message = f"`{keyword}` has no single next step; write its exits on their own lines"
            builder.report(codes.UNKNOWN_EXIT, message, item.target.location)
        else:
            edges.append(Edge(node_id, primary, item.target.text, item.target.location, item.target.location))
    for written in item.lines:
        # an exit written without its `->` is reported, then read as meant: no knock-on "unreachable" warnings
        line = _arrowless_exit(node_type, written, builder) if node_type and written.target is None else written
        if line.target is not None:
            labels = _exit_labels(node_type, line, builder)
            edges.extend(
                Edge(node_id, label, line.target.text, line.location, line.target.location) for label in labels
            )
            if labels:
                comments.append((f"exit:{labels[0]}", line.comment))
        elif node_type is not None:
            key = _param_line(node_type, line, builder, params, locations)
            if key is not None:
                comments.append((key, line.comment))
    if node_type is not None:
        ordered = {s.name: params[s.name] for s in node_type.specs if s.name in params}
        params = ordered
        for spec in node_type.specs:
            if spec.required and spec.name not in locations:
                message = f"`{keyword}` needs `{spec.word}`"
                builder.report(codes.MISSING_PARAMETER, message, item.type.location)
    node = Node(node_id, keyword, params, _comments(comments), item.location, locations)
    return node, edges


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f"; did you mean `{close[0]}`?" if close else ""


def _header_args(
    node_type: NodeType, item: Item, builder: Builder, params: dict[str, JSON], locations: dict[str, Location]
) -> None:
    spec = next((s for s in node_type.specs if s.positional), None)
    first = item.args.tokens[0]
    if spec is None:
        message = f"`{node_type.keyword}` takes no value after its keyword"
        extra = first.type == "NAME" and node_type.primary_exit and len(item.args.tokens) == 1
        hint = f"; did you mean `-> {first.text}`?" if extra else ""
        builder.report(codes.INVALID_VALUE, message + hint, first.location)
        return
    _store(node_type, spec.name, item.args, builder, params, locations, first.location)


def _store(
    node_type: NodeType,
    name: str,
    args: Args,
    builder: Builder,
    params: dict[str, JSON],
    locations: dict[str, Location],
    where: Location,
) -> None:
    spec = node_type.spec(name)
    assert spec is not None
    locations[name] = where  # written, even if wrongly: not also "missing"
    try:
        value = spec.kind.decode(args)
    except DecodeError as error:
        builder.decode_problem(error, where, codes.INVALID_VALUE)
        return
    problem = spec.kind.validate(value)
    if problem is not None:
        code = codes.OUT_OF_RANGE if isinstance(spec.kind, Integer | Seconds) else codes.INVALID_VALUE
        builder.report(code, f"`{spec.word}` {problem}", args.location or where)
        return
    params[name] = value


def _arrowless_exit(node_type: NodeType, line: Line, builder: Builder) -> Line:
    """The line as meant when it is an exit written without its `->` (`key 2 transfer`, `failed agent`), which is
    reported; else the line itself."""
    word, tokens = line.word.text, line.args.tokens
    if node_type.spec_for_word(word) is not None or not tokens or tokens[-1].type != "NAME":
        return line
    in_family = len(tokens) > 1 and any(f.word == word for f in node_type.families)
    plain = len(tokens) == 1 and node_type.has_exit(word) and node_type.family(word) is None
    if plain and node_type.exit(word) is None and _suggest(word, [s.word for s in node_type.specs]):
        return line  # an open exit or a misspelt parameter (`outs x` for `out x`): the latter is likelier
    if not in_family and not plain:
        return line
    target = tokens[-1]
    written = " ".join(t.text for t in (line.word, *tokens[:-1]))
    message = f"`->` is missing before `{target.text}`: an exit is written `{written} -> {target.text}`"
    builder.report(codes.SYNTAX, message, target.location)
    return replace(line, args=line.args.sub(tokens[:-1]), target=target)


def _param_line(
    node_type: NodeType, line: Line, builder: Builder, params: dict[str, JSON], locations: dict[str, Location]
) -> str | None:
    word = line.word.text
    spec = node_type.spec_for_word(word)
    if spec is None:
        hint = _suggest(word, [s.word for s in node_type.specs])
        if node_type.exit(word) is not None or (node_type.has_exit(word) and not hint):
            message = f"`{word}` is an exit: write `{word} -> node_id`"
            builder.report(codes.SYNTAX, message, line.word.location)
            return None
        message = f"`{node_type.keyword}` has no parameter `{word}`{hint}"
        builder.report(codes.UNKNOWN_PARAMETER, message, line.word.location)
        return None
    if spec.positional and not spec.keyed:
        message = f"`{word}` is written on the node's first line: `id: {node_type.keyword} ...`"
        builder.report(codes.INVALID_VALUE, message, line.word.location)
        return None
    if spec.keyed is None:
        if spec.name in params:
            builder.report(codes.INVALID_VALUE, f"`{word}` is given twice", line.word.location)
            return None
        _store(node_type, spec.name, line.args, builder, params, locations, line.word.location)
        return spec.name
    return _keyed_line(node_type, spec.name, line, builder, params, locations)


def _keyed_line(
    node_type: NodeType,
    name: str,
    line: Line,
    builder: Builder,
    params: dict[str, JSON],
    locations: dict[str, Location],
) -> str | None:
    spec = node_type.spec(name)
    assert spec is not None and spec.keyed is not None
    tokens = line.args.tokens
    try:
        key = spec.keyed.decode(line.args.sub(tokens[:1]))
        value = spec.kind.decode(line.args.sub(tokens[1:]))
    except DecodeError as error:
        builder.decode_problem(error, line.word.location, codes.INVALID_VALUE)
        return None
    table = params.setdefault(name, {})
    if key in table:
        builder.report(codes.INVALID_VALUE, f"`{spec.word} {key}` is given twice", line.word.location)
        return None
    table[key] = value
    locations.setdefault(name, line.word.location)
    return f"{name} {key}"


def _exit_labels(node_type: NodeType | None, line: Line, builder: Builder) -> list[str]:
    word = line.word.text
    if node_type is None:
        return [f"{word} {line.args.text}".strip()]
    if not line.args and node_type.has_exit(word) and node_type.family(word) is None:
        return [word]
    family = next((f for f in node_type.families if f.word == word), None)
    if family is None or not line.args:
        message = node_type.no_such_exit((word + " " + line.args.text).strip())
        builder.report(codes.UNKNOWN_EXIT, message, line.word.location)
        return []
    groups = split_commas(line.args.tokens) if family.groupable else [list(line.args.tokens)]
    labels = []
    for group in groups:
        try:
            labels.append(family.label(family.kind.decode(line.args.sub(group))))
        except DecodeError as error:
            builder.decode_problem(error, line.word.location, codes.INVALID_VALUE)
    return labels
