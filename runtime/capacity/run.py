"""One load run: calls arrive, each runs through the real engine and the real flow, all on one shared clock.

`run_load` is the whole of it for a caller that is not async (the command line; a worker thread of the flow
service, which passes a `progress` callback); `LoadRun.run` is the same for a caller already in an event loop.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from callflow.flowlang.registry import Registry, default_registry
from callflow.runtime.capacity.agents import AgentGroup
from callflow.runtime.capacity.channel import LoadCall, LoadChannel, LoadTracer
from callflow.runtime.capacity.figures import CallFigures, QueueFigures
from callflow.runtime.capacity.flows import FlowSet
from callflow.runtime.capacity.result import LoadResult, build_result
from callflow.runtime.capacity.scheduler import Scheduler
from callflow.runtime.capacity.spec import LoadSpec
from callflow.runtime.capacity.waiting import QueueModel
from callflow.runtime.context import Call
from callflow.runtime.data import DataSources
from callflow.runtime.engine import Engine
from callflow.runtime.simulator.clock import VirtualClock
from callflow.runtime.testing.private_data import private_data
from callflow.runtime.types import Speech

Progress = Callable[[float, int], None]
"""Told now and then how far a run is: the share of the day simulated (0 to 1) and the calls ended so far.
An exception raised by it stops the run."""

SERIES_S = 300.0
"""The step of the queue-length series over the day (the interval itself when it is not a multiple of this)."""

PROGRESS_STEPS = 100


class LoadSpecError(ValueError):
    """A load run that cannot start as asked (a queue without agents)."""


class CountingStore:
    """The run's store: voicemails and saved values are counted, not kept (nothing real is left behind)."""

    def __init__(self) -> None:
        self.voicemails = 0
        self.saved = 0

    def save_voicemail(self, message: Mapping[str, Any]) -> None:
        """Count a voicemail."""
        self.voicemails += 1

    def save_values(self, call_id: str, values: Mapping[str, Any]) -> None:
        """Count saved values."""
        self.saved += 1


