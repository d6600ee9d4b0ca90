"""Waiting in tests: on events where there are any, with wall-clock deadlines stretched by the measured slowdown
(`slowdown`), so that a busy machine makes a test slower, not red."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from slowdown import seconds

from callflow.runtime.asterisk.protocol import Message

POLL_S = 0.01


async def eventually(condition: Callable[[], bool], timeout_s: float = 10, what: str = "the condition") -> None:
    """Wait until `condition()` holds, looked at every few milliseconds, for at most `timeout_s` wall-clock seconds
    stretched by the slowdown (for states no event announces, such as a connection made again)."""

    async def wait() -> None:
        while not condition():
            await asyncio.sleep(POLL_S)

    try:
        await asyncio.wait_for(wait(), seconds(timeout_s))
    except TimeoutError:
        raise AssertionError(f"{what} did not come within {seconds(timeout_s):.1f} s") from None


class Seen:
    """What an AMI event handler was handed (the `key` header of each event), and waits for what a test expects,
    woken by each arrival."""

    def __init__(self, key: str = "Event") -> None:
        self.key = key
        self.values: list[str] = []
        self._changed = asyncio.Event()

    def __call__(self, event: Message) -> None:
        self.values.append(event[self.key])
        self._changed.set()

    async def until(self, done: Callable[[list[str]], bool], timeout_s: float = 10) -> list[str]:
        """The values seen, once `done(values)` holds."""

        async def wait() -> None:
            while not done(self.values):
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(wait(), seconds(timeout_s))
        except TimeoutError:
            raise AssertionError(f"only {self.values[-20:]} came within {seconds(timeout_s):.1f} s") from None
        return self.values
