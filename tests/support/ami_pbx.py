"""What the calls of one modelled Asterisk share: the clock, the event bus, the sounds, AstDB, mailboxes, queue
members' counters, the Local channel counter, the channels that exist now and the callers waiting in each queue.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ami_channels import Half, device_state
from ami_clock import Clock
from ami_events import EventBus
from ami_sounds import Sounds

from callflow.runtime.asterisk.protocol import Message

if TYPE_CHECKING:
    from ami_call import Call
    from ami_queue_call import QueueCall


@dataclass
class MemberStats:
    """A queue member's counters as `QueueMemberStatus` reports them."""

    calls_taken: int = 0
    last_call: int = 0  # epoch seconds


@dataclass
class Pbx:
    """The shared state of the modelled Asterisk."""

    clock: Clock
    bus: EventBus
    sounds: Sounds
    next_local: int = 0  # the Local channel counter (`Local/…-0000001a;1`)
    unrecorded: list[str] = field(default_factory=list)
    database: dict[tuple[str, str], str] = field(default_factory=dict)
    globals: dict[str, str] = field(default_factory=dict)  # global dialplan variables (Setvar without Channel)
    new_messages: dict[str, int] = field(default_factory=dict)  # mailbox -> new voicemail messages
    members: dict[tuple[str, str], MemberStats] = field(default_factory=dict)  # (queue, interface)
    started_epoch: int = field(default_factory=lambda: int(time.time()))
    booted_s: float = 0.0  # the model time this Asterisk started (the clock runs on across restarts)
    channels: dict[str, tuple[Call, Half]] = field(default_factory=dict)  # live channels by name
    extra_channels: dict[str, Half] = field(default_factory=dict)  # a Queue's or Dial's agent (CoreShowChannels)
    device_states: dict[str, str] = field(default_factory=dict)  # cached states of Queue: and MWI: devices
    queue_lines: dict[str, list[QueueCall]] = field(default_factory=dict)  # the callers in each queue, head first
    member_rings: dict[str, int] = field(default_factory=dict)  # member interface -> callers ringing it now
    tasks: set[asyncio.Task[None]] = field(default_factory=set)  # what runs outside any call

    def emit(self, event: Message) -> None:
        """Raise an event (model time stands still until the clients have had time to react to it)."""
        self.clock.touch()
        self.bus.emit(event)

    def cached_device(self, device: str, state: str) -> None:
        """A `DeviceStateChange` of a device whose state Asterisk caches: raised only when it changes (recorded:
        `Queue:support_avail NOT_INUSE` in the first Queue call only)."""
        if self.device_states.get(device) != state:
            self.device_states[device] = state
            self.emit(device_state(device, state))

    def background(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """Run a coroutine that belongs to no call (cancelled by `stop`)."""
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def stop(self) -> None:
        """Cancel what runs in the background."""
        for task in list(self.tasks):
            task.cancel()

    def local_number(self) -> int:
        """The number of the next Local channel pair."""
        number, self.next_local = self.next_local, self.next_local + 1
        return number

    @staticmethod
    def uniqueid(number: int, half: int) -> str:
        """Asterisk's own Uniqueid of half 1 or 2 of Local pair `number`: `<epoch>.<channel count>` (recorded
        `1795448220.32`/`.33` for pair `-00000010`, `1795448207.22` for `-0000000b`)."""
        return f"{int(time.time())}.{2 * number + half - 1}"

    def refuse(self, what: str) -> None:
        """Note something the recordings do not show (the model stops that call)."""
        self.unrecorded.append(what)
