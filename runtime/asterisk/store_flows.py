"""Live calls from the flow service's store (`callflow run --data DIR`): what is published, per tenant.

A dialled number belongs to the tenant whose environment claims it (`Environments.tenant_of_number`); the call runs
the newest published version of the flow that environment binds the number to, with that tenant's environment
(switches, destinations, queues, data sources and data files) and prompts. Drafts never reach callers.

Nothing is reloaded per call: each call asks the store three cheap questions (the number's tenant, the revision of
its environment, the number of the flow's newest version). What is costly is made once and kept: a tenant's engine,
environment, data sources and prompt files per environment revision (`TenantScope`), and parsed flows per published
version (`PublishedFlows`). So a publish, a rollback or a switch flip is taken by the next call without a restart,
and a call in progress keeps the scope and the versions it started with (`Call.flows`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

from callflow.flowlang.environment import FILENAME, Environment, environment_from_text, load_environment_text
from callflow.flowlang.errors import FlowError
from callflow.flowlang.loader import load_text
from callflow.flowlang.model import Flow
from callflow.flowlang.registry import Registry
from callflow.runtime.asterisk.flow_lookup import FLOW_NAME, LiveFlow
from callflow.runtime.asterisk.prompts import PromptFiles
from callflow.runtime.data import DataSources
from callflow.runtime.engine import Engine
from callflow.runtime.service.library import flow_file
from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.store.folder import DataFolder
from callflow.runtime.store.tenants import Tenant
from callflow.runtime.types import Store
from callflow.speech.cache import PromptCache

log = logging.getLogger(__name__)

PARSED_VERSIONS = 256
"""Parsed published versions kept, over all tenants (least recently used go first)."""


class ParsedVersions:
    """Published versions parsed once, by (tenant, flow, version): a version never changes."""

    def __init__(self, folder: DataFolder, registry: Registry, capacity: int = PARSED_VERSIONS) -> None:
        self.folder = folder
        self.registry = registry
        self.capacity = capacity
        self._lock = threading.Lock()
        self._flows: OrderedDict[tuple[int, str, int], Flow] = OrderedDict()

    def cached(self, tenant: Tenant, name: str, version: int) -> Flow | None:
        """The version, if it has been parsed already."""
        with self._lock:
            flow = self._flows.get((tenant.id, name, version))
            if flow is not None:
                self._flows.move_to_end((tenant.id, name, version))
            return flow

    def get(self, tenant: Tenant, name: str, version: int) -> Flow:
        """The version, parsed (from memory after the first time); `RuntimeFailure` when it cannot be read."""
        flow = self.cached(tenant, name, version)
        if flow is not None:
            return flow
        text = self.folder.versions.get(tenant.id, name, version).text
        loaded = load_text(text, flow_file(name), "dsl", self.registry)
        if not loaded.ok or loaded.flow is None:
            raise RuntimeFailure(f"version {version} of flow `{name}` of tenant {tenant.name} cannot be read")
        with self._lock:
            self._flows[(tenant.id, name, version)] = loaded.flow
            while len(self._flows) > self.capacity:
                self._flows.popitem(last=False)
        return loaded.flow


@dataclass(frozen=True)
class PublishedFlows:
    """A tenant's newest published versions as the engine finds flows (`FlowSource`): subflow calls included."""

    folder: DataFolder
    tenant: Tenant
    parsed: ParsedVersions

    def newest(self, name: str) -> int | None:
        """The number of the version live calls run now (None: never published, or deleted)."""
        return self.folder.versions.newest_number(self.tenant.id, name)

    def get(self, name: str) -> Flow:
        """The newest published version; `RuntimeFailure` when there is none."""
        version = self.newest(name)
        if version is None:
            raise RuntimeFailure(f"flow `{name}` has no published version in tenant {self.tenant.name}")
        return self.parsed.get(self.tenant, name, version)

    def names(self) -> list[str]:
        """Every published flow of the tenant."""
        return sorted(self.folder.versions.newest_of_all(self.tenant.id))

    def cached(self, name: str) -> Flow | None:
        """The newest published version if it has been parsed already."""
        version = self.newest(name)
        return None if version is None else self.parsed.cached(self.tenant, name, version)


@dataclass
class TenantScope:
    """One tenant at one revision of its environment: what its calls are served with (a `Scope`)."""

    tenant_row: Tenant
    revision: int
    environment: Environment
    engine: Engine
    prompts: PromptFiles
    flows: PublishedFlows

    @property
    def tenant(self) -> str | None:
        """The tenant's name."""
        return self.tenant_row.name

    def bound(self, *numbers: str) -> str | None:
        """The flow the environment's `[numbers]` binds the first bound number to."""
        return next((self.environment.numbers[n] for n in numbers if n in self.environment.numbers), None)

    def exists(self, name: str) -> bool:
        """A plain name of one of the tenant's published flows."""
        return FLOW_NAME.fullmatch(name) is not None and self.flows.newest(name) is not None

    async def load(self, name: str) -> LiveFlow:
        """The newest published version (parsed in a worker thread the first time, so other calls go on)."""
        if FLOW_NAME.fullmatch(name) is None:
            raise RuntimeFailure(f"`{name}` is not the name of a flow")
        version = self.flows.newest(name)
        if version is None:
            raise RuntimeFailure(f"flow `{name}` has no published version in tenant {self.tenant_row.name}")
        flow = self.flows.parsed.cached(self.tenant_row, name, version)
        if flow is None:
            flow = await asyncio.to_thread(self.flows.parsed.get, self.tenant_row, name, version)
        return LiveFlow(flow, version)


