"""Which flow a live call runs: the seam between the call service and wherever flows come from.

As a call arrives, the service asks a `FlowLookup` for the call's `Scope` (the engine, environment, prompts and
flows it is served with), then the scope for the flow bound to the dialled number and, failing that, for the flow
the channel variable `CALLFLOW_FLOW` names. `SourceFlows` is both for the files of `callflow run --flows`: one
scope for every call, its flows from the engine's `FlowSource`, bound to numbers by the environment's `[numbers]`.
`StoreFlows` (store_flows.py) serves each call from the flow service's store (`callflow run --data`): the tenant
that claims the dialled number, its environment and the newest published version of the flow.

`CALLFLOW_FLOW` may only name a flow: a value with a path in it (`/abs/x`, `../x`) or naming no flow of the source
is refused, never read as a file.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Protocol

from callflow.flowlang.environment import Environment
from callflow.flowlang.model import Flow
from callflow.runtime.asterisk.prompts import PromptFiles
from callflow.runtime.engine import Engine
from callflow.runtime.flows import FlowSource
from callflow.runtime.signals import RuntimeFailure

log = logging.getLogger(__name__)

FLOW_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
"""What a flow name looks like (a file's name without `.flow`, no path)."""


@dataclass(frozen=True)
class LiveFlow:
    """A flow ready for a call, and the published version it is (None for a plain file)."""

    flow: Flow
    version: int | None = None


class Scope(Protocol):
    """What one call is served with: one tenant's flows, engine, environment and prompts (or the plain files')."""

    @property
    def tenant(self) -> str | None:
        """The tenant's name (None: plain files, or a number no tenant claims)."""
        ...

    @property
    def engine(self) -> Engine:
        """The engine the call runs on (bound to `environment`)."""
        ...

    @property
    def environment(self) -> Environment:
        """The environment as the call starts: switches, destinations, queues, data sources, time zone."""
        ...

    @property
    def prompts(self) -> PromptFiles:
        """The audio files of the call's prompts."""
        ...

    def bound(self, *numbers: str) -> str | None:
        """The name of the flow the first of these dialled numbers is bound to, if any."""
        ...

    def exists(self, name: str) -> bool:
        """Whether `name` is the name of a flow this source serves (and nothing else: no path)."""
        ...

    async def load(self, name: str) -> LiveFlow:
        """The current version of a flow, read and ready; `RuntimeFailure` when it cannot be used."""
        ...


class FlowLookup(Protocol):
    """Where live calls' flows come from."""

    def scope(self, *numbers: str) -> Scope:
        """What a call to these dialled numbers is served with (asked once per call, as it arrives)."""
        ...

    async def prepare(self) -> None:
        """Read every flow before calls arrive (errors are logged: their calls will go to the fallback)."""
        ...

    def close(self) -> None:
        """Release what the flows' engines hold (data sources)."""
        ...


class SourceFlows:
    """The flows of a `FlowSource`, bound to numbers by the environment's `[numbers]`."""

    tenant = None

    def __init__(self, source: FlowSource, environment: Environment, engine: Engine, prompts: PromptFiles) -> None:
        self.source = source
        self.environment = environment
        self.engine = engine
        self.prompts = prompts

    def scope(self, *numbers: str) -> SourceFlows:
        """Every call is served with the same flows and environment."""
        return self

    def close(self) -> None:
        """Stop the data sources' worker threads."""
        self.engine.data.close()

    def bound(self, *numbers: str) -> str | None:
        """The flow `[numbers]` binds the first bound number to."""
        return next((self.environment.numbers[n] for n in numbers if n in self.environment.numbers), None)

    def exists(self, name: str) -> bool:
        """A plain name (no path) of one of the source's flows."""
        if FLOW_NAME.fullmatch(name) is None:
            return False
        return self.source.cached(name) is not None or name in self.source.names()

    async def load(self, name: str) -> LiveFlow:
        """The flow, from memory when it has not changed; a flow read for the first time, or changed since, is
        parsed in a worker thread so that the other calls go on."""
        if FLOW_NAME.fullmatch(name) is None:
            raise RuntimeFailure(f"`{name}` is not the name of a flow")
        cached = self.source.cached(name)
        return LiveFlow(cached if cached is not None else await asyncio.to_thread(self.source.get, name))

    async def prepare(self) -> None:
        """Read and plan every flow of the source in a worker thread."""

        def read_all() -> None:
            for name in self.source.names():
                try:
                    self.engine.plan(self.source.get(name))
                except RuntimeFailure as error:
                    log.error("%s", error)

        await asyncio.to_thread(read_all)
