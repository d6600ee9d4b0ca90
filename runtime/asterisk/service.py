"""Serving live calls: every channel that enters `AGI(agi:async)` becomes one engine call, in its own task.

What serves a call comes from a `FlowLookup` (flow_lookup.py), asked as the call arrives: its `Scope` (the engine,
environment and prompts of the tenant that claims the dialled number with `--data`; of the folder with `--flows`),
which the call keeps to its end, then the flow: the dialled number's, or failing that the one the channel variable
`CALLFLOW_FLOW` names. The flow decides everything, switches included (the hotline's `start`
branch reads `switch.emergency`): only when no flow can be loaded at all does the service act alone, transferring
to the `emergency` destination while that switch is on, else handing the call to the dialplan's fallback. Each
call's trace (traces.py) starts with `start` and ends with `end`, in the simulator's format, so a live call can be
compared with its simulation and replayed with `callflow replay`.

Nothing leaves a caller in dead air: a call with no flow, a failure of the driver itself, or a call found in
AsyncAGI that no task drives (after Callflow restarted, or a reconnect) is handed back to the dialplan's fallback
with `ASYNCAGI BREAK`; the dialplan written by `callflow asterisk-config` then apologises and transfers. Stopping
(`stop`) takes no new calls, lets the calls in progress end for a while, and hands the rest to the fallback.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from callflow.flowlang.environment import Environment
from callflow.runtime.asterisk.agi import RECONNECT_GRACE_S, AgiSession, CommandTiming, ReplyLost, SessionEnded
from callflow.runtime.asterisk.ami import AmiConnection, AmiError
from callflow.runtime.asterisk.channel import AsteriskChannel, LineSettings
from callflow.runtime.asterisk.flow_lookup import FlowLookup, LiveFlow, Scope
from callflow.runtime.asterisk.protocol import Message
from callflow.runtime.asterisk.traces import TraceFiles
from callflow.runtime.call_record import CallOrigin
from callflow.runtime.context import Call
from callflow.runtime.recorder import CallLog, Recorder
from callflow.runtime.signals import Hangup, RuntimeFailure
from callflow.runtime.trace import Tracer
from callflow.runtime.types import Clock
from callflow.runtime.wallclock import WallClock
from callflow.speech.types import Recognizer

log = logging.getLogger(__name__)

ROUTE_VARIABLE = "CALLFLOW_ROUTE"
"""Set before `ASYNCAGI BREAK` to tell the dialplan where the call goes next (`fallback`)."""
FLOW_VARIABLE = "CALLFLOW_FLOW"
"""A channel variable that names the flow to run when the dialled number is bound to none."""

SERVICE_EVENTS = frozenset({"AsyncAGIStart", "AsyncAGIExec", "AsyncAGIEnd"})
"""The AMI events the service acts on (the `agi` class also carries AGIExecStart/AGIExecEnd for every command)."""

TRACE_WAIT_S = 5.0
"""How long a call that ended waits for its trace to reach the disk before it counts as served anyway."""

_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")


def agi_environment(value: str) -> dict[str, str]:
    """The `Env` header of `AsyncAGIStart`: percent-encoded `agi_name: value` lines."""
    fields: dict[str, str] = {}
    for line in unquote(value).split("\n"):
        name, sep, text = line.partition(": ")
        if sep:
            fields[name] = text
    return fields


@dataclass
class LiveCall:
    """A call in progress: its AGI session and the task running its flow."""

    session: AgiSession
    task: asyncio.Task[str] | None = None
    orphan: bool = False
    """Handed to the fallback without a flow (found parked after a reconnect, or arrived while stopping)."""


@dataclass
class CallService:
    """Runs the engine for every call that Asterisk hands over through AsyncAGI."""

    flows: FlowLookup
    """Each call's scope (its tenant's engine, environment and prompts) and its flow."""
    settings: LineSettings
    traces: TraceFiles | None = None
    recognizer: Recognizer | None = None
    calls: dict[str, LiveCall] = field(default_factory=dict)
    finished: list[tuple[str, str]] = field(default_factory=list)
    """(call id, reason) of every call served, in the order they ended (its trace is on disk by then)."""
    connection: AmiConnection | None = None
    start_at: datetime | None = None
    """Where each call's clock starts (tests); None: the real time of day."""
    call_clock: Callable[[], Clock] | None = None
    """Makes each call's clock, which then also times its AGI commands' replies (None: a `WallClock` in the
    environment's time zone, from `start_at`, and the event loop's own timers)."""
    timings: list[CommandTiming] | None = None
    """Set to a list to have every AGI command of every call timed (benchmarks)."""
    stopping: bool = False
    """Set by `stop`: new calls go straight to the fallback."""
    served: asyncio.Event = field(default_factory=asyncio.Event)
    """Set whenever a call has been served to its end (tests wait on it)."""
    recorder: Recorder | None = None
    """Where each call's record goes (`callflow run --data`); None: no records."""
    origins: dict[str, CallOrigin] = field(default_factory=dict)
    """The origin of each call in progress (by call id): its voicemail is filed under it (`RecordingStore`)."""

    # -- events ----------------------------------------------------------------------------------------------

    def on_event(self, event: Any) -> None:
        """Route one AMI event: a new AsyncAGI channel, a command's reply, the end of a session."""
        name = event.get("Event")
        channel = event.get("Channel", "")
        if name == "AsyncAGIStart":
            self._start(channel, agi_environment(event.get("Env", "")))
        elif name == "AsyncAGIExec":
            live = self.calls.get(channel)
            if live is not None:
                live.session.on_exec(event)
        elif name == "AsyncAGIEnd":
            live = self.calls.get(channel)
            if live is not None:
                live.session.on_end()

    async def on_connected(self) -> None:
        """After every login: calls parked in AsyncAGI that no task of ours drives go to the fallback."""
        assert self.connection is not None
        try:
            channels = await self.connection.collect(
                Message.of(Action="CoreShowChannels"), "CoreShowChannelsComplete", timeout_s=RECONNECT_GRACE_S
            )
        except AmiError as error:
            log.warning("cannot list the channels after connecting: %s", error)
            return
        for item in channels:
            name = item.get("Channel", "")
            parked = item.get("Application") == "AGI" and item.get("ApplicationData", "").startswith("agi:async")
            if parked and name not in self.calls:
                log.warning("%s is in AsyncAGI with nobody driving it: handing it to the fallback", name)
                self._hand_over(name, _SAFE_ID.sub("_", item.get("Uniqueid") or name) + "-orphan")

    # -- calls -----------------------------------------------------------------------------------------------

    def _start(self, channel: str, env: dict[str, str]) -> None:
        if channel in self.calls or self.connection is None:
            return
        call_id = _SAFE_ID.sub("_", env.get("agi_uniqueid") or channel)
        if self.stopping:
            log.warning("call %s arrived while stopping: handed to the fallback", call_id)
            self._hand_over(channel, call_id, answer=True)
            return
        try:
            scope = self.flows.scope(env.get("agi_extension", ""), env.get("agi_dnid", ""))
        except Exception:  # the store cannot be read: the dialplan's fallback takes the call
            log.exception("call %s: cannot find what serves %r", call_id, env.get("agi_extension", ""))
            self._hand_over(channel, call_id, answer=True)
            return
        clock = self._clock(scope.environment.timezone)
        live = LiveCall(self._session(channel, call_id, clock))
        live.session.timings = self.timings
        self.calls[channel] = live
        live.task = asyncio.create_task(self._serve(live, env, clock, scope), name=f"call-{call_id}")

    def _hand_over(self, channel: str, call_id: str, *, answer: bool = False) -> None:
        assert self.connection is not None
        self.calls[channel] = live = LiveCall(self._session(channel, call_id, self._clock("UTC")), orphan=True)
        live.task = asyncio.create_task(self._orphan(live.session, answer=answer))

    def _session(self, channel: str, call_id: str, clock: Clock) -> AgiSession:
        assert self.connection is not None
        # a clock of the caller's (a test server's model time) also times the commands' replies
        sleep = clock.sleep if self.call_clock is not None else None
        return AgiSession(self.connection, channel, call_id, sleep)

    def _clock(self, timezone: str) -> Clock:
        if self.call_clock is not None:
            return self.call_clock()
        return WallClock(timezone, self.start_at)

    async def _serve(self, live: LiveCall, env: dict[str, str], clock: Clock, scope: Scope) -> str:
        session = live.session
        tracer = Tracer(clock, sink=self.traces.sink(session.call_id) if self.traces is not None else None)
        reason = "error"
        call_log: CallLog | None = None
        try:
            environment = scope.environment
            channel = AsteriskChannel(
                session, tracer, scope.prompts, self.settings, environment.destinations, self.recognizer
            )
            await session.run("ANSWER", timeout_s=RECONNECT_GRACE_S)
            name, live_flow = await self._flow_for(session, env, scope)
            flow = live_flow.flow if live_flow is not None else None
            call = Call(
                id=session.call_id,
                caller=_number(env.get("agi_callerid")),
                called=_number(env.get("agi_extension")) or _number(env.get("agi_dnid")),
                start=clock.now(),
                language=(flow.language if flow is not None else None) or "",
                switches=dict(environment.switches),
                tenant=scope.tenant,
                version=live_flow.version if live_flow is not None else None,
            )
            call_log = self._call_log(call, flow.name if flow is not None else name or "", tracer)
            if flow is None:
                reason = await self._without_flow(channel, tracer, call, name, environment)
                return reason
            reason = await scope.engine.run_call(flow, call, channel, clock, tracer)
            await channel.hangup()
            return reason
        except (SessionEnded, ReplyLost):
            reason = "hangup"
            _end(tracer, reason="hangup", by="caller")
            return reason
        except Hangup as hangup:  # outside the engine: while the driver itself transferred a call with no flow
            reason = "hangup"
            _end(tracer, reason="hangup", by=hangup.by)
            return reason
        except asyncio.CancelledError:  # `stop` ended the call at once, after handing it to the fallback
            reason = "fallback"
            _end(tracer, reason="fallback", cause="callflow stopped")
            return reason
        except Exception as error:  # nothing may leave a caller in dead air: the dialplan's fallback takes over
            log.exception("call %s failed; handing it to the fallback", session.call_id)
            tracer.emit("error", None, message=str(error) or type(error).__name__)
            reason = "fallback"
            with contextlib.suppress(Exception):
                await self._break_to_fallback(session)
            _end(tracer, reason="fallback")
            return reason
        finally:
            if call_log is not None:
                call_log.end(tracer.events)
                self.origins.pop(session.call_id, None)
            await self._finish(session, reason)

    def _call_log(self, call: Call, flow: str, tracer: Tracer) -> CallLog | None:
        """The call's records, fed from its tracer (after the trace file's sink, when there is one): under its
        tenant (`default` for plain files) and published version (0 for a plain file)."""
        if self.recorder is None:
            return None
        origin = CallOrigin(call.tenant or "default", flow, call.version or 0, "live")
        self.origins[call.id] = origin
        # the events a call waiting in a queue made are handed over within a second, with no event after them
        call_log = CallLog(self.recorder, origin, call, later=asyncio.get_running_loop().call_later)
        written = tracer.sink
        if written is None:
            tracer.sink = call_log.sink
        else:

            def both(event: dict[str, Any]) -> None:
                written(event)
                call_log.sink(event)

            tracer.sink = both
        return call_log

    async def _finish(self, session: AgiSession, reason: str) -> None:
        if self.traces is not None:
            try:
                await asyncio.wait_for(self.traces.written(), TRACE_WAIT_S)
            except (TimeoutError, asyncio.CancelledError):
                log.warning("the trace of call %s is not on disk yet (it will be written later)", session.call_id)
        self.calls.pop(session.channel, None)
        self.finished.append((session.call_id, reason))
        self.served.set()

    async def _flow_for(
        self, session: AgiSession, env: dict[str, str], scope: Scope
    ) -> tuple[str | None, LiveFlow | None]:
        """The name asked for and the flow (None when there is none to run: the reason is logged)."""
        number, dnid = env.get("agi_extension", ""), env.get("agi_dnid", "")
        name = scope.bound(number, dnid)
        if name is None:
            name = await session.variable(FLOW_VARIABLE)
            if name is None:
                log.warning("no flow for the number %r (add it to [numbers] or set %s)", number, FLOW_VARIABLE)
                return None, None
            if not scope.exists(name):
                log.warning("%s=%r names no flow (it may only be the name of one): call %s refused", FLOW_VARIABLE,
                            name, session.call_id)  # fmt: skip
                return name, None
        try:
            return name, await scope.load(name)
        except RuntimeFailure as error:
            log.error("%s", error)
            return name, None

    async def _without_flow(
        self, channel: AsteriskChannel, tracer: Tracer, call: Call, name: str | None, environment: Environment
    ) -> str:
        """No flow can run: to the `emergency` destination while that switch is on, else the dialplan's fallback."""
        tenant = {"tenant": call.tenant} if call.tenant is not None else {}
        tracer.emit("start", None, flow=name, caller=call.caller, called=call.called, language=call.language,
                    at=call.start.isoformat(), switches=call.switches, **tenant)  # fmt: skip
        tracer.emit("error", None, message=f"no flow to run{f' (`{name}`)' if name else ''}")
        destinations = environment.destinations
        if environment.switches.get("emergency") and "emergency" in destinations:
            target = destinations["emergency"]
            described = {k: v for k in ("number", "endpoint") if (v := getattr(target, k, None))}
            tracer.emit("transfer", None, destination="emergency")
            outcome = await channel.transfer("emergency", described, 60)
            if outcome.outcome == "answered":
                _end(tracer, reason="transferred", destination="emergency")
                await channel.hangup()
                return "transferred"
        await self._break_to_fallback(channel.session)
        _end(tracer, reason="fallback")
        return "fallback"

    async def prepare(self) -> None:
        """Read every flow before calls arrive (a flow with errors is reported, and its calls go to the fallback),
        so that the first calls do not wait for the parser."""
        await self.flows.prepare()

    async def _break_to_fallback(self, session: AgiSession) -> None:
        """Hand the call back to the dialplan, which apologises and transfers it."""
        await session.post(f"SET VARIABLE {ROUTE_VARIABLE} fallback")
        await session.run("ASYNCAGI BREAK", timeout_s=RECONNECT_GRACE_S)

    async def _orphan(self, session: AgiSession, *, answer: bool) -> str:
        try:
            if answer:  # a new call, as the fallback of a call with no flow is reached: answered first
                await session.run("ANSWER", timeout_s=RECONNECT_GRACE_S)
            await self._break_to_fallback(session)
        except (SessionEnded, ReplyLost, AmiError) as error:
            log.warning("could not hand %s to the fallback: %s", session.channel, error)
        finally:
            self.calls.pop(session.channel, None)
            self.finished.append((session.call_id, "fallback"))
            self.served.set()
        return "fallback"

    # -- stopping --------------------------------------------------------------------------------------------

    async def drain(self, timeout_s: float | None = None) -> bool:
        """Wait for every call in progress to end (at most `timeout_s`); whether they all did."""
        tasks = [live.task for live in self.calls.values() if live.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=timeout_s)
        return not self.calls

    async def stop(self, grace_s: float | None, *, now: asyncio.Event | None = None) -> int:
        """Take no new calls (they go to the fallback) and let the calls in progress end, for at most `grace_s`
        (None: as long as they take) or until `now` is set; then hand the rest to the fallback. The number of
        calls handed over."""
        self.stopping = True
        waits = [asyncio.ensure_future(self.drain(grace_s))]
        if now is not None:
            waits.append(asyncio.ensure_future(now.wait()))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        return await self.hand_over()

    async def hand_over(self) -> int:
        """End at once: every call still in progress gets `CALLFLOW_ROUTE=fallback` and `ASYNCAGI BREAK` queued
        behind the command it runs (Asterisk runs them when that command ends, a queue or a transfer included,
        whether Callflow is still there or not) and its task is stopped. The number of calls handed over."""
        left = [
            live for live in self.calls.values() if live.task is not None and not live.task.done() and not live.orphan
        ]
        if not left:
            return 0
        log.warning("handing %d call(s) in progress to the dialplan's fallback", len(left))

        async def hand(live: LiveCall) -> None:
            with contextlib.suppress(SessionEnded, ReplyLost, AmiError):
                await live.session.post(f"SET VARIABLE {ROUTE_VARIABLE} fallback")
                await live.session.post("ASYNCAGI BREAK")

        await asyncio.gather(*(hand(live) for live in left))
        for live in left:
            assert live.task is not None
            live.task.cancel()
        await asyncio.wait([live.task for live in left if live.task is not None], timeout=TRACE_WAIT_S)
        return len(left)


def _end(tracer: Tracer, **fields: Any) -> None:
    """The trace's `end`, unless the engine wrote one already (or the call ended before anything happened)."""
    events = tracer.events
    if events and events[-1]["event"] != "end":
        tracer.emit("end", None, **fields)


def _number(value: str | None) -> str:
    return "" if value in (None, "unknown") else str(value)


def trace_lines(path: Path) -> list[dict[str, Any]]:
    """The events of a trace file written by the service."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
