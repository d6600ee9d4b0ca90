"""A queue's agents and its waiting callers, shared by every call of a run: first come, first served.

An agent who is free takes the caller who has waited longest. When fewer agents are on shift than before (the
next interval's staffing), the busy ones finish their conversation first and then leave.
"""

from __future__ import annotations

from collections import deque

from callflow.runtime.capacity.levels import Level
from callflow.runtime.capacity.scheduler import Process, Scheduler

ANSWERED = "answered"
"""What a waiting call is woken with when an agent takes it."""


class Waiter:
    """A caller waiting in a queue; `answered_at` is when an agent took it (None while it waits)."""

    __slots__ = ("answered_at", "process")

    def __init__(self, process: Process) -> None:
        self.process = process
        self.answered_at: float | None = None


class AgentGroup:
    """The agents of one queue and the callers waiting for them."""

    __slots__ = ("busy", "busy_level", "name", "scheduler", "staffed", "staffed_level", "waiting", "waiting_level")

    def __init__(self, name: str, scheduler: Scheduler, bin_s: float) -> None:
        self.name = name
        self.scheduler = scheduler
        self.staffed = 0
        """Agents on shift now."""
        self.busy = 0
        """Agents talking with a caller (or finishing the last conversation of their shift)."""
        self.waiting: deque[Waiter] = deque()
        self.waiting_level = Level(bin_s)
        self.busy_level = Level(bin_s)
        """Agents' time taken (from being given a caller to the conversation's end), added as it ends."""
        self.staffed_level = Level(bin_s)

    def staff(self, agents: int) -> None:
        """Put `agents` on shift from now on."""
        self.staffed = agents
        self.staffed_level.set(self.scheduler.now, agents)
        self.dispatch()

    def join(self, waiter: Waiter) -> None:
        """A caller joins the end of the queue, and is answered at once when an agent is free."""
        now = self.scheduler.now
        if not self.waiting and self.busy < self.staffed:
            self.busy += 1
            waiter.answered_at = now
            return
        self.waiting.append(waiter)
        self.waiting_level.set(now, len(self.waiting))
        if self.busy < self.staffed:
            self.dispatch()

    def ahead(self, waiter: Waiter) -> int:
        """Callers ahead of a waiting caller."""
        return self.waiting.index(waiter)

    def leave(self, waiter: Waiter) -> None:
        """A caller leaves the queue without an agent (hung up, took the offer, waited too long)."""
        if waiter.answered_at is None and waiter in self.waiting:
            self.waiting.remove(waiter)
            self.waiting_level.set(self.scheduler.now, len(self.waiting))

    def release(self, answered_at: float) -> None:
        """An agent's conversation (taken at `answered_at`) has ended: the agent takes the next caller, or leaves
        when off shift."""
        self.busy -= 1
        self.busy_level.occupy(answered_at, self.scheduler.now)
        if self.waiting:
            self.dispatch()

    def dispatch(self) -> None:
        """Free agents take the callers who have waited longest."""
        waiting, scheduler = self.waiting, self.scheduler
        if not waiting or self.busy >= self.staffed:
            return
        now = scheduler.now
        while waiting and self.busy < self.staffed:
            waiter = waiting.popleft()
            self.busy += 1
            waiter.answered_at = now
            if waiter.process is not scheduler.current:  # the caller joining now sees it without being woken
                scheduler.wake(waiter.process, ANSWERED)
        self.waiting_level.set(now, len(waiting))
