"""The engine: walks a flow's graph for one call, node by node, until the call ends.

Each node's `run()` (in its own module) returns the name of the exit it took. Exits that lead nowhere fall back
safely: to the exit the node type names, to the node's `error` exit, and last to the environment's fallback
(an apology and a transfer to a person), so that no caller is ever left in dead air.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from callflow.flowlang.environment import Environment
from callflow.flowlang.model import Edge, Flow
from callflow.flowlang.registry import Registry
from callflow.runtime.context import Call, CallContext, Frame
from callflow.runtime.data import DataSources
from callflow.runtime.flows import FlowSource
from callflow.runtime.plan import FlowPlan
from callflow.runtime.signals import (
    CallEnded,
    FlowReturned,
    Goto,
    Hangup,
    Returned,
    RunawayFlow,
    RuntimeFailure,
    Transferred,
)
from callflow.runtime.trace import Tracer
from callflow.runtime.types import Audio, Channel, Clock, Store

MAX_STEPS = 1000
"""Nodes one call may pass through: a flow that loops without the caller ends in its fallback instead."""

MAX_DEPTH = 16
"""Subflows one call may be inside at once."""


@dataclass
class Engine:
    """Runs calls through flows. One engine serves many calls; each call is one task."""

    registry: Registry
    environment: Environment
    store: Store
    data: DataSources
    flows: FlowSource
    max_steps: int = MAX_STEPS
    _plans: dict[int, FlowPlan] = field(default_factory=dict, repr=False)

    def plan(self, flow: Flow) -> FlowPlan:
        """A flow version ready to run, made once per flow version."""
        plan = self._plans.get(id(flow))
        if plan is None or plan.flow is not flow:
            plan = self._plans[id(flow)] = FlowPlan(flow, self.registry)
        return plan

    def edges_from(self, flow: Flow, node_id: str) -> tuple[Edge, ...]:
        """The wired exits of a node."""
        return flow.edges_from(node_id)

    async def run_call(
        self,
        flow: Flow,
        call: Call,
        channel: Channel,
        clock: Clock,
        tracer: Tracer,
        inputs: dict[str, Any] | None = None,
    ) -> str:
        """Run one call to its end; the reason it ended (`hangup`, `transferred`, `time_limit`, ...)."""
        frame = self.frame(flow, dict(inputs or {}))
        call.variables = frame.variables
        if frame.secrets:
            tracer.secrets |= frame.secrets
        call.flows.setdefault(flow.name, flow)
        tracer.record("start", None, _Start(flow.name, call))
        try:
            try:
                await self.walk(frame, call, channel, clock, tracer)
            except Returned as returned:
                raise FlowReturned(returned.outcome) from None
            raise Hangup("flow")
        except CallEnded as ended:
            fields: dict[str, Any] = {"reason": ended.reason}
            if isinstance(ended, Hangup):
                fields["by"] = ended.by
            if isinstance(ended, Transferred):
                fields["destination"] = ended.destination
            if isinstance(ended, FlowReturned):
                fields["outcome"] = ended.outcome
            tracer.record("end", tracer.node if call.node else None, fields)
            return ended.reason

    def frame(self, flow: Flow, inputs: dict[str, Any]) -> Frame:
        """A new scope for a flow: its variables at their initial values, then the inputs given."""
        plan = self.plan(flow)
        variables = plan.variables.copy()
        variables.update(inputs)
        return Frame(flow, variables, set(plan.secrets))

    async def walk(self, frame: Frame, call: Call, channel: Channel, clock: Clock, tracer: Tracer) -> None:
        """Run a flow from its start until the call ends (or, in a subflow, until it returns)."""
        plan = self.plan(frame.flow)
        step = plan.start
        if step is None:
            return
        ctx = CallContext(
            self,
            call,
            frame,
            step.node,
            channel,
            clock,
            tracer,
            self.store,
            self.data,
            self.environment,
            step,
            plan.prompts,
        )
        visited, taken, max_steps, path = call.visited, call.taken, self.max_steps, frame.path
        while step is not None:
            node = call.node = ctx.node = step.node
            ctx.step = step
            visited.append(step.visit)
            tracer.node = ctx.where = path + node.id if path else node.id
            try:
                call.steps += 1
                if call.steps > max_steps:
                    raise RunawayFlow(f"the call passed through {max_steps} nodes without ending")
                try:
                    run = step.run  # an attribute, not a method: loaded as one, it costs less than a method call
                    exit_name = await run(ctx, step.params)
                except RunawayFlow:  # the other signals are BaseExceptions: `except Exception` lets them pass
                    raise
                except Exception as error:  # any failure takes the node's error exit; the caller is never dropped
                    tracer.record("error", ctx.where, {"message": str(error) or type(error).__name__})
                    exit_name = "error"
            except Goto as goto:
                if goto.frame is not None and goto.frame is not frame:
                    raise  # a calling flow's global key: that flow's walk goes on from its node
                step = plan.step(goto.node_id)
                if step is None:
                    await self.fallback(ctx, f"there is no node `{goto.node_id}`")
                continue
            except RunawayFlow as error:
                tracer.record("error", ctx.where, {"message": str(error)})
                await self.fallback(ctx, "runaway")
            followed, target, step = step.routes[exit_name]
            taken.append(followed)
            if target is None:
                await self.fallback(ctx, f"exit `{exit_name}` leads nowhere")

    async def call_subflow(
        self, ctx: CallContext, name: str, inputs: dict[str, Any], secret: frozenset[str] = frozenset()
    ) -> tuple[str, Frame]:
        """Run a called flow with its inputs until it returns; its outcome and its final variables.

        Inputs in `secret` (made from the caller's secret variables) stay secret inside the called flow.
        """
        flow = ctx.call.flows.get(name) or self.flows.get(name)
        ctx.call.flows.setdefault(name, flow)
        if ctx.call.depth >= MAX_DEPTH:
            raise RuntimeFailure(f"subflows nested deeper than {MAX_DEPTH}")
        frame = self.frame(flow, inputs)
        frame.path = f"{ctx.where}/"
        frame.caller = ctx.frame
        frame.secrets |= secret
        if frame.secrets:
            ctx.tracer.secrets |= frame.secrets
        ctx.call.depth += 1
        try:
            await self.walk(frame, ctx.call, ctx.channel, ctx.clock, ctx.tracer)
        except Returned as returned:
            return returned.outcome, frame
        finally:
            ctx.call.depth -= 1
            ctx.call.node = ctx.node
            ctx.tracer.node = ctx.where
        raise RuntimeFailure(f"flow `{name}` ended without returning")

    async def fallback(self, ctx: CallContext, reason: str) -> None:
        """Say sorry (the environment's `[apology]` in the caller's language) and hand the call to the environment's
        fallback destination (or hang up without one)."""
        # The engine's own events are recorded directly: a trace that is full (`ctx.event`) never stops a fallback.
        ctx.tracer.record("fallback", ctx.where, {"reason": reason})
        text, language = self.environment.apology_in(ctx.language)
        await ctx.play(Audio(text=text, language=language))
        destination = self.environment.fallback
        if destination is not None:
            target = self.environment.destinations.get(destination)
            ctx.tracer.record("transfer", ctx.where, {"destination": destination})
            outcome = await ctx.channel.transfer(destination, _describe(target), 30)
            if outcome.outcome == "answered":
                raise Transferred(destination)
        raise Hangup("flow")


class _Start(Mapping[str, Any]):
    """The fields of a call's `start` event, as the call began; its moment is written out (ISO 8601) only when
    the trace is read. A live call from the flow service's store also names its tenant and the flow's version."""

    __slots__ = ("_keys", "at", "called", "caller", "flow", "language", "switches", "tenant", "version")

    def __init__(self, flow: str, call: Call) -> None:
        self.flow, self.caller, self.called, self.language = flow, call.caller, call.called, call.language
        self.at, self.switches = call.start, call.switches.copy()
        self.tenant, self.version = call.tenant, call.version
        self._keys = _START_KEYS if call.tenant is None else _START_KEYS + _TENANT_KEYS

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise KeyError(key)
        return self.at.isoformat() if key == "at" else getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


_START_KEYS = ("flow", "caller", "called", "language", "at", "switches")
_TENANT_KEYS = ("tenant", "version")


def _describe(destination: object) -> dict[str, Any]:
    return {k: getattr(destination, k) for k in ("number", "endpoint") if getattr(destination, k, None)}
