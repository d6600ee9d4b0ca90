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
        self.service.flows.close()


def folder_lookup(flows: Path, environment: Environment, store: Store, prompts: PromptCache) -> SourceFlows:
    """The flows of a folder (`callflow run --flows`), bound to numbers by `environment`, which serves every call."""
    registry = default_registry()
    library = FlowLibrary(flows, registry)
    engine = Engine(registry, environment, store, DataSources(environment), library)
    return SourceFlows(library, environment, engine, PromptFiles(prompts, environment, flows))


async def start_driver(
    address: AmiAddress,
    *,
    flows: Path | None = None,
    environment: Environment | None = None,
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
    origins: dict[str, CallOrigin] | None = None,
) -> Driver:
    """Connect to Asterisk and serve every call that enters AsyncAGI until closed. `lookup` says what serves each
    call (`StoreFlows`: the flow service's store); without it, the flows of the folder `flows`, bound to numbers
    by `environment`. `call_clock` makes each call's clock (default: the real time of day, from `start_at`). Each
    call's record goes to `recorder`; a `lookup`'s engines file voicemail under `origins` when their store is a
    `RecordingStore` over it (the folder's engine is made so here)."""
    origins = {} if origins is None else origins
    if lookup is None:
        if flows is None or environment is None:
            raise ValueError("start_driver needs a lookup, or a folder of flows and its environment")
        if recorder is not None:
            store = RecordingStore(store, recorder, origins.get)
        lookup = folder_lookup(flows, environment, store, PromptCache(prompts, synthesizer))
    settings.recordings.mkdir(parents=True, exist_ok=True)
    service = CallService(
        lookup,
        settings,
        TraceFiles(traces) if traces is not None else None,
        recognizer,
        start_at=start_at,
        call_clock=call_clock,
        recorder=recorder,
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
        lookup.close()
        raise
    return Driver(connection, service)
