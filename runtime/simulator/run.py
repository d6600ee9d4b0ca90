"""Simulating one call: a flow, an environment, a moment, a caller and a script, run on a virtual clock."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from callflow.flowlang.environment import Environment
from callflow.flowlang.model import Flow
from callflow.flowlang.registry import Registry, default_registry
from callflow.runtime.call_record import CallOrigin
from callflow.runtime.context import Call
from callflow.runtime.data import DataSources
from callflow.runtime.engine import Engine
from callflow.runtime.flows import FlowLibrary, FlowSource
from callflow.runtime.http_stubs import HttpStubs, stubbed
from callflow.runtime.recorder import Recorder, RecordingStore, record_of
from callflow.runtime.simulator.channel import Recognize, SimulatedChannel
from callflow.runtime.simulator.clock import DEFAULT_LIMIT_S, VirtualClock
from callflow.runtime.simulator.script import Step
from callflow.runtime.trace import Tracer
from callflow.runtime.types import Audio, NullStore, Speech, Store
from callflow.speech.lengths import PromptLengths
from callflow.speech.types import Recognizer


@dataclass
class Simulation:
    """What happened on a simulated call."""

    tracer: Tracer = field(repr=False)
    reason: str
    store: Store = field(repr=False)
    variables: dict[str, Any] = field(default_factory=dict)
    taken: list[tuple[str, str, str]] = field(default_factory=list)
    visited: list[tuple[str, str]] = field(default_factory=list)

    @property
    def events(self) -> list[dict[str, Any]]:
        """The call's trace, one JSON object per event."""
        return self.tracer.events

    def said(self) -> list[str]:
        """Every text the caller heard, in order."""
        return [e["text"] for e in self.events if e["event"] == "prompt" and e.get("text")]

    def nodes(self) -> list[str]:
        """The nodes the call passed through, in order (repeats kept)."""
        seen: list[str] = []
        for event in self.events:
            node = event.get("node")
            if node and (not seen or seen[-1] != node):
                seen.append(node)
        return seen

    @property
    def end(self) -> dict[str, Any]:
        """The final `end` event."""
        return self.events[-1]


def moment(text: str | None, environment: Environment) -> datetime:
    """The start of a simulated call: an ISO date-time (with an offset, or in the environment's time zone)."""
    zone = ZoneInfo(environment.timezone)
    if text is None:
        return datetime.now(zone)
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


@dataclass
class Simulator:
    """Runs simulated calls of the flows in one folder against one environment.

    `prompts` is a folder of rendered prompts (`callflow render-prompts`' output, the prompt cache): prompts found
    there last as long as their files; the others as long as the calibrated estimate says (`speech/lengths.py`)."""

    environment: Environment
    directory: Path
    registry: Registry = field(default_factory=default_registry)
    store: Store = field(default_factory=NullStore)
    recognize: Recognize | None = None
    prompts: Path | None = None
    library: FlowSource | None = None
    """Where subflows are found (default: the flow files in `directory`)."""
    recorder: Recorder | None = None
    """Where each call's record goes (`callflow simulate --save`), under `origin`; None: not recorded."""
    origin: CallOrigin | None = None

    def __post_init__(self) -> None:
        if self.library is None:
            self.library = FlowLibrary(self.directory, self.registry)
        self._origins: dict[str, CallOrigin] = {}
        if self.recorder is not None:
            self.store = RecordingStore(self.store, self.recorder, self._origins.get)
        self.data = DataSources(self.environment, inline=True)
        self.engine = Engine(self.registry, self.environment, self.store, self.data, self.library)
        self.recognizer: Recognizer | None = None
        self.lengths = PromptLengths(self.environment, self.prompts, self.directory)

    def length(self, audio: Audio) -> float:
        """How long a prompt plays on a line: its file's length (a recording, or the rendered text), or the
        estimate."""
        if audio.file is not None:
            return self.lengths.file_s(audio.file)
        return self.lengths.text_s(audio.text or "", audio.language)

    def _recognize(self, file: str, phrases: tuple[str, ...], language: str) -> Speech | None:
        """`say:@FILE` (relative to the flow folder) through vosk with the environment's models.

        Speech that matches no expected phrase is heard as empty text: not silence, but a no-match."""
        if self.recognizer is None:
            from callflow.speech.recognition import VoskRecognizer  # vosk loads only once a caller speaks a file

            self.recognizer = VoskRecognizer.from_environment(self.environment)
        heard = self.recognizer.recognize(self.directory / file, language, phrases)
        return Speech(heard.text or "", heard.confidence)

    async def call(
        self,
        flow: Flow,
        steps: list[Step],
        *,
        at: datetime,
        caller: str = "10000000000",
        called: str = "12345",
        switches: dict[str, bool] | None = None,
        limit_s: float = DEFAULT_LIMIT_S,
        queue_position: int = 1,
        inputs: dict[str, Any] | None = None,
        sink: Any = None,
        language: str | None = None,
        http: HttpStubs | None = None,
    ) -> Simulation:
        """One call through a flow, the caller following the steps; `inputs` start a subflow on its own; the call
        starts in `language` (default: the flow's); `http` answers the lookups of the sources it stubs (their delays
        in virtual time)."""
        clock = VirtualClock(at, limit_s)
        tracer = Tracer(clock, sink=sink)
        channel = SimulatedChannel(
            steps,
            clock,
            tracer,
            queue_position=queue_position,
            recognize=self.recognize or self._recognize,
            length=self.length,
        )
        call = Call(
            id=f"{random.getrandbits(48):012x}",  # 12 random hex digits, as a uuid4's first 12, without a syscall
            caller=caller,
            called=called,
            start=at,
            language=language or flow.language or "",
            switches=dict(switches or {}),
        )
        with stubbed(http):
            if self.recorder is None:
                reason = await self.engine.run_call(flow, call, channel, clock, tracer, inputs)
            else:
                origin = self.origin or CallOrigin("default", flow.name)
                self._origins[call.id] = origin = replace(origin, flow=origin.flow or flow.name)
                try:
                    reason = await self.engine.run_call(flow, call, channel, clock, tracer, inputs)
                finally:
                    del self._origins[call.id]
                self.recorder.call_ended(origin, record_of(origin, call, tracer.events), tracer.events)
        return Simulation(tracer, reason, self.store, call.variables, call.taken, call.visited)

    def run(self, flow: Flow, steps: list[Step], **options: Any) -> Simulation:
        """`call`, for code that is not async."""
        return asyncio.run(self.call(flow, steps, **options))

    def close(self) -> None:
        """Release the data sources."""
        self.data.close()
