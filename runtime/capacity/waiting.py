"""Waiting in a queue of a load run: the shared agents, the caller's patience, the flow's announcements and offer.

A caller joins the queue when its own clock reaches the shared one; from then on it waits on the shared clock for
the first of: an agent (who talks for the handling time), its patience running out (it hangs up: abandoned), the
flow's offer (taken when the caller's script presses the offer key), the queue's `max_wait`, a position
announcement, a hang-up in its script, or its time limit. An announcement or the offer is heard to its end before
anything else happens to the caller; an agent who takes the caller meanwhile starts when it ends.
"""

from __future__ import annotations

import math
import random

from callflow.runtime.capacity.agents import AgentGroup, Waiter
from callflow.runtime.capacity.channel import LoadCall, LoadChannel
from callflow.runtime.capacity.distributions import Distribution
from callflow.runtime.capacity.figures import QueueFigures
from callflow.runtime.capacity.scheduler import Scheduler
from callflow.runtime.signals import Hangup, RuntimeFailure
from callflow.runtime.types import QueueOutcome, QueueRequest

OFFER_ANSWER_S = 5.0
"""How long a caller has to take the queue's offer once it has been said (as the live driver waits)."""


class QueueModel:
    """The run's queues: their agents, what they count, how long conversations take."""

    def __init__(
        self,
        scheduler: Scheduler,
        groups: dict[str, AgentGroup],
        figures: dict[str, QueueFigures],
        handling: dict[str, Distribution],
        rng: random.Random,
    ) -> None:
        self.scheduler = scheduler
        self.groups = groups
        self.figures = figures
        self.handling = handling
        self.rng = rng
        """Draws for conversations after a call's first (a call back in a queue), in the order they happen."""

    async def wait(self, call: LoadCall, channel: LoadChannel, request: QueueRequest) -> QueueOutcome:
        """Wait in a queue until an agent has talked with the caller, the offer is taken, or the wait ends."""
        group = self.groups.get(request.queue)
        if group is None:
            raise RuntimeFailure(f"the load run has no agents for queue `{request.queue}`")
        scheduler, clock, offset = self.scheduler, channel.clock, call.offset
        if offset + clock.t > scheduler.now:
            await scheduler.sleep_until(offset + clock.t)  # the shared clock catches up with this caller
        start = scheduler.now
        figures = self.figures[request.queue]
        index = figures.join(start)
        call.queued = True
        waiter = Waiter(call)
        group.join(waiter)
        if waiter.answered_at is not None:  # an agent was free: no wait at all
            return self._talk(call, channel, group, figures, index, start, start, None)
        hangs_up = channel.scripted_hangup()
        leave_at = min(start + call.patience_s, math.inf if hangs_up is None else offset + hangs_up)
        offer_at = start + request.offer_after_s if request.offer and request.offer_after_s is not None else math.inf
        give_up_at = start + request.max_wait_s if request.max_wait_s is not None else math.inf
        limit_at = offset + clock.limit_s
        announce_at = start if request.announce is not None else math.inf
        position: int | None = None
        try:
            while waiter.answered_at is None:
                moment = min(leave_at, offer_at, give_up_at, announce_at, limit_at)
                await scheduler.sleep_until(max(moment, offset + clock.t))
                if waiter.answered_at is not None:
                    break
                clock.advance_to(scheduler.now - offset)  # at the time limit, this ends the call
                waited = scheduler.now - start
                if moment == leave_at:
                    group.leave(waiter)
                    figures.leave(index, waited, "abandoned")
                    call.abandoned = True
                    if call.tracer.keep:
                        call.tracer.record("hangup", None, {"by": "caller", "waited_s": round(waited, 3)})
                    raise Hangup("caller")
                if moment == give_up_at:
                    group.leave(waiter)
                    figures.leave(index, waited, "timeout")
                    return QueueOutcome("timeout", waited, position)
                if moment == offer_at:
                    offer_at = math.inf
                    assert request.offer is not None
                    await channel.play(request.offer(), barge_in=True)
                    key = await channel.read_key(OFFER_ANSWER_S)
                    channel.flush_keys()
                    if key == request.offer_key and waiter.answered_at is None:
                        group.leave(waiter)
                        waited = offset + clock.t - start
                        figures.leave(index, waited, "offer")
                        return QueueOutcome("offer", waited, position)
                    continue
                assert request.announce is not None
                position = group.ahead(waiter)
                audio = request.announce(position)
                if audio is not None:
                    await channel.play(audio, barge_in=False)
                announce_at = moment + request.announce_every_s if position > 0 else math.inf
        except BaseException as ending:  # a hang-up during the offer, the time limit, or the run stopped
            if waiter.answered_at is None and waiter in group.waiting:
                group.leave(waiter)
                figures.leave(index, max(scheduler.now, offset + clock.t) - start, "abandoned")
                call.abandoned = isinstance(ending, Hangup)
            raise
        return self._talk(call, channel, group, figures, index, start, waiter.answered_at, position)

    def _talk(
        self,
        call: LoadCall,
        channel: LoadChannel,
        group: AgentGroup,
        figures: QueueFigures,
        index: int,
        start: float,
        answered_at: float,
        position: int | None,
    ) -> QueueOutcome:
        """The agent talks with the caller for the handling time, then hangs up; the agent is free again."""
        connected = max(answered_at, call.offset + channel.clock.t)
        u = call.handling_u if call.answered == 0 else self.rng.random()
        talk_s = self.handling[group.name].quantile(u)
        call.answered += 1
        self.scheduler.call_at(connected + talk_s, group.release, answered_at)
        figures.answer(index, connected - start)
        channel.clock.advance_to(connected - call.offset)
        tracer = call.tracer
        if tracer.keep:  # what `callflow simulate` records of a conversation, for a call whose trace is kept
            tracer.record("agent", None, {"answered_after": round(connected - start, 3)})
        channel.clock.advance(talk_s)
        if tracer.keep:
            tracer.record("hangup", None, {"by": "agent"})
        return QueueOutcome("done", connected + talk_s - start, position)
