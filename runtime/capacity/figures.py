"""What a run counts while it goes: per queue and interval, and per call. Counters only, never the calls.

A queue's figures go to the interval in which the caller joined the queue (as workforce tools count a call
offered); a call's outcome goes to the interval in which it arrived.
"""

from __future__ import annotations

from collections import Counter

WAIT_BIN_S = 10.0
"""The width of a bar in the histogram of waits."""

OUTCOMES = ("answered", "abandoned", "voicemail", "transferred", "contained", "left_queue", "time_limit")
"""How a call ended, each call exactly one of them (the first that applies):

- `answered`: an agent talked with the caller;
- `time_limit`: the call reached its time limit (still waiting, or in a loop) before any agent;
- `abandoned`: the caller hung up while waiting in a queue;
- `voicemail`: the caller reached a voicemail node (took the queue's offer, or the flow sent it there);
- `transferred`: the flow handed the call to a destination (a transfer node, or the fallback after an error);
- `left_queue`: the caller left a queue without an agent (its `max_wait`) and the flow then ended the call;
- `contained`: the call ended in the flow (self-service) without a queue, voicemail or transfer.
"""

QUEUE_ENDINGS = ("answered", "abandoned", "offer", "timeout")
"""How a wait in a queue ended: an agent, a hang-up, the queue's offer taken, its `max_wait`."""


class QueueFigures:
    """One queue's counts per interval, and the waits' histograms."""

    __slots__ = (
        "abandoned",
        "answered",
        "interval_s",
        "last",
        "longest",
        "offer",
        "offered",
        "sl_s",
        "timeout",
        "wait_sum",
        "waits",
        "within",
    )

    def __init__(self, intervals: int, interval_s: float, sl_s: float) -> None:
        self.interval_s = interval_s
        self.last = intervals - 1
        self.sl_s = sl_s
        self.offered = [0] * intervals
        self.answered = [0] * intervals
        self.within = [0] * intervals
        """Answered within the service-level time."""
        self.abandoned = [0] * intervals
        self.offer = [0] * intervals
        self.timeout = [0] * intervals
        self.wait_sum = [0.0] * intervals
        """Waits of the answered callers, summed."""
        self.longest = [0.0] * intervals
        """The longest wait of any caller (answered or not)."""
        self.waits: dict[str, Counter[int]] = {"answered": Counter(), "abandoned": Counter()}

    def index(self, t: float) -> int:
        """The interval of a moment (after the last interval: the last)."""
        index = int(t // self.interval_s)
        return index if index < self.last else self.last

    def join(self, t: float) -> int:
        """A caller joined the queue at `t`; the interval its wait counts in."""
        index = self.index(t)
        self.offered[index] += 1
        return index

    def answer(self, index: int, wait_s: float) -> None:
        """An agent took a caller after a wait."""
        self.answered[index] += 1
        self.wait_sum[index] += wait_s
        if wait_s <= self.sl_s:
            self.within[index] += 1
        if wait_s > self.longest[index]:
            self.longest[index] = wait_s
        self.waits["answered"][int(wait_s // WAIT_BIN_S)] += 1

    def leave(self, index: int, wait_s: float, how: str) -> None:
        """A caller left without an agent: `abandoned`, `offer` or `timeout`."""
        getattr(self, how)[index] += 1
        if wait_s > self.longest[index]:
            self.longest[index] = wait_s
        if how == "abandoned":
            self.waits["abandoned"][int(wait_s // WAIT_BIN_S)] += 1


class CallFigures:
    """Calls by outcome and caller type, per arrival interval; traffic through each node and exit."""

    __slots__ = ("by_type", "errors", "exits", "fallbacks", "interval_s", "last", "outcomes", "visits")

    def __init__(self, intervals: int, interval_s: float, caller_types: int) -> None:
        self.interval_s = interval_s
        self.last = intervals - 1
        self.outcomes = {outcome: [0] * intervals for outcome in OUTCOMES}
        self.by_type = [dict.fromkeys(OUTCOMES, 0) for _ in range(caller_types)]
        self.visits: Counter[tuple[str, str]] = Counter()
        """Calls entering each node, as (flow, node); a call entering twice counts twice."""
        self.exits: Counter[tuple[str, str, str]] = Counter()
        """Exits taken, as (flow, node, exit)."""
        self.errors = 0
        """Nodes that failed (took their `error` exit)."""
        self.fallbacks = 0
        """Calls that fell back to the apology and the fallback destination."""

    def end(self, arrived_s: float, caller_type: int, outcome: str) -> None:
        """A call that arrived at `arrived_s` ended so."""
        index = int(arrived_s // self.interval_s)
        self.outcomes[outcome][index if index < self.last else self.last] += 1
        self.by_type[caller_type][outcome] += 1

    def arrivals(self) -> list[int]:
        """Calls per arrival interval."""
        return [sum(column) for column in zip(*self.outcomes.values(), strict=True)]
