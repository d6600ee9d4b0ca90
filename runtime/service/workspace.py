"""A tenant's workspace: its environment, its flows (drafts and published), and checking a flow among them."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check import check_flow
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.environment import FILENAME, Environment, environment_from_text
from callflow.flowlang.errors import Location
from callflow.flowlang.loader import Loaded
from callflow.flowlang.registry import Registry
from callflow.runtime.service.library import DRAFTS, PUBLISHED, Catalog
from callflow.runtime.service.parsed import ParseCache
from callflow.runtime.store.folder import DataFolder
from callflow.runtime.store.tenants import Tenant


@dataclass
class Workspace:
    """One tenant, as the service works on it."""

    folder: DataFolder
    tenant: Tenant
    parsed: ParseCache
    _environment: tuple[int, Environment] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def registry(self) -> Registry:
        """The installed node types."""
        return self.parsed.registry

    @property
    def files(self) -> Path:
        """The tenant's files (data for lookups, environments for tests)."""
        return self.folder.files(self.tenant)

    @property
    def environment_path(self) -> Path:
        """Where the tenant's `callflow.toml` would be: relative paths in it resolve against the tenant's files."""
        return self.files / FILENAME

    def environment(self) -> Environment:
        """The tenant's environment, bound once per revision."""
        current = self.folder.environments.current(self.tenant.id)
        with self._lock:
            if self._environment is not None and self._environment[0] == current.revision:
                return self._environment[1]
        environment = environment_from_text(current.text, self.environment_path)
        with self._lock:
            self._environment = (current.revision, environment)
        return environment

    def drafts(self) -> Catalog:
        """The tenant's drafts."""
        return Catalog(self.folder, self.tenant, self.parsed, DRAFTS)

    def published(self) -> Catalog:
        """The newest published version of each of the tenant's flows: what live calls run."""
        return Catalog(self.folder, self.tenant, self.parsed, PUBLISHED)

    def check(self, loaded: Loaded, text: str, catalog: Catalog | None = None) -> list[Diagnostic]:
        """Every problem of a flow read from `text`, its called flows found in `catalog` (default: the drafts)."""
        problems = list(loaded.problems)
        if loaded.flow is None:
            return problems
        lines = text.split("\n") if loaded.form == "dsl" else []

        def source_line(location: Location) -> str | None:
            line = location.line
            return lines[line - 1] if line is not None and 0 < line <= len(lines) else None

        catalog = catalog or self.drafts()
        found = check_flow(
            loaded.flow,
            environment=self.environment(),
            registry=self.registry,
            source_line=source_line,
            flows=catalog.with_texts({loaded.flow.name: text}).for_checks(),
        )
        return sorted(dict.fromkeys([*problems, *found]), key=codes.sort_key)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    """Whether any diagnostic is an error."""
    return any(d.severity == codes.Severity.ERROR for d in diagnostics)
