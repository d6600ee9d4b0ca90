"""A tenant's flows by name, for checks (`FlowSet`) and for calls (`FlowSource`): its drafts, or its newest
published versions, with unsaved or candidate texts laid over them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from callflow.flowlang.loader import Loaded
from callflow.flowlang.model import Flow
from callflow.runtime.service.parsed import ParseCache
from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.store.folder import DataFolder
from callflow.runtime.store.tenants import Tenant

DRAFTS = "draft"
PUBLISHED = "published"


def flow_file(name: str) -> str:
    """The file name a flow's diagnostics and traces name."""
    return f"{name}.flow"


@dataclass
class Catalog:
    """A tenant's flows of one kind, read from the store when asked (so a publish is seen by the next call)."""

    folder: DataFolder
    tenant: Tenant
    parsed: ParseCache
    kind: str = DRAFTS
    overlay: Mapping[str, str] = field(default_factory=dict)
    """Texts that stand in for the stored ones, by flow name (an unsaved draft, a candidate for publishing)."""

    def text(self, name: str) -> str | None:
        """The text of a flow, or None when there is none."""
        if name in self.overlay:
            return self.overlay[name]
        if self.kind == DRAFTS:
            draft = self.folder.flows.find(self.tenant.id, name)
            return draft.text if draft else None
        version = self.folder.versions.newest(self.tenant.id, name)
        return version.text if version else None

    def loaded(self, name: str) -> Loaded | None:
        """A flow read from its text, or None when there is none."""
        text = self.text(name)
        return None if text is None else self.parsed.load(text, flow_file(name))

    def names(self) -> list[str]:
        """Every flow of this kind, by name."""
        if self.kind == DRAFTS:
            stored = [draft.name for draft in self.folder.flows.all(self.tenant.id)]
        else:
            stored = list(self.folder.versions.newest_of_all(self.tenant.id))
        return sorted({*stored, *self.overlay})

    def with_texts(self, texts: Mapping[str, str]) -> Catalog:
        """The same catalog with some texts laid over it."""
        return Catalog(self.folder, self.tenant, self.parsed, self.kind, {**self.overlay, **texts})

    def for_checks(self) -> CheckFlows:
        """The catalog as checks find called flows."""
        return CheckFlows(self)

    def for_calls(self) -> CallFlows:
        """The catalog as the engine finds flows."""
        return CallFlows(self)


@dataclass(frozen=True)
class CheckFlows:
    """A catalog as a `FlowSet` (flowlang's checks)."""

    catalog: Catalog

    def exists(self, name: str) -> bool:
        return self.catalog.text(name) is not None

    def get(self, name: str) -> Flow | None:
        loaded = self.catalog.loaded(name)
        return loaded.flow if loaded is not None and loaded.ok else None

    def missing(self, name: str) -> str:
        what = "flow" if self.catalog.kind == DRAFTS else "published flow"
        return f"there is no {what} `{name}` in tenant {self.catalog.tenant.name}"


@dataclass(frozen=True)
class CallFlows:
    """A catalog as a `FlowSource` (the engine)."""

    catalog: Catalog

    def get(self, name: str) -> Flow:
        loaded = self.catalog.loaded(name)
        if loaded is None:
            what = "draft" if self.catalog.kind == DRAFTS else "published version"
            raise RuntimeFailure(f"flow `{name}` has no {what} in tenant {self.catalog.tenant.name}")
        if not loaded.ok or loaded.flow is None:
            raise RuntimeFailure(f"flow `{name}` has errors; check it in the designer or with `callflow check`")
        return loaded.flow

    def names(self) -> list[str]:
        return self.catalog.names()

    def cached(self, name: str) -> Flow | None:
        return None
