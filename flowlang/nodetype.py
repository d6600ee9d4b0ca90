"""What a node type is: its keyword, parameters, exits, checks and designer metadata.

Each module in `nodes/` defines one `NodeType` and exposes it as `NODE`; the registry finds them through the
`callflow.nodes` entry point group, the same way it finds a third-party package's node types.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from callflow.flowlang.kinds import Kind, to_plain
from callflow.flowlang.model import JSON

if TYPE_CHECKING:
    from callflow.flowlang.check.context import NodeContext
    from callflow.flowlang.diagnostics import Diagnostic

PARAM = "callflow.param"


@dataclass(frozen=True)
class ParamSpec:
    """How one parameter is written: its JSON name, DSL word, kind and designer hint."""

    name: str
    word: str
    kind: Kind
    required: bool
    positional: bool = False
    keyed: Kind | None = None
    help: str = ""


def param(
    kind: Kind,
    *,
    default: Any = dataclasses.MISSING,
    word: str | None = None,
    positional: bool = False,
    keyed: Kind | None = None,
    help: str = "",
) -> Any:
    """Declare a parameter field of a node type's frozen dataclass.

    `word` is the DSL word (by default the field name without a unit suffix such as `_s`); a `positional`
    parameter is written on the node's first line after the keyword; a `keyed` parameter may be written on
    several lines, each starting with a key (of the given kind), and is stored as a JSON object by key.
    """
    spec = {"kind": kind, "word": word, "positional": positional, "keyed": keyed, "help": help}
    if default is dataclasses.MISSING:
        return field(metadata={PARAM: spec})
    if isinstance(default, dict | list):
        return field(default_factory=lambda: default, metadata={PARAM: spec})
    return field(default=default, metadata={PARAM: spec})


def _word(name: str) -> str:
    return name.removesuffix("_s")


def param_specs(params: type) -> tuple[ParamSpec, ...]:
    """The parameter specs of a node type's dataclass, in field order."""
    specs = []
    for f in dataclasses.fields(params):
        meta = f.metadata[PARAM]
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        specs.append(
            ParamSpec(
                name=f.name,
                word=meta["word"] or _word(f.name),
                kind=meta["kind"],
                required=required,
                positional=meta["positional"],
                keyed=meta["keyed"],
                help=meta["help"],
            )
        )
    return tuple(specs)


@dataclass(frozen=True)
class Exit:
    """A named outcome of a node.

    A required exit must lead somewhere. An optional exit that leads nowhere is replaced by `otherwise`
    (another exit of the node), or, without one, by the environment's fallback (sorry, then a person).
    """

    name: str
    required: bool = True
    otherwise: str | None = None
    help: str = ""


@dataclass(frozen=True)
class ExitFamily:
    """Exits named by a word and a value, such as `key 1`, `when caller startswith "0571"`, `case "en"`.

    A `groupable` family may write several values that lead to the same place on one line: `key 0, * -> x`.
    """

    word: str
    kind: Kind
    groupable: bool = True
    help: str = ""

    def label(self, value: JSON) -> str:
        """The exit's name: the word and the value as an exit name writes it."""
        return f"{self.word} {self.kind.label_text(value)}"

    def value(self, label: str) -> JSON:
        """The value in an exit name of this family."""
        return self.kind.from_label(label.removeprefix(self.word + " "))


@dataclass(frozen=True)
class Designer:
    """How the designer shows a node type."""

    label: str
    category: str
    icon: str
    description: str = ""


NodeCheck = Callable[["NodeContext"], Iterable["Diagnostic"]]


@dataclass(frozen=True)
class NodeType:
    """Everything the flow language knows about one node type."""

    keyword: str
    params: type
    exits: tuple[Exit, ...]
    designer: Designer
    families: tuple[ExitFamily, ...] = ()
    primary_exit: str | None = None
    open_exits: bool = False
    terminal: bool = False
    listens: bool = False
    provides: tuple[str, ...] = ()
    check: NodeCheck | None = None
    run: Callable[[Any, Any], Awaitable[str]] | None = None
    specs: tuple[ParamSpec, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "specs", param_specs(self.params))

    def spec(self, name: str) -> ParamSpec | None:
        """The parameter with this JSON name."""
        return next((s for s in self.specs if s.name == name), None)

    def spec_for_word(self, word: str) -> ParamSpec | None:
        """The parameter written with this DSL word."""
        return next((s for s in self.specs if s.word == word), None)

    def exit(self, name: str) -> Exit | None:
        """The fixed exit with this name."""
        return next((e for e in self.exits if e.name == name), None)

    def family(self, label: str) -> ExitFamily | None:
        """The exit family an exit name belongs to."""
        word = label.split(" ", 1)[0]
        return next((f for f in self.families if f.word == word and label != word), None)

    def has_exit(self, label: str) -> bool:
        """Whether a node of this type can have an exit with this name."""
        return self.open_exits or self.exit(label) is not None or self.family(label) is not None

    def no_such_exit(self, label: str) -> str:
        """The message for an exit this node type does not have, listing the ones it has."""
        names = [e.name for e in self.exits] + [f"{f.word} ..." for f in self.families]
        known = f"its exits are {', '.join(names)}" if names else "it has no exits"
        return f"`{self.keyword}` has no exit `{label}`; {known}"

    def build(self, params: Mapping[str, JSON]) -> Any:
        """The typed, frozen parameters of a node (its JSON params must be valid)."""
        return self.params(**{k: to_plain(v) for k, v in params.items()})

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of this node type's `params`."""
        properties: dict[str, Any] = {}
        for spec in self.specs:
            schema = spec.kind.schema()
            if spec.keyed is not None:
                schema = {
                    "type": "object",
                    "propertyNames": spec.keyed.schema(),
                    "additionalProperties": schema,
                    "minProperties": 1,
                }
            properties[spec.name] = {**schema, "description": spec.help} if spec.help else schema
        return {
            "type": "object",
            "properties": properties,
            "required": [s.name for s in self.specs if s.required],
            "additionalProperties": False,
        }
