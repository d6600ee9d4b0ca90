"""The `Clock` of live calls: the real time of day in the environment's time zone, and real waiting."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


class WallClock:
    """Real time for one call; `elapsed` counts from the moment the call reached Callflow.

    With `start`, the time of day begins there and runs at the real pace: a live test can place a call at 10:00 on
    a working Friday whenever it runs.
    """

    def __init__(self, timezone: str, start: datetime | None = None) -> None:
        self.zone = ZoneInfo(timezone)
        self.start = start
        self._started = time.monotonic()

    def now(self) -> datetime:
        """The current moment, in the environment's time zone."""
        if self.start is not None:
            return (self.start + timedelta(seconds=self.elapsed())).astimezone(self.zone)
        return datetime.now(self.zone)

    def elapsed(self) -> float:
        """Seconds since the call began."""
        return time.monotonic() - self._started

    async def sleep(self, seconds: float) -> None:
        """Wait for real."""
        await asyncio.sleep(seconds)
