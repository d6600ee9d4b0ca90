"""Control-flow signals (not errors) and the runtime's errors.

A hang-up ends a call the way `StopSimulation` ends a SimPy run: it unwinds the engine, and nothing treats it
as a failure. (The signals do not call `super().__init__`: `BaseException` keeps their arguments as `args` already,
and one is raised on every call.)
"""

from __future__ import annotations


class CallEnded(BaseException):
    """The call is over: hung up, or handed to someone else. Derives from BaseException so that no
    `except Exception` in a node can swallow it."""

    reason = "ended"


class Hangup(CallEnded):
    """Someone hung up: `caller`, `flow` or `agent`."""

    reason = "hangup"

    def __init__(self, by: str) -> None:
        self.by = by


class Transferred(CallEnded):
    """The call now belongs to a destination outside Callflow."""

    reason = "transferred"

    def __init__(self, destination: str) -> None:
        self.destination = destination


class FlowReturned(CallEnded):
    """A flow run on its own (a subflow under test) returned an outcome: the call is over."""

    reason = "returned"

    def __init__(self, outcome: str) -> None:
        self.outcome = outcome


class TimeLimit(CallEnded):
    """The call reached its time limit (virtual in the simulator)."""

    reason = "time_limit"


class Returned(BaseException):
    """A subflow returned an outcome to the node that called it."""

    def __init__(self, outcome: str) -> None:
        self.outcome = outcome


class Goto(BaseException):
    """A global key sends the call to a node: of the flow running, or (`frame`) of a flow that called it, which the
    called flows are left for."""

    def __init__(self, node_id: str, frame: object | None = None) -> None:
        self.node_id = node_id
        self.frame = frame


class RuntimeFailure(Exception):
    """Something a node could not do (a data source that fails, a prompt without text); its `error` exit is taken."""


class RunawayFlow(RuntimeFailure):
    """A call took more steps than allowed: a loop that never waits for the caller."""