class LoadRun:
    """The state of one run."""

    def __init__(self, spec: LoadSpec, progress: Progress | None = None, registry: Registry | None = None) -> None:
        self.spec = spec
        self.progress = progress
        self.flows = FlowSet(spec.flow, spec.flows)
        missing = [name for name in self.flows.queues() if name not in spec.queues]
        if missing:
            raise LoadSpecError(
                f"`{spec.flow.name}` waits in {', '.join(missing)}; give their agents with --agents "
                + ",".join(f"{name}=N" for name in missing)
            )
        self.registry = registry or default_registry()
        self.store = CountingStore()
        self.scheduler = Scheduler()
        interval_s, intervals = spec.report_interval_s, spec.intervals
        series_s = SERIES_S if interval_s % SERIES_S == 0 else interval_s
        self.series_s = series_s
        self.groups = {name: AgentGroup(name, self.scheduler, series_s) for name in spec.queues}
        self.queue_figures = {name: QueueFigures(intervals, interval_s, spec.target.seconds) for name in spec.queues}
        self.call_figures = CallFigures(intervals, interval_s, len(spec.callers.types))
        streams = {name: random.Random(f"callflow-load:{spec.seed}:{name}") for name in _STREAMS}
        self._arrivals_rng, self._types_rng = streams["arrivals"], streams["callers"]
        self._numbers_rng, self._patience_rng = streams["numbers"], streams["patience"]
        self._handling_rng = streams["handling"]
        handling = {name: staffing.handling for name, staffing in spec.queues.items()}
        self.queues = QueueModel(self.scheduler, self.groups, self.queue_figures, handling, streams["conversations"])
        self.voicemail_nodes = self.flows.voicemail_nodes()
        self.arrived = 0
        self.ended = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self._steps = [list(caller.steps) for caller in spec.callers.types]
        self._recognizer: Any = None
        # what every arrival reads, at hand
        self._pick, self._types, self._patience = spec.callers.pick, spec.callers.types, spec.patience.quantile
        self._start, self._limit_s, self._called = spec.arrivals.start, spec.limit_s, spec.called
        self._flow, self._language, self._switches = spec.flow, spec.flow.language or "", dict(spec.switches)
        self._traces = spec.traces
        self.traces: list[dict[str, Any]] = []
        """The kept traces of the first calls."""
        self._heard: dict[tuple[str, tuple[str, ...], str], Speech] = {}

    async def run(self) -> LoadResult:
        """Simulate the day and every call in it to its end; the figures.

        Lookups run on a private copy of each SQLite source (made when the run starts, deleted when it ends): a
        flow that writes (a PIN count) leaves the files as they were, and every run starts from the same data."""
        spec, scheduler = self.spec, self.scheduler
        with private_data(spec.environment) as environment:
            data = DataSources(environment, inline=True)
            self.engine = Engine(self.registry, environment, self.store, data, self.flows)
            try:
                self._staff(0)
                if self.progress is not None:
                    self._tick(1)
                await scheduler.run(spec.arrivals.times(self._arrivals_rng), self._arrive)
            finally:
                data.close()
        if self.progress is not None:
            self.progress(1.0, self.ended)
        return build_result(spec, self)

    # -- events ----------------------------------------------------------------------------------------------

    def _staff(self, interval: int) -> None:
        for name, staffing in self.spec.queues.items():
            self.groups[name].staff(staffing.at(interval))
        if interval + 1 < self.spec.intervals:
            self.scheduler.call_at((interval + 1) * self.spec.report_interval_s, self._staff, interval + 1)

    def _tick(self, step: int) -> None:
        assert self.progress is not None
        if step > 1:
            self.progress(min(step - 1, PROGRESS_STEPS - 1) / PROGRESS_STEPS, self.ended)
        if step < PROGRESS_STEPS:
            self.scheduler.call_at(step * self.spec.arrivals.duration_s / PROGRESS_STEPS, self._tick, step + 1)

    def _arrive(self) -> None:
        """A call arrives: it draws what it will do and runs through the flow until it must wait for others."""
        offset = self.scheduler.now
        kind = self._pick(self._types_rng.random())
        caller_type = self._types[kind]
        call = LoadCall(
            offset, kind, self._patience(self._patience_rng.random()), self._handling_rng.random(), self._end
        )
        start = self._start + timedelta(0, offset)
        clock = VirtualClock(start, self._limit_s)
        tracer = call.tracer = LoadTracer(clock, self.arrived < self._traces)
        channel = LoadChannel(self._steps[kind].copy(), clock, tracer, recognize=self._recognize)
        channel.call, channel.queues = call, self.queues
        self.arrived += 1
        engine_call = call.call = Call(
            f"load-{self.arrived:07d}",
            caller_type.number(self._numbers_rng),
            caller_type.called or self._called,
            start,
            self._language,
            self._switches.copy(),
        )
        call.coroutine = self.engine.run_call(self._flow, engine_call, channel, clock, tracer)
        self.in_flight += 1
        if self.in_flight > self.peak_in_flight:
            self.peak_in_flight = self.in_flight
        self.scheduler.start(call)

    def _end(self, call: LoadCall, reason: Any) -> None:
        """A call has ended: count how."""
        engine_call, tracer = call.call, call.tracer
        if call.answered:
            outcome = "answered"
        elif reason == "time_limit":
            outcome = "time_limit"
        elif call.abandoned:
            outcome = "abandoned"
        elif not self.voicemail_nodes.isdisjoint(engine_call.visited):
            outcome = "voicemail"
        elif reason == "transferred":
            outcome = "transferred"
        elif call.queued:
            outcome = "left_queue"
        else:
            outcome = "contained"
        figures = self.call_figures
        figures.end(call.offset, call.caller_type, outcome)
        figures.visits.update(engine_call.visited)
        figures.exits.update(engine_call.taken)
        figures.errors += tracer.errors
        figures.fallbacks += tracer.fallbacks
        self.in_flight -= 1
        self.ended += 1
        if tracer.keep:
            self.traces.append(
                {
                    "call": engine_call.id,
                    "caller_type": self.spec.callers.types[call.caller_type].name,
                    "caller": engine_call.caller,
                    "arrived": engine_call.start.isoformat(),
                    "outcome": outcome,
                    "events": tracer.events,
                }
            )

    def _recognize(self, file: str, phrases: tuple[str, ...], language: str) -> Speech | None:
        """`say:@FILE` through vosk, as in `callflow simulate` (the same file, phrases and language: heard once)."""
        key = (file, phrases, language)
        cache = self._heard
        if key not in cache:
            if self.spec.directory is None:
                raise LookupError(f"`say:@{file}` needs the flow's folder")
            if self._recognizer is None:
                from callflow.speech.recognition import VoskRecognizer  # vosk loads only once a caller speaks a file

                self._recognizer = VoskRecognizer.from_environment(self.spec.environment)
            heard = self._recognizer.recognize(self.spec.directory / file, language, phrases)
            cache[key] = Speech(heard.text or "", heard.confidence)
        return cache[key]


_STREAMS = ("arrivals", "callers", "numbers", "patience", "handling", "conversations")
"""The run's random streams, each seeded from the run's seed and its name, so that one kind of draw never shifts
another: the same seed gives the same calls the same callers, numbers, patience and handling times."""


def run_load(spec: LoadSpec, progress: Progress | None = None) -> LoadResult:
    """Run a load simulation to its end (in a fresh event loop: call it from a thread with none running)."""
    return asyncio.run(LoadRun(spec, progress).run())
