"""Which flow a live call runs: the seam between the call service and wherever flows come from.

The service asks a `FlowLookup` for the flow bound to the dialled number and, failing that, for the flow the
channel variable `CALLFLOW_FLOW` names. `SourceFlows` takes the flows from the engine's `FlowSource` (a folder's
files for `callflow run --flows`; a tenant's published versions next) and binds numbers to them with the
environment's `[numbers]`; a lookup that binds numbers otherwise implements the same four methods.

`CALLFLOW_FLOW` may only name a flow: a value with a path in it (`/abs/x`, `../x`) or naming no flow of the source
is refused, never read as a file.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Protocol

from callflow.flowlang.environment import Environment
from callflow.flowlang.model import Flow
from callflow.runtime.engine import Engine
from callflow.runtime.flows import FlowSource
from callflow.runtime.signals import RuntimeFailure

log = logging.getLogger(__name__)

FLOW_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
"""What a flow name looks like (a file's name without `.flow`, no path)."""


class FlowLookup(Protocol):
    """Where a live call's flow comes from."""

    def bound(self, *numbers: str) -> str | None:
        """The name of the flow the first of these dialled numbers is bound to, if any."""
        ...

    def exists(self, name: str) -> bool:
        """Whether `name` is the name of a flow this source serves (and nothing else: no path)."""
        ...

    async def load(self, name: str) -> Flow:
        """The current version of a flow, read and ready; `RuntimeFailure` when it cannot be used."""
        ...

    async def prepare(self) -> None:
        """Read every flow before calls arrive (errors are logged: their calls will go to the fallback)."""
        ...


class SourceFlows:
    """The flows of a `FlowSource`, bound to numbers by the environment's `[numbers]`."""

    def __init__(self, source: FlowSource, environment: Environment, engine: Engine) -> None:
        self.source = source
        self.environment = environment
        self.engine = engine

    def bound(self, *numbers: str) -> str | None:
        """The flow `[numbers]` binds the first bound number to."""
        return next((self.environment.numbers[n] for n in numbers if n in self.environment.numbers), None)

    def exists(self, name: str) -> bool:
        """A plain name (no path) of one of the source's flows."""
        if FLOW_NAME.fullmatch(name) is None:
            return False
        return self.source.cached(name) is not None or name in self.source.names()

    async def load(self, name: str) -> Flow:
        """The flow, from memory when it has not changed; a flow read for the first time, or changed since, is
        parsed in a worker thread so that the other calls go on."""
        if FLOW_NAME.fullmatch(name) is None:
            raise RuntimeFailure(f"`{name}` is not the name of a flow")
        cached = self.source.cached(name)
        return cached if cached is not None else await asyncio.to_thread(self.source.get, name)

    async def prepare(self) -> None:
        """Read and plan every flow of the source in a worker thread."""

        def read_all() -> None:
            for name in self.source.names():
                try:
                    self.engine.plan(self.source.get(name))
                except RuntimeFailure as error:
                    log.error("%s", error)

        await asyncio.to_thread(read_all)
