"""Model time for the AMI test server: seconds of a modelled Asterisk, running `scale` times as fast as the wall clock.

Every modelled duration (prompt lengths, poll and pickup delays, DTMF timings, caller script waits, Queue and
RECORD FILE timings) is written in model seconds and turned into event-loop deadlines here, so a test can run a call at
`scale=0.02` of real time. What the server computes from time (`endpos`, `Duration`, `DIALEDTIME_MS` …) is computed
from model time, so the bytes and the order of events do not change with the scale.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


class Clock:
    """Model seconds since the clock was made, on the running event loop's clock."""

    def __init__(self, scale: float = 1.0) -> None:
        if scale <= 0:
            raise ValueError(f"time_scale must be positive, not {scale}")
        self.scale = scale
        self._loop = asyncio.get_running_loop()
        self._origin = self._loop.time()

    def now(self) -> float:
        """The current model time."""
        return (self._loop.time() - self._origin) / self.scale

    def real(self, model_s: float) -> float:
        """How long `model_s` model seconds last on the wall clock."""
        return max(0.0, model_s) * self.scale

    async def until(self, deadline: float) -> None:
        """Sleep until model time `deadline` (at once if it has passed)."""
        await asyncio.sleep(self.real(deadline - self.now()))

    async def sleep(self, model_s: float) -> None:
        """Sleep `model_s` model seconds."""
        await asyncio.sleep(self.real(model_s))

    async def within(self, awaitable: Awaitable[T], deadline: float | None) -> T | None:
        """The awaitable's result, or None when model time `deadline` comes first (None: no deadline)."""
        if deadline is None:
            return await awaitable
        try:
            return await asyncio.wait_for(awaitable, self.real(deadline - self.now()))
        except TimeoutError:
            return None
