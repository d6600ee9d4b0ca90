"""A virtual clock: time passes only when the call waits, so an hour-long call simulates in milliseconds."""

from __future__ import annotations

from datetime import datetime, timedelta

from callflow.runtime.signals import TimeLimit

DEFAULT_LIMIT_S = 3600.0
MAX_LIMIT_S = 86_400.0
"""The longest time limit of a simulated call (a day): every simulated call ends, and soon."""


def checked_limit(limit_s: object) -> float:
    """`limit_s` when it can be a simulated call's time limit (more than 0 s, at most a day); ValueError saying
    what a limit must be (`nan` and `inf` too: with either, a call would never end)."""
    if isinstance(limit_s, (int, float)) and not isinstance(limit_s, bool):
        if 0 < limit_s <= MAX_LIMIT_S:  # false for nan
            return float(limit_s)
        shown = format(limit_s, "g")
    else:
        shown = repr(limit_s)
    raise ValueError(
        f"a time limit is a number of seconds more than 0 and at most {MAX_LIMIT_S:.0f} (a day), not {shown}"
    )


class VirtualClock:
    """Virtual time for one simulated call, starting at a chosen moment, with a time limit (see `checked_limit`)."""

    __slots__ = ("limit_s", "start", "t")

    def __init__(self, start: datetime, limit_s: float = DEFAULT_LIMIT_S) -> None:
        if start.tzinfo is None:
            raise ValueError("the virtual clock needs a time-zone aware start")
        self.start = start
        self.limit_s = checked_limit(limit_s)
        self.t = 0.0

    def now(self) -> datetime:
        """The virtual moment."""
        return self.start + timedelta(0, self.t)  # (days, seconds): positional, as it is cheaper

    def elapsed(self) -> float:
        """Virtual seconds since the call began."""
        return self.t

    async def sleep(self, seconds: float) -> None:
        """Let virtual time pass."""
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Move time on; a call that reaches the time limit ends there."""
        self.t += max(seconds, 0.0)
        if self.t >= self.limit_s:
            self.t = self.limit_s
            raise TimeLimit()

    def advance_to(self, t: float) -> None:
        """Move time on to a moment (never back)."""
        seconds = t - self.t  # added, not `t` itself: the same float as `advance` makes
        if seconds > 0.0:
            self.t += seconds
            if self.t >= self.limit_s:
                self.t = self.limit_s
                raise TimeLimit()
