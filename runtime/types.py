"""The runtime's protocols and the small values that cross them: time (`Clock`), the caller (`Channel`), storage.

The simulator and the Asterisk driver implement the same protocols, so they run the identical engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Audio:
    """Something to play: a text in a language (spoken by the synthesiser) and/or an audio file."""

    text: str | None = None
    language: str | None = None
    file: str | None = None
    prompt: str | None = None


@dataclass(frozen=True)
class Speech:
    """What a caller said, as recognised, with a confidence from 0 to 1; empty text when speech was heard but
    matched nothing expected (a no-match, unlike silence, which is no `Speech` at all)."""

    text: str
    confidence: float


@dataclass(frozen=True)
class Recording:
    """A recording of the caller: how long, how it ended (`silence`, `key`, `max`, `hangup`) and where it is."""

    seconds: float
    ended_by: str
    file: str | None = None


@dataclass(frozen=True)
class QueueRequest:
    """How a caller waits in a queue: position announcements, music, an offer to leave, a maximum wait.

    `announce` makes the announcement for the number of callers ahead (None: nothing to hear, the caller is next)
    and `offer` the offer (each recorded in the trace).
    """

    queue: str
    announce: Callable[[int], Audio | None] | None
    announce_every_s: float
    music: str | None
    offer: Callable[[], Audio] | None
    offer_after_s: float | None
    offer_key: str
    max_wait_s: float | None


@dataclass(frozen=True)
class QueueOutcome:
    """How waiting in a queue ended: `done` (an agent talked and hung up), `offer`, `timeout`."""

    outcome: str
    waited_s: float
    position: int | None = None


@dataclass(frozen=True)
class TransferOutcome:
    """How a transfer ended: `answered`, `busy`, `no_answer` or `failed`."""

    outcome: str


class Clock(Protocol):
    """Time, for the engine and the nodes: real on live calls, virtual in the simulator."""

    def now(self) -> datetime:
        """The current moment, time-zone aware."""

    def elapsed(self) -> float:
        """Seconds since the call began."""

    async def sleep(self, seconds: float) -> None:
        """Let time pass."""


class Channel(Protocol):
    """One caller's line. Keys pressed are buffered until read (type-ahead)."""

    async def play(self, audio: Audio, *, barge_in: bool) -> bool:
        """Play audio; with `barge_in`, a key stops it. True when a key stopped it (the key stays buffered)."""

    async def read_key(self, timeout_s: float) -> str | None:
        """The next key pressed (from the buffer first), or None after `timeout_s` of silence."""

    def typed_ahead(self) -> bool:
        """Whether a key pressed earlier (one that cut a prompt, or ended listening) waits to be read."""

    def flush_keys(self) -> None:
        """Forget keys pressed so far."""

    def take_key(self, key: str) -> bool:
        """Remove `key` if it is the next key typed ahead (a terminator pressed after the last digit)."""

    async def listen(
        self, phrases: tuple[str, ...], language: str, timeout_s: float, max_speech_s: float
    ) -> Speech | None:
        """What the caller says next, recognised against the expected phrases; None on silence, or when a key ends
        listening (the key pressed stays typed ahead, and listening ends the moment it is pressed)."""

    async def record(self, *, max_s: float, silence_s: float, terminator: str | None, beep: bool) -> Recording:
        """Record the caller until silence, the terminator key, the maximum length or hang-up."""

    async def wait_in_queue(self, request: QueueRequest) -> QueueOutcome:
        """Wait in a queue until an agent has talked with the caller, the caller takes the offer, or the wait ends."""

    async def transfer(self, destination: str, target: Mapping[str, Any], ring_s: float) -> TransferOutcome:
        """Hand the call to a destination of the environment's allow-list."""

    async def hangup(self) -> None:
        """End the call from our side."""


class Store(Protocol):
    """Where calls leave what must not be lost: voicemail, saved answers, call records."""

    def save_voicemail(self, message: Mapping[str, Any]) -> None:
        """Keep a voicemail message (caller, time, duration, language, mailbox, unread)."""

    def save_values(self, call_id: str, values: Mapping[str, Any]) -> None:
        """Keep values with the call record (a survey answer)."""


@dataclass
class NullStore:
    """A store that keeps everything in memory (for the simulator and tests)."""

    voicemails: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)

    def save_voicemail(self, message: Mapping[str, Any]) -> None:
        self.voicemails.append(dict(message))

    def save_values(self, call_id: str, values: Mapping[str, Any]) -> None:
        self.values.setdefault(call_id, {}).update(values)
