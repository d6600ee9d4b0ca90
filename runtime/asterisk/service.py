"""Serving live calls: every channel that enters `AGI(agi:async)` becomes one engine call, in its own task.

Which flow runs comes from the dialled number (`[numbers]` of the environment) or, failing that, the channel
variable `CALLFLOW_FLOW`. Each call's trace is written as JSON lines to `traces/<call id>.jsonl`, in the
simulator's format, so a live call can be compared with its simulation and replayed with `callflow replay`.

Nothing leaves a caller in dead air: a call with no flow, a flow that fails to load, or a call found in AsyncAGI
that no task drives (after Callflow restarted, or a reconnect) is handed back to the dialplan's fallback with
`ASYNCAGI BREAK`; the dialplan written by `callflow asterisk-config` then apologises and transfers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from callflow.flowlang.environment import Environment
from callflow.flowlang.model import Flow
from callflow.runtime.asterisk.agi import RECONNECT_GRACE_S, AgiSession, CommandTiming, ReplyLost, SessionEnded
from callflow.runtime.asterisk.ami import AmiConnection, AmiError
from callflow.runtime.asterisk.channel import AsteriskChannel, LineSettings
from callflow.runtime.asterisk.prompts import PromptFiles
from callflow.runtime.context import Call
from callflow.runtime.engine import Engine
from callflow.runtime.flows import FlowLibrary
from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.trace import Tracer, to_json_line
from callflow.runtime.wallclock import WallClock
from callflow.speech.types import Recognizer

log = logging.getLogger(__name__)

ROUTE_VARIABLE = "CALLFLOW_ROUTE"
"""Set before `ASYNCAGI BREAK` to tell the dialplan where the call goes next (`fallback`)."""

SERVICE_EVENTS = frozenset({"AsyncAGIStart", "AsyncAGIExec", "AsyncAGIEnd"})
"""The AMI events the service acts on (the `agi` class also carries AGIExecStart/AGIExecEnd for every command)."""

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


@dataclass
class CallService:
    """Runs the engine for every call that Asterisk hands over through AsyncAGI."""

    engine: Engine
    environment: Environment
    library: FlowLibrary
    prompts: PromptFiles
    settings: LineSettings
    traces: Path | None = None
    recognizer: Recognizer | None = None
    calls: dict[str, LiveCall] = field(default_factory=dict)
    finished: list[tuple[str, str]] = field(default_factory=list)
    """(call id, reason) of every call served, in the order they ended."""
    connection: AmiConnection | None = None
    start_at: datetime | None = None
    """Where each call's clock starts (tests); None: the real time of day."""
    timings: list[CommandTiming] | None = None
    """Set to a list to have every AGI command of every call timed (benchmarks)."""

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
                _action("CoreShowChannels"), "CoreShowChannelsComplete", timeout_s=RECONNECT_GRACE_S
            )
        except AmiError as error:
            log.warning("cannot list the channels after connecting: %s", error)
            return
        for item in channels:
            name = item.get("Channel", "")
            parked = item.get("Application") == "AGI" and item.get("ApplicationData", "").startswith("agi:async")
            if parked and name not in self.calls:
                log.warning("%s is in AsyncAGI with nobody driving it: handing it to the fallback", name)
                self.calls[name] = live = LiveCall(AgiSession(self.connection, name, _call_id(item, name)))
                live.task = asyncio.create_task(self._orphan(live.session))

    # -- calls -----------------------------------------------------------------------------------------------

    def _start(self, channel: str, env: dict[str, str]) -> None:
        if channel in self.calls or self.connection is None:
            return
        call_id = _SAFE_ID.sub("_", env.get("agi_uniqueid") or channel)
        live = LiveCall(AgiSession(self.connection, channel, call_id))
        live.session.timings = self.timings
        self.calls[channel] = live
        live.task = asyncio.create_task(self._serve(live, env), name=f"call-{call_id}")

    async def _serve(self, live: LiveCall, env: dict[str, str]) -> str:
        session = live.session
        clock = WallClock(self.environment.timezone, self.start_at)
        sink, close = self._trace_file(session.call_id)
        tracer = Tracer(clock, sink=sink)
        channel = AsteriskChannel(
            session, tracer, self.prompts, self.settings, self.environment.destinations, self.recognizer
        )
        reason = "error"
        try:
            await session.run("ANSWER", timeout_s=RECONNECT_GRACE_S)
            if self.environment.switches.get("emergency"):
                reason = await self._emergency(channel, tracer)
                return reason
            flow = await self._flow_for(session, env)
            if flow is None:
                reason = "fallback"
                await self._break_to_fallback(session)
                return reason
            call = Call(
                id=session.call_id,
                caller=_number(env.get("agi_callerid")),
                called=_number(env.get("agi_extension")) or _number(env.get("agi_dnid")),
                start=clock.now(),
                language=flow.language or "",
                switches=dict(self.environment.switches),
            )
            reason = await self.engine.run_call(flow, call, channel, clock, tracer)
            await channel.hangup()
            return reason
        except (SessionEnded, ReplyLost):
            reason = "hangup"
            return reason
        except Exception as error:  # nothing may leave a caller in dead air: the dialplan's fallback takes over
            log.exception("call %s failed", session.call_id)
            tracer.emit("error", None, message=str(error) or type(error).__name__)
            reason = "fallback"
            with contextlib.suppress(Exception):
                await self._break_to_fallback(session)
            return reason
        finally:
            close()
            self.calls.pop(session.channel, None)
            self.finished.append((session.call_id, reason))

    async def _emergency(self, channel: AsteriskChannel, tracer: Tracer) -> str:
        """The `emergency` switch is on: straight to the emergency destination (else the fallback), no flow."""
        destinations = self.environment.destinations
        name = "emergency" if "emergency" in destinations else self.environment.fallback
        tracer.emit("emergency", None, destination=name)
        if name is not None and name in destinations:
            target = destinations[name]
            described = {k: v for k in ("number", "endpoint") if (v := getattr(target, k, None))}
            tracer.emit("transfer", None, destination=name)
            outcome = await channel.transfer(name, described, 60)
            if outcome.outcome == "answered":
                tracer.emit("end", None, reason="transferred", destination=name)
                await channel.hangup()
                return "transferred"
        await self._break_to_fallback(channel.session)
        tracer.emit("end", None, reason="fallback")
        return "fallback"

    async def _flow_for(self, session: AgiSession, env: dict[str, str]) -> Flow | None:
        number = env.get("agi_extension", "")
        name = self.environment.numbers.get(number) or self.environment.numbers.get(env.get("agi_dnid", ""))
        if name is None:
            name = await session.variable("CALLFLOW_FLOW")
        if name is None:
            log.warning("no flow for the number %r (add it to [numbers] or set CALLFLOW_FLOW)", number)
            return None
        try:
            # a flow read for the first time, or changed since, is parsed off the loop: the other calls go on
            return self.library.cached(name) or await asyncio.to_thread(self.library.get, name)
        except RuntimeFailure as error:
            log.error("%s", error)
            return None

    async def prepare(self) -> None:
        """Read and plan every flow of the folder before calls arrive (a flow with errors is reported, and its
        calls go to the fallback), so that the first calls do not wait for the parser."""

        def read_all() -> None:
            for name in self.library.names():
                try:
                    self.engine.plan(self.library.get(name))
                except RuntimeFailure as error:
                    log.error("%s", error)

        await asyncio.to_thread(read_all)

    async def _break_to_fallback(self, session: AgiSession) -> None:
        """Hand the call back to the dialplan, which apologises and transfers it."""
        await session.post(f"SET VARIABLE {ROUTE_VARIABLE} fallback")
        await session.run("ASYNCAGI BREAK", timeout_s=RECONNECT_GRACE_S)

    async def _orphan(self, session: AgiSession) -> str:
        try:
            await self._break_to_fallback(session)
        except (SessionEnded, ReplyLost, AmiError) as error:
            log.warning("could not hand %s to the fallback: %s", session.channel, error)
        finally:
            self.calls.pop(session.channel, None)
            self.finished.append((session.call_id, "fallback"))
        return "fallback"

    def _trace_file(self, call_id: str) -> tuple[Any, Any]:
        if self.traces is None:
            return None, lambda: None
        self.traces.mkdir(parents=True, exist_ok=True)
        handle = (self.traces / f"{call_id}.jsonl").open("w", encoding="utf-8")

        def sink(event: dict[str, Any]) -> None:
            handle.write(to_json_line(event) + "\n")
            handle.flush()

        return sink, handle.close

    async def drain(self) -> None:
        """Wait for every call in progress to end."""
        tasks = [live.task for live in self.calls.values() if live.task is not None]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


def _call_id(item: Any, channel: str) -> str:
    return _SAFE_ID.sub("_", item.get("Uniqueid") or channel) + "-orphan"


def _number(value: str | None) -> str:
    return "" if value in (None, "unknown") else str(value)


def _action(name: str, **headers: str) -> Any:
    from callflow.runtime.asterisk.protocol import Message

    return Message([("Action", name), *headers.items()])


def trace_lines(path: Path) -> list[dict[str, Any]]:
    """The events of a trace file written by the service."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
