"""A caller of a load run: the simulator's scripted caller, who waits in the run's shared queues.

Everything but the queue and the transfer is `SimulatedChannel`'s, so a caller of a load run behaves exactly as in
`callflow simulate` with the same steps: prompts take their time, menus hear the same keys. In a queue the caller
waits for the run's agents (`waiting.py`) instead of a scripted `agent:S`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from callflow.runtime.capacity.scheduler import Process
from callflow.runtime.context import Call
from callflow.runtime.simulator.channel import SimulatedChannel
from callflow.runtime.trace import Tracer
from callflow.runtime.types import QueueOutcome, QueueRequest, TransferOutcome

if TYPE_CHECKING:
    from callflow.runtime.capacity.waiting import QueueModel


class LoadCall(Process):
    """One call of a load run: when it arrived, what it drew, and what happened to it."""

    __slots__ = (
        "abandoned",
        "answered",
        "call",
        "caller_type",
        "ended",
        "handling_u",
        "offset",
        "patience_s",
        "queued",
        "tracer",
    )

    def __init__(
        self,
        offset: float,
        caller_type: int,
        patience_s: float,
        handling_u: float,
        ended: Callable[[LoadCall, Any], None],
    ) -> None:
        self.generation = 0  # Process's own state, set here: one call fewer per call
        self.offset = offset
        """When the call arrived, in seconds from the run's start: its own clock's zero on the shared one."""
        self.caller_type = caller_type
        self.patience_s = patience_s
        """How long this caller waits in a queue before hanging up."""
        self.handling_u = handling_u
        """The draw that becomes the handling time of its first conversation with an agent."""
        self.ended = ended
        """Told when the call has ended, with the reason."""
        self.answered = 0
        """Conversations with an agent."""
        self.queued = False
        self.abandoned = False
        self.call: Call
        self.tracer: LoadTracer

    def finish(self, value: Any) -> None:
        """The call has ended."""
        self.ended(self, value)


class LoadChannel(SimulatedChannel):
    """A scripted caller whose queues are the run's."""

    __slots__ = ("call", "queues")

    call: LoadCall
    queues: QueueModel

    async def wait_in_queue(self, request: QueueRequest) -> QueueOutcome:
        """Wait for one of the run's agents, hearing the flow's announcements and offer."""
        return await self.queues.wait(self.call, self, request)

    def scripted_hangup(self) -> float | None:
        """When the caller hangs up, if the next thing its script does is hang up (on its own clock)."""
        if getattr(self, "timed", False):  # timed steps (`hangup@N`, where the simulator has them): at that moment
            at = next((getattr(step, "at", None) for step in self.caller_steps if step.kind == "hangup"), None)
            return None if at is None else float(at)
        found = self._next(math.inf)
        return found[0] if found is not None and found[1].kind == "hangup" else None

    async def transfer(self, destination: str, target: Mapping[str, Any], ring_s: float) -> TransferOutcome:
        """A transfer is answered: the destination's own capacity is outside the run."""
        return TransferOutcome("answered")


class LoadTracer(Tracer):
    """A call's trace in a load run: failures are counted; the events themselves are kept only when asked (the
    first calls of a run, to show what they went through), since the figures come from elsewhere."""

    __slots__ = ("errors", "fallbacks", "keep")

    def __init__(self, clock: Any, keep: bool = False) -> None:
        super().__init__(clock)
        self.errors = 0
        self.fallbacks = 0
        self.keep = keep

    def record(self, event: str, node: str | None, fields: Mapping[str, Any]) -> None:
        """Count nodes that failed and calls that fell back; keep the event when the call's trace is kept."""
        if event == "error":
            self.errors += 1
        elif event == "fallback":
            self.fallbacks += 1
        if self.keep:
            super().record(event, node, fields)
