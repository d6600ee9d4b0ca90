"""The seam between calls and their records: the simulator and the live call service both feed a `Recorder`.

A call that runs in real time (`CallLog`) hands its events over at least once a second while it runs (on a timer
when no new event comes: a caller waiting in a queue), so a crash mid-call keeps what happened up to a second before
it (the record marked unfinished), and its whole record when it ends. A simulated
call, over in an instant, hands only its whole record. Handing over never waits: the recorder writes off the
call's path (`runtime/writer.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from callflow.runtime.call_record import CallOrigin, summarize
from callflow.runtime.context import Call
from callflow.runtime.types import Store

PROGRESS_EVERY_S = 1.0
"""A running call's events reach the recorder at least this often (the most a crash can lose of a live call)."""


class Cancellable(Protocol):
    """A timer that can be cancelled (`asyncio.TimerHandle`)."""

    def cancel(self) -> None:
        """Do not run it."""


Later = Callable[[float, Callable[[], None]], Cancellable]
"""Runs a callback after a delay in seconds, on the call's thread (`loop.call_later`)."""


class Recorder(Protocol):
    """Where call records go."""

    def call_progress(
        self, origin: CallOrigin, record: dict[str, Any], part: int, events: list[dict[str, Any]]
    ) -> None:
        """A running call's record so far (unfinished) and its events since the last part."""

    def call_ended(self, origin: CallOrigin, record: dict[str, Any], events: list[dict[str, Any]]) -> None:
        """A call's whole record and all its events."""

    def voicemail(self, origin: CallOrigin, message: Mapping[str, Any]) -> None:
        """A voicemail message a call left (its audio file, when it has one, is complete)."""


@dataclass
class NullRecorder:
    """A recorder that keeps records in memory (tests, and calls nobody asked to save)."""

    ended: list[dict[str, Any]] = field(default_factory=list)
    progress: list[tuple[dict[str, Any], int, list[dict[str, Any]]]] = field(default_factory=list)
    voicemails: list[dict[str, Any]] = field(default_factory=list)

    def call_progress(
        self, origin: CallOrigin, record: dict[str, Any], part: int, events: list[dict[str, Any]]
    ) -> None:
        self.progress.append((record, part, events))

    def call_ended(self, origin: CallOrigin, record: dict[str, Any], events: list[dict[str, Any]]) -> None:
        self.ended.append({**record, "events": events})

    def voicemail(self, origin: CallOrigin, message: Mapping[str, Any]) -> None:
        self.voicemails.append({**message, "tenant": origin.tenant})


def record_of(origin: CallOrigin, call: Call, events: list[dict[str, Any]], *, finished: bool = True) -> dict[str, Any]:
    """The record of a call from its trace (see `runtime/call_record.py`)."""
    return summarize(
        origin,
        call_id=call.id,
        caller=call.caller,
        called=call.called,
        language=call.language,
        start=call.start,
        events=events,
        taken=call.taken,
        visited=call.visited,
        flows=call.flows,
        finished=finished,
    )


class CallLog:
    """One live call's records: its events handed to the recorder as the call goes (at most `every_s` after they
    happened: checked at each event, and on a timer of `later` when no event follows), and the whole record at the
    end. Use `sink` as (or inside) the call's tracer sink."""

    def __init__(
        self,
        recorder: Recorder,
        origin: CallOrigin,
        call: Call,
        *,
        every_s: float = PROGRESS_EVERY_S,
        monotonic: Callable[[], float] = time.monotonic,
        later: Later | None = None,
    ) -> None:
        self.recorder, self.origin, self.call = recorder, origin, call
        self._later = later
        self._timer: Cancellable | None = None
        self.every_s = every_s
        self._monotonic = monotonic
        self._events: list[dict[str, Any]] = []
        self._handed = 0
        self._part = 0
        self._last = monotonic()
        self._ended = False

    def sink(self, event: dict[str, Any]) -> None:
        """Take one event as it happens."""
        self._events.append(event)
        since = self._monotonic() - self._last
        if event.get("event") == "start" or since >= self.every_s:
            self.hand_over()
        elif self._later is not None and self._timer is None:
            self._timer = self._later(self.every_s - since, self._due)

    def _due(self) -> None:
        self._timer = None
        self.hand_over()

    def hand_over(self) -> None:
        """Hand the events not yet handed over to the recorder (the record stays unfinished)."""
        self._cancel_timer()
        if self._ended or self._handed == len(self._events):
            return
        fresh = self._events[self._handed :]
        record = record_of(self.origin, self.call, self._events, finished=False)
        self.recorder.call_progress(self.origin, record, self._part, fresh)
        self._part += 1
        self._handed = len(self._events)
        self._last = self._monotonic()

    def end(self, events: list[dict[str, Any]] | None = None) -> None:
        """The call is over: its whole record (from `events`, by default those the sink saw)."""
        if self._ended:
            return
        self._ended = True
        self._cancel_timer()
        every = list(events if events is not None else self._events)
        self.recorder.call_ended(self.origin, record_of(self.origin, self.call, every), every)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class RecordingStore:
    """A call's `Store` that also hands each voicemail message to the recorder, under the call's origin."""

    def __init__(self, inner: Store, recorder: Recorder, origin_of: Callable[[str], CallOrigin | None]) -> None:
        self.inner, self.recorder, self.origin_of = inner, recorder, origin_of

    def save_voicemail(self, message: Mapping[str, Any]) -> None:
        """Keep the message where the inner store keeps it, and in the records' inbox."""
        self.inner.save_voicemail(message)
        origin = self.origin_of(str(message.get("call_id") or ""))
        if origin is not None:
            self.recorder.voicemail(origin, message)

    def save_values(self, call_id: str, values: Mapping[str, Any]) -> None:
        """Keep values with the call (the inner store's; the record has them from the trace)."""
        self.inner.save_values(call_id, values)
