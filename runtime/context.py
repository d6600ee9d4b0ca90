"""What a node sees while it runs: the call's variables and language, its prompts, channel, clock and trace."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from callflow.flowlang.bounds import MAX_INTEGER, MAX_SIZE, MIN_INTEGER, OutOfBounds, value_size
from callflow.flowlang.environment import Environment
from callflow.flowlang.evaluation import compiled
from callflow.flowlang.expression import parse_expression, variables
from callflow.flowlang.model import Edge, Flow, Node
from callflow.runtime.prompts import trace_fields
from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.trace import MASK, Tracer
from callflow.runtime.types import Audio, Channel, Clock, Store

if TYPE_CHECKING:
    from callflow.runtime.data import DataSources
    from callflow.runtime.engine import Engine
    from callflow.runtime.plan import NodeStep
    from callflow.runtime.prompts import FlowPrompts

P = TypeVar("P")
T = TypeVar("T")


@dataclass(slots=True)
class Call:
    """One call: who called whom, when, and its variables (shared by every flow it passes through)."""

    id: str
    caller: str
    called: str
    start: datetime
    language: str
    switches: dict[str, bool] = field(default_factory=dict)
    menus: list[tuple[Frame, str]] = field(default_factory=list)
    """The menus entered, as (the flow's frame, node id): where a `back` key goes."""
    steps: int = 0
    depth: int = 0
    node: Node | None = None
    flows: dict[str, Flow] = field(default_factory=dict)
    """The version of each flow this call started using: a call keeps it to its end."""
    taken: list[tuple[str, str, str]] = field(default_factory=list)
    """Every exit taken, as (flow, node, exit): what coverage is measured from."""
    variables: dict[str, Any] = field(default_factory=dict)
    """The top-level flow's variables."""
    visited: list[tuple[str, str]] = field(default_factory=list)
    """Every node entered, as (flow, node)."""
    tenant: str | None = None
    """The tenant a live call from the flow service's store is served for (None: plain files, simulations)."""
    version: int | None = None
    """The published version of the flow the call started in (None: a plain file, a draft)."""


@dataclass(slots=True)
class Frame:
    """One flow being run: the top-level flow, or a subflow and the variables it sees."""

    flow: Flow
    variables: dict[str, Any]
    secrets: set[str]
    path: str = ""
    """How the trace names this flow's nodes: empty for the top-level flow, `verify/` in the subflow that node
    `verify` called (`verify/start`), and so on down."""
    caller: Frame | None = None
    """The frame whose `subflow` node runs this flow (None for the call's own flow): its global keys work here."""

    def chain(self) -> Iterator[Frame]:
        """This frame, then the frames that called it, innermost first."""
        frame: Frame | None = self
        while frame is not None:
            yield frame
            frame = frame.caller


_CALL_VARIABLES: dict[str, Callable[[CallContext], Any]] = {
    "caller": lambda ctx: ctx.call.caller,
    "called": lambda ctx: ctx.call.called,
    "language": lambda ctx: ctx.call.language,
    "call.id": lambda ctx: ctx.call.id,
    "call.start": lambda ctx: ctx.call.start.isoformat(),
    "call.flow": lambda ctx: ctx.flow.name,
}
"""The variables every call has, computed only when read."""


@dataclass(slots=True)
class CallContext:
    """The running call, as one node sees it."""

    engine: Engine
    call: Call
    frame: Frame
    node: Node
    channel: Channel
    clock: Clock
    tracer: Tracer
    store: Store
    data: DataSources
    environment: Environment
    step: NodeStep
    """The node ready to run: its parameters, its exits, what it prepared."""
    prompts: FlowPrompts
    """The flow's prompts, ready to play."""
    where: str = ""
    """The node as the trace names it: its id, after its subflow's path (`verify/check`)."""

    @property
    def flow(self) -> Flow:
        """The flow the node belongs to."""
        return self.frame.flow

    @property
    def language(self) -> str:
        """The call's current language."""
        return self.call.language

    def edges(self) -> tuple[Edge, ...]:
        """This node's wired exits."""
        return self.step.edges

    def family_values(self, word: str) -> list[str]:
        """The values of this node's wired exits of a family (`key`: the menu's keys)."""
        return self.step.family_values(word)

    def prepared(self, make: Callable[[CallContext, P], T], params: P) -> T:
        """What `make(ctx, params)` returns, made once per node of the flow version (its keys, its conditions):
        work a node type can do before any call instead of on every call."""
        prepared = self.step.prepared
        made = prepared.get(make)
        if made is None:
            made = prepared[make] = make(self, params)
        return made

    # -- variables -------------------------------------------------------------------------------------------

    def get(self, name: str) -> Any:
        """A variable's value: call variables, switches, the flow's variables. KeyError when unknown."""
        builtin = _CALL_VARIABLES.get(name)
        if builtin is not None:
            return builtin(self)
        if name.startswith("switch."):
            switch = name.removeprefix("switch.")
            return self.call.switches.get(switch, self.environment.switches.get(switch, False))
        return self.frame.variables[name]

    def set(self, name: str, value: Any, *, quiet: bool = False) -> None:
        """Set a variable, and record it in the trace (masked when secret) unless `quiet` (a value the node type
        made itself, such as `menu.attempts`, which is neither checked nor traced).

        RuntimeFailure, the variable unchanged, for a value past the limits of `bounds` or one the trace has no
        room for."""
        if quiet:
            self.frame.variables[name] = value
            return
        kind = type(value)
        if kind is str and len(value) <= MAX_SIZE:  # the commonest values, measured without a call
            size = len(value)
        elif kind is int and MIN_INTEGER <= value <= MAX_INTEGER:
            size = 1
        else:
            try:
                size = value_size(value)
            except OutOfBounds as error:
                raise RuntimeFailure(f"cannot set `{name}`: the value {error.problem}") from None
        if name in self.frame.secrets:
            self.tracer.record_values("set", self.where, {"name": name, "value": MASK}, 3)
        else:
            self.tracer.record_values("set", self.where, {"name": name, "value": value}, size)
        self.frame.variables[name] = value

    def evaluate(self, text: str) -> Any:
        """The value of an expression over the call's variables."""
        try:
            return compiled(text)(self.get)
        except Exception as error:
            raise RuntimeFailure(f"cannot evaluate `{text}`: {getattr(error, 'message', error)}") from error

    def is_secret(self, name: str) -> bool:
        """Whether a variable's value must never be shown."""
        return name in self.frame.secrets

    def reads_secret(self, expression: str) -> bool:
        """Whether an expression reads a secret variable (so its value is secret too)."""
        return not self.frame.secrets.isdisjoint(_variables(expression))

    # -- prompts ---------------------------------------------------------------------------------------------

    def audio(self, prompt_id: str) -> Audio:
        """A prompt in the call's language, its `{variables}` filled in (counted against the trace's room, as the
        event that records it will hold it)."""
        ready = self.prompts[prompt_id, self.call.language]
        audio = ready.render(self._visible)[0]
        if ready.audio is None:
            self.tracer.charge(len(audio.text or ""))
        return audio

    def _visible(self, name: str) -> Any:
        return MASK if name in self.frame.secrets else self.get(name)

    def play(self, audio: Audio, *, barge_in: bool = False) -> Awaitable[bool]:
        """Play audio to the caller (recorded in the trace); True when a key interrupted it."""
        self.tracer.record("prompt", self.where, trace_fields(audio))
        return self.channel.play(audio, barge_in=barge_in)

    def say(self, prompt_id: str, *, barge_in: bool = False) -> Awaitable[bool]:
        """Play a prompt of the flow; True when a key interrupted it."""
        ready = self.prompts[prompt_id, self.call.language]
        if ready.audio is not None:
            self.tracer.record("prompt", self.where, ready.fields)
            return self.channel.play(ready.audio, barge_in=barge_in)
        audio, fields = ready.render(self._visible)
        self.tracer.record_values("prompt", self.where, fields, len(audio.text or ""))
        return self.channel.play(audio, barge_in=barge_in)

    # -- trace -----------------------------------------------------------------------------------------------

    def event(self, kind: str, /, **fields: Any) -> None:
        """Record an event of this node in the trace (its fields are the flow's names and small numbers)."""
        self.tracer.record(kind, self.where, fields)

    def values_event(self, kind: str, /, **fields: Any) -> None:
        """Record an event that holds values of the call (a lookup's params, the values saved), counted against
        the trace's room: TraceFull when they would overfill it."""
        self.tracer.record_values(kind, self.where, fields, _size(fields))


_PLAIN = frozenset((int, float, bool, type(None)))


def _size(fields: dict[str, Any]) -> int:
    """The characters of an event's values, as the trace's room counts them (most are short texts and numbers)."""
    total = 0
    for value in fields.values():
        kind = type(value)
        if kind is str:
            total += len(value)
        elif kind not in _PLAIN:
            try:
                total += value_size(value)
            except OutOfBounds:
                total += MAX_SIZE + 1
    return total


@lru_cache(maxsize=65536)
def _variables(expression: str) -> frozenset[str]:
    return variables(parse_expression(expression))
