"""The engine: walks a flow's graph for one call, node by node, until the call ends.

Each node's `run()` (in its own module) returns the name of the exit it took. Exits that lead nowhere fall back
safely: to the exit the node type names, to the node's `error` exit, and last to the environment's fallback
(an apology and a transfer to a person), so that no caller is ever left in dead air.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from callflow.flowlang.environment import Environment
from callflow.flowlang.model import Edge, Flow, Node
from callflow.flowlang.nodetype import NodeType
from callflow.flowlang.registry import Registry
from callflow.runtime.context import Call, CallContext, Frame
from callflow.runtime.data import DataSources
from callflow.runtime.flows import FlowLibrary
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

APOLOGY = {
    "zh-CN": "抱歉，系统出现故障，正在为您转接人工服务。",
    "en": "Sorry, something went wrong. Transferring you to an agent.",
}
"""What a caller hears when a call cannot go on as the flow says."""

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
    flows: FlowLibrary
    max_steps: int = MAX_STEPS
    _params: dict[int, tuple[Node, Any]] = field(default_factory=dict, repr=False)
    _targets: dict[tuple[int, str], tuple[Node, tuple[str, str | None]]] = field(default_factory=dict, repr=False)
    _families: dict[tuple[int, str], tuple[Node, list[str]]] = field(default_factory=dict, repr=False)
    _audio: dict[int, tuple[Flow, dict[tuple[str, str], Audio]]] = field(default_factory=dict, repr=False)

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
        tracer.secrets |= frame.secrets
        call.flows.setdefault(flow.name, flow)
        tracer.emit(
            "start",
            None,
            flow=flow.name,
            caller=call.caller,
            called=call.called,
            language=call.language,
            at=call.start.isoformat(),
            switches=dict(call.switches),
        )
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
            tracer.emit("end", call.node.id if call.node else None, **fields)
            return ended.reason

    def frame(self, flow: Flow, inputs: dict[str, Any]) -> Frame:
        """A new scope for a flow: its variables at their initial values, then the inputs given."""
        variables = {v.name: v.value for v in flow.variables}
        variables.update(inputs)
        return Frame(flow, variables, {v.name for v in flow.variables if v.secret})

    async def walk(self, frame: Frame, call: Call, channel: Channel, clock: Clock, tracer: Tracer) -> None:
        """Run a flow from its start until the call ends (or, in a subflow, until it returns)."""
        node = frame.flow.start
        if node is None:
            return
        ctx = CallContext(self, call, frame, node, channel, clock, tracer, self.store, self.data, self.environment)
        while node is not None:
            call.node = ctx.node = node
            call.visited.append((frame.flow.name, node.id))
            tracer.node = node.id
            try:
                call.steps += 1
                if call.steps > self.max_steps:
                    raise RunawayFlow(f"the call passed through {self.max_steps} nodes without ending")
                exit_name = await self._run_node(ctx)
            except Goto as goto:
                node = frame.flow.node(goto.node_id)
                if node is None:
                    await self.fallback(ctx, f"there is no node `{goto.node_id}`")
                continue
            except RunawayFlow as error:
                ctx.event("error", message=str(error))
                await self.fallback(ctx, "runaway")
            followed, target = self.follow(frame.flow, node, exit_name)
            call.taken.append((frame.flow.name, node.id, followed))
            if target is None:
                await self.fallback(ctx, f"exit `{exit_name}` leads nowhere")
            node = frame.flow.node(target) if target else None

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
        frame.secrets |= secret
        ctx.tracer.secrets |= frame.secrets
        ctx.call.depth += 1
        try:
            await self.walk(frame, ctx.call, ctx.channel, ctx.clock, ctx.tracer)
        except Returned as returned:
            return returned.outcome, frame
        finally:
            ctx.call.depth -= 1
            ctx.call.node = ctx.node
            ctx.tracer.node = ctx.node.id
        raise RuntimeFailure(f"flow `{name}` ended without returning")

    async def _run_node(self, ctx: CallContext) -> str:
        node_type = self.registry.get(ctx.node.type)
        try:
            if node_type is None or node_type.run is None:
                raise RuntimeFailure(f"node type `{ctx.node.type}` cannot run here")
            return await node_type.run(ctx, self.params(node_type, ctx.node))
        except (CallEnded, Returned, Goto, RunawayFlow):
            raise
        except Exception as error:  # any failure takes the node's error exit; the caller is never dropped
            ctx.event("error", message=str(error) or type(error).__name__)
            return "error"

    def fixed_audio(self, flow: Flow) -> dict[tuple[str, str], Audio]:
        """Prompts without variables, by (prompt, language), made once per flow version."""
        cached = self._audio.get(id(flow))
        if cached is None or cached[0] is not flow:
            cached = self._audio[id(flow)] = (flow, {})
        return cached[1]

    def family_values(self, flow: Flow, node: Node, word: str) -> list[str]:
        """The values of a node's wired exits of one family (a menu's keys), found once per node."""
        key = (id(node), word)
        cached = self._families.get(key)
        if cached is None or cached[0] is not node:
            prefix = word + " "
            values = [e.exit[len(prefix) :] for e in flow.edges_from(node.id) if e.exit.startswith(prefix)]
            cached = self._families[key] = (node, values)
        return cached[1]

    def params(self, node_type: NodeType, node: Node) -> Any:
        """A node's typed parameters, built once per node of each flow version."""
        cached = self._params.get(id(node))
        if cached is None or cached[0] is not node:
            cached = self._params[id(node)] = (node, node_type.build(node.params))
        return cached[1]

    def follow(self, flow: Flow, node: Node, exit_name: str) -> tuple[str, str | None]:
        """The exit whose edge the call follows (the exit taken, else the exit the node type falls back to, else
        `error`) and where it leads; no target when none of them is wired."""
        key = (id(node), exit_name)
        cached = self._targets.get(key)
        if cached is None or cached[0] is not node:
            cached = self._targets[key] = (node, self._resolve(flow, node, exit_name))
        return cached[1]

    def _resolve(self, flow: Flow, node: Node, exit_name: str) -> tuple[str, str | None]:
        node_type = self.registry.get(node.type)
        edges = self.edges_from(flow, node.id)
        tried: set[str] = set()
        name: str | None = exit_name
        while name is not None and name not in tried:
            tried.add(name)
            edge = next((e for e in edges if e.exit == name), None)
            if edge is not None:
                return name, edge.target
            spec = node_type.exit(name) if node_type else None
            name = spec.otherwise if spec is not None and spec.otherwise else ("error" if name != "error" else None)
        return exit_name, None

    async def fallback(self, ctx: CallContext, reason: str) -> None:
        """Say sorry and hand the call to the environment's fallback destination (or hang up without one)."""
        ctx.event("fallback", reason=reason)
        language = ctx.language if ctx.language in APOLOGY else "en"
        await ctx.play(Audio(text=APOLOGY[language], language=language))
        destination = self.environment.fallback
        if destination is not None:
            target = self.environment.destinations.get(destination)
            ctx.event("transfer", destination=destination)
            outcome = await ctx.channel.transfer(destination, _describe(target), 30)
            if outcome.outcome == "answered":
                raise Transferred(destination)
        raise Hangup("flow")


def _describe(destination: object) -> dict[str, Any]:
    return {k: getattr(destination, k) for k in ("number", "endpoint") if getattr(destination, k, None)}
