"""What a node sees while it runs: the call's variables and language, its prompts, channel, clock and trace."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from callflow.flowlang.environment import Environment
from callflow.flowlang.evaluation import evaluate
from callflow.flowlang.expression import parse_expression, variables
from callflow.flowlang.model import Edge, Flow, Node
from callflow.flowlang.template import parse_template
from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.trace import MASK, Tracer
from callflow.runtime.types import Audio, Channel, Clock, Store

if TYPE_CHECKING:
    from callflow.runtime.data import DataSources
    from callflow.runtime.engine import Engine


@dataclass
class Call:
    """One call: who called whom, when, and its variables (shared by every flow it passes through)."""

    id: str
    caller: str
    called: str
    start: datetime
    language: str
    switches: dict[str, bool] = field(default_factory=dict)
    menus: list[str] = field(default_factory=list)
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


@dataclass
class Frame:
    """One flow being run: the top-level flow, or a subflow and the variables it sees."""

    flow: Flow
    variables: dict[str, Any]
    secrets: set[str]


_CALL_VARIABLES: dict[str, Callable[[CallContext], Any]] = {
    "caller": lambda ctx: ctx.call.caller,
    "called": lambda ctx: ctx.call.called,
    "language": lambda ctx: ctx.call.language,
    "call.id": lambda ctx: ctx.call.id,
    "call.start": lambda ctx: ctx.call.start.isoformat(),
    "call.flow": lambda ctx: ctx.flow.name,
}
"""The variables every call has, computed only when read."""


@dataclass
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
        return self.engine.edges_from(self.flow, self.node.id)

    def family_values(self, word: str) -> list[str]:
        """The values of this node's wired exits of a family (`key`: the menu's keys)."""
        return self.engine.family_values(self.flow, self.node, word)

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
        """Set a variable, and record it in the trace (masked when secret) unless `quiet`."""
        self.frame.variables[name] = value
        if not quiet:
            self.event("set", name=name, value=MASK if name in self.frame.secrets else value)

    def evaluate(self, text: str) -> Any:
        """The value of an expression over the call's variables."""
        try:
            return evaluate(parse_expression(text), self.get)
        except Exception as error:
            raise RuntimeFailure(f"cannot evaluate `{text}`: {getattr(error, 'message', error)}") from error

    def is_secret(self, name: str) -> bool:
        """Whether a variable's value must never be shown."""
        return name in self.frame.secrets

    def reads_secret(self, expression: str) -> bool:
        """Whether an expression reads a secret variable (so its value is secret too)."""
        return any(name in self.frame.secrets for name in variables(parse_expression(expression)))

    # -- prompts ---------------------------------------------------------------------------------------------

    def audio(self, prompt_id: str) -> Audio:
        """A prompt in the call's language, its `{variables}` filled in."""
        key = (prompt_id, self.language)
        fixed = self.engine.fixed_audio(self.flow).get(key)
        if fixed is not None:
            return fixed
        prompt = self.flow.prompt(prompt_id)
        if prompt is None:
            raise RuntimeFailure(f"prompt `{prompt_id}` is not declared")
        language = self.language if self.language in prompt.text or self.language in prompt.file else None
        language = language or self.flow.language or ""
        file = prompt.file.get(language) or prompt.file.get("*")
        text = prompt.text.get(language)
        template = parse_template(text) if text is not None else None
        if template is not None:
            text = template.render(self._visible)
        if text is None and file is None:
            raise RuntimeFailure(f"prompt `{prompt_id}` has nothing in {language}")
        audio = Audio(text=text, language=language, file=file, prompt=prompt_id)
        if template is None or not template.variables:  # the same for every call: made once per flow version
            self.engine.fixed_audio(self.flow)[key] = audio
        return audio

    def _visible(self, name: str) -> Any:
        return MASK if self.is_secret(name) else self.get(name)

    async def play(self, audio: Audio, *, barge_in: bool = False) -> bool:
        """Play audio to the caller (recorded in the trace); True when a key interrupted it."""
        fields = {"text": audio.text, "lang": audio.language} if audio.text is not None else {"file": audio.file}
        self.event("prompt", prompt=audio.prompt, **fields)
        return await self.channel.play(audio, barge_in=barge_in)

    async def say(self, prompt_id: str, *, barge_in: bool = False) -> bool:
        """Play a prompt of the flow; True when a key interrupted it."""
        return await self.play(self.audio(prompt_id), barge_in=barge_in)

    # -- trace -----------------------------------------------------------------------------------------------

    def event(self, kind: str, /, **fields: Any) -> None:
        """Record an event of this node in the trace."""
        self.tracer.emit(kind, self.node.id, **fields)
