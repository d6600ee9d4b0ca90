"""When a caller waiting in an Asterisk queue next hears something from the flow.

The driver waits in `EXEC Queue` stretches, each given a timeout (whole seconds, the forms recorded) that ends it when
the flow has something to say: a position announcement, the offer to leave, or the end of the wait. Between
stretches the caller hears it and joins again where it was. A caller with nobody ahead is next: it is not taken out
of the line for announcements any more (an agent who frees up meanwhile would go to the caller behind it).

Time in the queue is counted as Asterisk counts it: a stretch that timed out lasted its timeout (queue-rejoin.txt:
`HoldTime` is the timeout); the time between stretches (prompts, replies) is measured by the caller's clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from callflow.runtime.types import QueueRequest

LONGEST_STRETCH_S = 3600
"""The longest one EXEC Queue runs when nothing is due: the caller then joins again at its place and waits on."""

_ROUNDING_S = 1e-6


@dataclass
class QueueSchedule:
    """The moments (seconds since joining; `math.inf`: never) at which the flow speaks to a waiting caller."""

    announce_every_s: float | None
    next_announcement: float
    offer_at: float
    give_up_at: float
    waited_s: float = 0.0

    @classmethod
    def of(cls, request: QueueRequest) -> QueueSchedule:
        """The schedule of a caller joining now (an entry announcement, if any, is made before the first stretch)."""
        every = request.announce_every_s if request.announce is not None else None
        offer_after = request.offer_after_s if request.offer is not None else None
        return cls(
            announce_every_s=every,
            next_announcement=every if every else math.inf,
            offer_at=offer_after if offer_after is not None else math.inf,
            give_up_at=request.max_wait_s if request.max_wait_s is not None else math.inf,
        )

    def stretch_s(self) -> int:
        """How long the next EXEC Queue may run: until the next moment, whole seconds, at least one."""
        until = min(self.next_announcement, self.offer_at, self.give_up_at, self.waited_s + LONGEST_STRETCH_S)
        return max(1, math.ceil(until - self.waited_s - _ROUNDING_S))

    def passed(self, seconds: float) -> None:
        """Count time spent waiting: a stretch that timed out, or the time between two stretches."""
        self.waited_s += seconds

    def gives_up(self) -> bool:
        """Whether the wait is over."""
        return self.waited_s + _ROUNDING_S >= self.give_up_at

    def offers(self) -> bool:
        """Whether the offer is due now (it is made once)."""
        if self.waited_s + _ROUNDING_S < self.offer_at:
            return False
        self.offer_at = math.inf
        return True

    def announces(self) -> bool:
        """Whether a position announcement is due now."""
        return self.waited_s + _ROUNDING_S >= self.next_announcement

    def announced(self, ahead: int) -> None:
        """A position announcement was made (or was due) with `ahead` callers ahead; with nobody ahead, the last."""
        if self.announce_every_s is None or ahead <= 0:
            self.next_announcement = math.inf
            return
        while self.next_announcement <= self.waited_s + _ROUNDING_S:
            self.next_announcement += self.announce_every_s
