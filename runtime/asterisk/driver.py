"""The live driver assembled: an AMI connection, the call service, the engine, prompts and recordings."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from callflow.flowlang.environment import Environment
from callflow.flowlang.registry import default_registry
from callflow.runtime.asterisk.address import AmiAddress
from callflow.runtime.asterisk.ami import AmiConnection
from callflow.runtime.asterisk.channel import LineSettings
from callflow.runtime.asterisk.dialplan import HEARTBEAT_VARIABLE
from callflow.runtime.asterisk.flow_lookup import FlowLookup, SourceFlows
from callflow.runtime.asterisk.prompts import PromptFiles
from callflow.runtime.asterisk.protocol import Message
from callflow.runtime.asterisk.service import SERVICE_EVENTS, CallService
from callflow.runtime.asterisk.traces import TraceFiles
from callflow.runtime.call_record import CallOrigin
from callflow.runtime.data import DataSources
from callflow.runtime.engine import Engine
from callflow.runtime.flows import FlowLibrary
from callflow.runtime.recorder import Recorder, RecordingStore
from callflow.runtime.types import Clock, Store
from callflow.speech.cache import PromptCache
from callflow.speech.types import Recognizer, Synthesizer


def heartbeat() -> Message:
    """The keep-alive action: it also tells the dialplan that Callflow is alive (global `CALLFLOW_HEARTBEAT`)."""
    return Message([("Action", "Setvar"), ("Variable", HEARTBEAT_VARIABLE), ("Value", str(int(time.time())))])


@dataclass
class Driver:
    """A running driver; `close` logs off after the calls in progress have ended (or at once with `now`)."""

    connection: AmiConnection
    service: CallService
    data: DataSources

    async def stop(self, grace_s: float | None, *, now: asyncio.Event | None = None) -> int:
        """Take no new calls, let those in progress end (for at most `grace_s`, or until `now` is set), hand the
        rest to the dialplan's fallback, and log off; the number of calls handed over."""
        handed = await self.service.stop(grace_s, now=now)
        await self.close(now=True)
        return handed

    async def close(self, *, now: bool = False) -> None:
        """Stop serving."""
        if not now:
            await self.service.drain()
        await self.connection.close()
        if self.service.traces is not None:
            await asyncio.to_thread(self.service.traces.close)
        self.data.close()


async def start_driver(
    address: AmiAddress,
    *,
    flows: Path,
    environment: Environment,
    store: Store,
    prompts: Path,
    synthesizer: Synthesizer,
    settings: LineSettings,
    traces: Path | None = None,
    recognizer: Recognizer | None = None,
    keepalive_s: float = 2.0,
    start_at: datetime | None = None,
    call_clock: Callable[[], Clock] | None = None,
    lookup: FlowLookup | None = None,
    recorder: Recorder | None = None,
    tenant: str = "default",
) -> Driver:
    """Connect to Asterisk and serve every call that enters AsyncAGI until closed. `lookup` says which flow a call
    runs (default: the flows of the folder `flows`, bound to numbers by the environment); `call_clock` makes each
    call's clock (default: the real time of day, from `start_at` if given); each call's record goes to `recorder`,
    under `tenant`."""
    registry = default_registry()
    library = FlowLibrary(flows, registry)
    data = DataSources(environment)
    origins: dict[str, CallOrigin] = {}
    if recorder is not None:
        store = RecordingStore(store, recorder, origins.get)
    engine = Engine(registry, environment, store, data, library)
    files = PromptFiles(PromptCache(prompts, synthesizer), environment, flows)
    settings.recordings.mkdir(parents=True, exist_ok=True)
    service = CallService(
        engine,
        environment,
        lookup or SourceFlows(library, environment, engine),
        files,
        settings,
        TraceFiles(traces) if traces is not None else None,
        recognizer,
        start_at=start_at,
        call_clock=call_clock,
        recorder=recorder,
        tenant=tenant,
        origins=origins,
    )
    connection = AmiConnection(
        address,
        service.on_event,
        events="agi",
        wanted=SERVICE_EVENTS,
        on_connected=service.on_connected,
        keepalive=heartbeat,
        keepalive_s=keepalive_s,
    )
    service.connection = connection
    try:
        await service.prepare()
        await connection.start()
    except BaseException:
        data.close()
        raise
    return Driver(connection, service, data)
