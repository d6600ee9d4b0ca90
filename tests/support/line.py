"""A hotline on a line: Callflow's driver serving the example flows, and a phone to call it, over real AMI.

The same `Line` runs against the AMI test server (`backend.server`) or a real Asterisk (`CALLFLOW_AMI_URL`). On the
test server the driver's calls run on the model's clock (`ami_clock.CallClock`): its per-call guard, its queue
announcements and its traces count the modelled seconds, whatever the load of the machine. Waits are on events,
with wall-clock deadlines stretched by the measured slowdown (`slowdown`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import slowdown
from ami_clock import CallClock
from phone import Phone, PhoneCall

from callflow.flowlang.environment import Environment, load_environment
from callflow.flowlang.loader import load_file
from callflow.flowlang.model import Flow
from callflow.runtime.asterisk.address import AmiAddress
from callflow.runtime.asterisk.channel import LineSettings
from callflow.runtime.asterisk.driver import Driver, start_driver
from callflow.runtime.asterisk.flow_lookup import FlowLookup
from callflow.runtime.asterisk.service import trace_lines
from callflow.runtime.recorder import Recorder
from callflow.runtime.records import SqliteStore
from callflow.speech.cache import PromptCache
from callflow.speech.synthesis import Pyttsx3Synthesizer
from callflow.speech.types import Recognizer
from callflow.speech.voices import voice_for

if TYPE_CHECKING:
    from ami_server import AmiServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY_10 = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)  # open
SATURDAY_10 = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI)  # closed


@dataclass
class Backend:
    """Where the calls go: the AMI test server, or a real Asterisk."""

    name: str
    address: AmiAddress
    caller_context: str
    prompts: Path
    server: AmiServer | None = None


@dataclass
class Line:
    """A running driver and a phone that calls it."""

    backend: Backend
    driver: Driver
    phone: Phone
    store: SqliteStore
    traces: Path
    environment: Environment
    flow: Flow

    def file(self, prompt: str, language: str = "zh-CN", **values: Any) -> str:
        """The file (path without `.wav`) Callflow plays for a prompt of the hotline."""
        found = self.flow.prompt(prompt)
        assert found is not None, prompt
        text = found.text[language].format(**values) if values else found.text[language]
        cache = PromptCache(self.backend.prompts, Pyttsx3Synthesizer())
        return str(cache.path(text, voice_for(language, self.environment)).resolve().with_suffix(""))

    async def call(self, number: str = "12345", caller_id: str = "13800000000") -> PhoneCall:
        """Place a call into Callflow."""
        return await self.phone.call(number, caller_id)

    def trace(self, call: PhoneCall) -> list[dict[str, Any]]:
        """The trace Callflow wrote for a call (its id is the IVR half's Uniqueid)."""
        return trace_lines(self.traces / f"{call.uniqueid}-ivr.jsonl")

    async def ended_trace(self, call: PhoneCall, timeout_s: float = 10) -> list[dict[str, Any]]:
        """The whole trace of a call, once Callflow has finished it (which may be after the phone saw it end)."""
        call_id = f"{call.uniqueid}-ivr"
        await self._until(lambda: call_id in self.reasons(), timeout_s)
        return self.trace(call)

    def reasons(self) -> dict[str, str]:
        """How each call Callflow served ended, by call id."""
        return dict(self.driver.service.finished)

    async def served(self, count: int, timeout_s: float = 10) -> dict[str, str]:
        """`reasons` once Callflow has finished `count` calls: the phone may learn of a call's end (on its own AMI
        session) before the driver has finished with it."""
        await self._until(lambda: len(self.driver.service.finished) >= count, timeout_s)
        return self.reasons()

    async def _until(self, done: Callable[[], bool], timeout_s: float) -> None:
        """Wait until `done()` holds, checked each time the driver finishes a call."""
        served = self.driver.service.served

        async def wait() -> None:
            while not done():
                served.clear()
                await served.wait()

        await asyncio.wait_for(wait(), slowdown.seconds(timeout_s))

    async def pause(self, seconds: float) -> None:
        """Let `seconds` pass on the line: the model's seconds on the test server, real ones on a real Asterisk."""
        if self.backend.server is not None:
            await self.backend.server.clock.sleep(seconds)
        else:
            await asyncio.sleep(seconds)


@contextlib.asynccontextmanager
async def line(
    backend: Backend,
    tmp_path: Path,
    *,
    environment: Environment | None = None,
    start_at: datetime.datetime = FRIDAY_10,
    keepalive_s: float = 2.0,
    flows: Path = EXAMPLES,
    recognizer: Recognizer | None = None,
    lookup: Callable[[SqliteStore], FlowLookup] | None = None,
    recorder: Recorder | None = None,
) -> AsyncIterator[Line]:
    """Callflow serving the example flows (or those in `flows`, or what `lookup` makes of the call records' store:
    the flow service's) through `backend`, and a phone; callers' speech is heard by `recognizer` (None: speech
    menus take keys only); each call's record goes to `recorder`."""
    environment = environment or load_environment(EXAMPLES / "callflow.toml")
    flow = load_file(EXAMPLES / "hotline_12345.flow").flow
    assert flow is not None
    store = SqliteStore(tmp_path / "calls.sqlite")
    traces = tmp_path / "traces"
    settings = LineSettings(tmp_path / "recordings", "Local/{number}@callflow-test-agents")
    server = backend.server
    call_clock = None
    if server is not None:
        model = server.clock
        call_clock = lambda: CallClock(model, environment.timezone, start_at)  # noqa: E731
    # Starting Callflow is no part of a call: the model's time stands still meanwhile.
    with server.clock.held() if server is not None else contextlib.nullcontext():
        driver = await start_driver(
            backend.address,
            flows=flows,
            environment=environment,
            store=store,
            prompts=backend.prompts,
            synthesizer=Pyttsx3Synthesizer(),
            settings=settings,
            traces=traces,
            start_at=start_at,
            keepalive_s=keepalive_s,
            recognizer=recognizer,
            call_clock=call_clock,
            lookup=lookup(store) if lookup is not None else None,
            recorder=recorder,
        )
    try:
        phone = Phone(backend.address, caller_context=backend.caller_context)
        with server.clock.held() if server is not None else contextlib.nullcontext():
            await phone.__aenter__()
        try:
            yield Line(backend, driver, phone, store, traces, environment, flow)
        finally:
            await phone.__aexit__()
    finally:
        await driver.close(now=True)
        store.close()


async def crash(driver: Driver) -> None:
    """Callflow dies: no log-off, no hang-up, its calls' tasks simply stop."""
    connection = driver.connection
    connection._closing = True
    if connection._supervisor is not None:
        connection._supervisor.cancel()
    for live in list(driver.service.calls.values()):
        if live.task is not None:
            live.task.cancel()
    connection.abort()
