"""What a recording settled that the AMI test server's model cannot know, for replaying that recording exactly.

Asterisk raises the events of one moment from several threads, and an idle AsyncAGI channel picks a queued command up
at its next poll or frame; both varied between recorded calls. `RecordedHints(transcript)` (an `ami_events.Hints`)
gives the server the recording's order for the events of each model instant and each AGI command's recorded pickup
delay. With several connections, the order is taken from the connection logged in longest at the time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from transcripts import Transcript

from callflow.runtime.asterisk.protocol import Message, MessageReader

# Headers that tell one event from another of the same moment (values that differ per run left out).
KEY_HEADERS = (
    "Event", "Channel", "DestChannel", "LocalOneChannel", "Device", "State", "Variable", "Application",
    "Priority", "ChannelState", "Cause", "DialStatus", "BridgeNumChannels", "Queue", "Status", "Mailbox", "UserEvent",
)  # fmt: skip


def event_key(event: Message) -> tuple[str | None, ...]:
    """What identifies an event among those of one moment."""
    client_id = event.get("CommandId") if event.get("Event") == "AsyncAGIExec" else None
    return (*(event.get(h) for h in KEY_HEADERS), client_id)


@dataclass(frozen=True)
class Timed:
    """A message of one connection, and when it was sent or received (recorded seconds)."""

    tag: str
    direction: str
    time_s: float
    message: Message


def timed_messages(transcript: Transcript) -> list[Timed]:
    """Every message of every connection, in file order, timed by the record that completes it."""
    parsers: dict[tuple[str, str], MessageReader] = {}
    out: list[Timed] = []
    for record in transcript.records:
        if record.direction == "#":
            continue
        key = (record.tag, record.direction)
        parser = parsers.setdefault(key, MessageReader(expect_banner=record.direction == "S>C"))
        for item in parser.feed(record.payload):
            if isinstance(item, Message):
                out.append(Timed(record.tag, record.direction, record.time_s, item))
    return out


class RecordedHints:
    """The recorded order of simultaneous events and the recorded AGI pickup delays of one transcript."""

    def __init__(self, transcript: Transcript) -> None:
        messages = timed_messages(transcript)
        span = {tag: (min(m.time_s for m in messages if m.tag == tag), max(m.time_s for m in messages if m.tag == tag))
                for tag in transcript.tags}  # fmt: skip

        def owner(at: float) -> str:
            live = [tag for tag, (first, last) in span.items() if first <= at <= last]
            return min(live, key=lambda tag: span[tag][0])

        events = [m for m in messages if m.direction == "S>C" and "Event" in m.message]
        self._keys = [event_key(m.message) for m in events if m.tag == owner(m.time_s)]
        self._used = [False] * len(self._keys)
        self._cursor = 0
        self._pickups = _pickups(messages)

    def order(self, batch: list[Message]) -> list[Message]:
        """The events of one moment in the recording's order (matched to the recording's unused events in turn)."""
        positions: list[float] = []
        for event in batch:
            key = event_key(event)
            found = self._find(key, self._cursor)
            if found is None:
                found = self._find(key, 0)
            if found is not None:
                self._used[found] = True
            positions.append(math.inf if found is None else found)
        assigned = [p for p in positions if p != math.inf]
        if assigned:
            self._cursor = max(self._cursor, int(min(assigned)))
        return [event for _, _, event in sorted(zip(positions, range(len(batch)), batch, strict=True))]

    def _find(self, key: tuple[str | None, ...], start: int) -> int | None:
        return next((i for i in range(start, len(self._keys)) if not self._used[i] and self._keys[i] == key), None)

    def pickup_s(self, channel: str, index: int) -> float | None:
        """How long after `channel` went idle (AsyncAGIStart, or the previous command's end) the recording's AGI
        command `index` on it started."""
        delays = self._pickups.get(channel, [])
        return delays[index] if index < len(delays) else None


def _pickups(messages: list[Timed]) -> dict[str, list[float]]:
    starts: dict[str, dict[str, float]] = {}
    ends: dict[str, dict[str, float]] = {}
    idle: dict[str, float] = {}
    for m in messages:
        event, channel = m.message.get("Event"), m.message.get("Channel", "")
        if event == "AsyncAGIStart":
            idle.setdefault(channel, m.time_s)
        elif event in ("AGIExecStart", "AGIExecEnd"):
            (starts if event == "AGIExecStart" else ends).setdefault(channel, {}).setdefault(
                m.message["CommandId"], m.time_s
            )
    out: dict[str, list[float]] = {}
    for channel, started in starts.items():
        previous = idle.get(channel, 0.0)
        delays = []
        for command_id, start in started.items():
            delays.append(max(0.0, start - previous))
            previous = ends.get(channel, {}).get(command_id, start)
        out[channel] = delays
    return out
