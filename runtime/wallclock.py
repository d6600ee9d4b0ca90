"""The `Clock` of live calls: the real time of day in the environment's time zone, and real waiting."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from zoneinfo import ZoneInfo


class WallClock:
    """Real time for one call; `elapsed` counts from the moment the call reached Callflow."""

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)
        self._started = time.monotonic()

    def now(self) -> datetime:
        """The current moment, in the environment's time zone."""
        return datetime.now(self.zone)

    def elapsed(self) -> float:
        """Seconds since the call began."""
        return time.monotonic() - self._started

    async def sleep(self, seconds: float) -> None:
        """Wait for real."""
        await asyncio.sleep(seconds)