@dataclass
class Unclaimed:
    """The scope of a number no tenant claims: no flow, no switches, no destinations (the dialplan's fallback)."""

    engine: Engine
    prompts: PromptFiles
    environment: Environment
    tenant: str | None = None

    def bound(self, *numbers: str) -> str | None:
        """No number is bound."""
        return None

    def exists(self, name: str) -> bool:
        """No flow is served (`CALLFLOW_FLOW` cannot pick a tenant's flow for a number that tenant does not claim)."""
        return False

    async def load(self, name: str) -> LiveFlow:
        """Never a flow."""
        raise RuntimeFailure(f"no tenant serves flow `{name}` for this number")


@dataclass
class StoreFlows:
    """The flow service's store as a `FlowLookup`: each call in the scope of the tenant that claims its number."""

    folder: DataFolder
    registry: Registry
    store: Store
    prompt_cache: PromptCache
    parsed: ParsedVersions = field(init=False)
    _scopes: dict[int, TenantScope] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _unclaimed: Unclaimed = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.parsed = ParsedVersions(self.folder, self.registry)
        nothing = load_environment_text("", "<no tenant>")
        engine = Engine(self.registry, nothing, self.store, DataSources(nothing), _NoFlows())
        self._unclaimed = Unclaimed(engine, PromptFiles(self.prompt_cache, nothing, self.folder.path), nothing)

    def scope(self, *numbers: str) -> TenantScope | Unclaimed:
        """The scope of the tenant that claims the first claimed number, at its environment's newest revision."""
        environments = self.folder.environments
        tenant_id = next((t for n in numbers if n and (t := environments.tenant_of_number(n)) is not None), None)
        if tenant_id is None:
            log.warning("no tenant claims the number %r (its environment's [numbers])", numbers[0] if numbers else "")
            return self._unclaimed
        return self.tenant_scope(tenant_id)

    def tenant_scope(self, tenant_id: int) -> TenantScope:
        """A tenant's scope at its environment's newest revision (made again only when the revision changed)."""
        revision = self.folder.environments.revision(tenant_id)
        with self._lock:
            found = self._scopes.get(tenant_id)
        if found is not None and found.revision == revision:
            return found
        made = self._make(tenant_id)
        with self._lock:
            current = self._scopes.get(tenant_id)
            if current is not None and current.revision >= made.revision:
                _close_when_unused(made)
                return current
            self._scopes[tenant_id] = made
        if current is not None:
            _close_when_unused(current)
        return made

    def _make(self, tenant_id: int) -> TenantScope:
        tenant = self.folder.tenants.by_id(tenant_id)
        current = self.folder.environments.current(tenant_id)
        files = self.folder.files(tenant)
        try:
            environment = environment_from_text(current.text, files / FILENAME)
        except FlowError as error:  # saved environments are validated; one that no longer binds serves nothing
            log.error("tenant %s: its environment (revision %d) cannot be used: %s", tenant.name, current.revision,
                      error)  # fmt: skip
            environment = load_environment_text("", f"<tenant {tenant.name}>")
        flows = PublishedFlows(self.folder, tenant, self.parsed)
        engine = Engine(self.registry, environment, self.store, DataSources(environment), flows)
        prompts = PromptFiles(self.prompt_cache, environment, files)
        return TenantScope(tenant, current.revision, environment, engine, prompts, flows)

    async def prepare(self) -> None:
        """Read every tenant's environment and parse and plan its published flows before calls arrive."""

        def read_all() -> None:
            for tenant in self.folder.tenants.all():
                scope = self.tenant_scope(tenant.id)
                for name in scope.flows.names():
                    try:
                        scope.engine.plan(scope.flows.get(name))
                    except RuntimeFailure as error:
                        log.error("%s", error)

        await asyncio.to_thread(read_all)

    def close(self) -> None:
        """Stop the data sources' worker threads."""
        with self._lock:
            scopes, self._scopes = list(self._scopes.values()), {}
        for scope in scopes:
            scope.engine.data.close()
        self._unclaimed.engine.data.close()


def _close_when_unused(scope: TenantScope) -> None:
    """A replaced scope's data sources stop once no call holds the scope any more."""
    weakref.finalize(scope, scope.engine.data.close)


class _NoFlows:
    """The engine of a number no tenant claims finds no flow."""

    def get(self, name: str) -> Flow:
        raise RuntimeFailure(f"no flow `{name}` for a number no tenant claims")

    def names(self) -> list[str]:
        return []

    def cached(self, name: str) -> Flow | None:
        return None
