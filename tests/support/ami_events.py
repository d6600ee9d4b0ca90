"""Where the AMI test server's events go: to every session whose event mask allows them, and to tests waiting for one.

Asterisk raises the events of one moment from several threads, so the order of events that happen at the same time
varied between recorded calls (the events around ANSWER and around a hangup, fact 31). The model raises them in one
recorded order. A replay test passes `Hints` taken from the recording it replays: the events of one model instant are
then collected until the event loop has gone quiet and handed out in the order that recording shows, and the delay
before each AGI command is picked up is the recorded one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

from callflow.runtime.asterisk.protocol import Message

QUIET_ITERATIONS = 16  # event-loop iterations without a new event that end a batch (a woken task needs several)

Deliver = Callable[[Message], None]
Predicate = Callable[[Message], bool]


class Hints(Protocol):
    """What a recording says about the races the model cannot know (see `ami_replay.RecordedHints`)."""

    def order(self, batch: list[Message]) -> list[Message]:
        """The events of one moment in the order the recording shows them."""
        ...

    def pickup_s(self, channel: str, index: int) -> float | None:
        """How long after the channel went idle (AsyncAGIStart, or the end of the previous command) its AGI command
        number `index` started (None: not recorded). The model starts the command then even when the replayed
        client sent it later, so the replay's own delays do not move the call's time line."""
        ...


class EventBus:
    """Hands events to `deliver` (the sessions) and to `wait_for` callers, in recorded order when given `hints`."""

    def __init__(self, deliver: Deliver, hints: Hints | None = None) -> None:
        self._deliver = deliver
        self.hints = hints
        self._batch: list[Message] = []
        self._size = 0
        self._quiet = 0
        self._scheduled = False
        self._waiters: list[tuple[Predicate, asyncio.Future[Message]]] = []

    def emit(self, event: Message) -> None:
        """Send an event (at once, or with the others of its moment when replaying)."""
        if self.hints is None:
            self._hand_out(event)
            return
        self._batch.append(event)
        if not self._scheduled:
            self._scheduled, self._quiet, self._size = True, 0, len(self._batch)
            asyncio.get_running_loop().call_soon(self._tick)

    def _tick(self) -> None:
        if len(self._batch) != self._size:
            self._size, self._quiet = len(self._batch), 0
        else:
            self._quiet += 1
        if self._quiet < QUIET_ITERATIONS:
            asyncio.get_running_loop().call_soon(self._tick)
            return
        self.flush()

    def flush(self) -> None:
        """Hand out the events collected so far."""
        batch, self._batch, self._scheduled = self._batch, [], False
        assert self.hints is not None or not batch
        for event in self.hints.order(batch) if self.hints is not None else batch:
            self._hand_out(event)

    def _hand_out(self, event: Message) -> None:
        self._deliver(event)
        self.notify(event)

    def notify(self, event: Message) -> None:
        """Show an event sent past the bus (the session layer's security events) to `wait_for` callers."""
        for waiter in list(self._waiters):
            predicate, future = waiter
            if not future.done() and predicate(event):
                future.set_result(event)
                self._waiters.remove(waiter)

    async def wait_for(self, predicate: Predicate, timeout_s: float) -> Message:
        """The next event for which `predicate` is true; TimeoutError after `timeout_s` wall-clock seconds."""
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        waiter = (predicate, future)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout_s)
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
