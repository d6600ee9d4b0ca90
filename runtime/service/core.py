"""The service as one process holds it: its data folder, parsed flows and a workspace per tenant."""

from __future__ import annotations

import threading
from pathlib import Path

from callflow.flowlang.registry import Registry, default_registry
from callflow.runtime.service.parsed import ParseCache
from callflow.runtime.service.records import RecordBook
from callflow.runtime.service.workspace import Workspace
from callflow.runtime.store.folder import DataFolder
from callflow.runtime.store.tenants import Tenant


class Service:
    """What every request and command of the service works with."""

    def __init__(self, data: Path, registry: Registry | None = None) -> None:
        self.folder = DataFolder(data)
        self.records = RecordBook(data)
        self.parsed = ParseCache(registry or default_registry())
        self._workspaces: dict[int, Workspace] = {}
        self._lock = threading.Lock()

    @property
    def registry(self) -> Registry:
        """The installed node types."""
        return self.parsed.registry

    def workspace(self, tenant: Tenant) -> Workspace:
        """A tenant's workspace (one per tenant, so its environment is bound once per revision)."""
        with self._lock:
            found = self._workspaces.get(tenant.id)
            if found is None:
                found = self._workspaces[tenant.id] = Workspace(self.folder, tenant, self.parsed)
            return found

    def workspace_named(self, name: str) -> Workspace:
        """A tenant's workspace by the tenant's name."""
        return self.workspace(self.folder.tenants.get(name))
