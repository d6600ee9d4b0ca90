"""Reading and writing flows in either form, chosen by file name: `.flow` (the DSL) or `.json` (the graph)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.builder import build_flow
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.errors import FlowError, FlowSyntaxError, Location
from callflow.flowlang.jsonform import dump_json
from callflow.flowlang.jsonread import flow_from_json
from callflow.flowlang.jsontext import JsonTextError, load_json
from callflow.flowlang.memory import collection_paused
from callflow.flowlang.model import Flow
from callflow.flowlang.parser import parse_document
from callflow.flowlang.printer import format_flow
from callflow.flowlang.registry import Registry, default_registry


class UnknownFormatError(FlowError):
    """A file name that says neither `.flow` nor `.json`."""


def form_of(path: Path | str) -> str:
    """`dsl` for `.flow` files, `json` for `.json` files."""
    name = str(path)
    if name.endswith(".flow"):
        return "dsl"
    if name.endswith(".json"):
        return "json"
    raise UnknownFormatError(f"{name}: cannot tell the format; name the file `*.flow` or `*.flow.json`")


@dataclass(frozen=True)
class Loaded:
    """A flow read from text: the model (None when it could not be built) and the problems found."""

    file: str
    form: str
    flow: Flow | None
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the flow is well-formed enough to convert, format or check further."""
        return self.flow is not None and not any(p.severity == codes.Severity.ERROR for p in self.problems)


def load_text(text: str, file: str, form: str, registry: Registry | None = None) -> Loaded:
    """Read a flow from text in the given form (`dsl` or `json`).

    Any text at all gives a `Loaded`: what is wrong with it is in its problems, never raised.
    """
    registry = registry or default_registry()
    if form == "dsl":
        try:
            document = parse_document(text, file)
        except FlowSyntaxError as error:
            return Loaded(
                file, form, None, [Diagnostic(codes.SYNTAX, error.message, error.location, error.source_line)]
            )
        with collection_paused():
            flow, problems = build_flow(document, registry)
        return Loaded(file, form, flow, problems)
    try:
        data = load_json(text)
    except JsonTextError as error:
        lines = text.split("\n")
        line = error.line
        source = lines[line - 1] if line is not None and 0 < line <= len(lines) else None
        where = Location(file, line, error.column) if line is not None else Location(file, pointer=error.pointer)
        return Loaded(file, form, None, [Diagnostic(codes.SYNTAX, error.message, where, source)])
    json_flow, problems = flow_from_json(data, registry, file)
    return Loaded(file, form, json_flow, problems)


def load_file(path: Path, registry: Registry | None = None) -> Loaded:
    """Read a flow file; the form comes from its name."""
    form = form_of(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        where = Location(str(path), text_line(path.read_bytes(), error.start), 1)
        return Loaded(str(path), form, None, [Diagnostic(codes.SYNTAX, "the file is not UTF-8 text", where)])
    return load_text(text, str(path), form, registry)


def text_line(data: bytes, offset: int) -> int:
    """The line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def dump(flow: Flow, form: str, registry: Registry | None = None) -> str:
    """A flow's canonical text in the given form."""
    if form == "dsl":
        return format_flow(flow, registry or default_registry())
    return dump_json(flow)
