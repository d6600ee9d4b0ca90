"""Flows by name, read from a folder: what subflow calls and new calls use.

A call keeps the version of each flow it started using (see `Call.flows`); a flow published while calls run is
used by the calls that start after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from callflow.flowlang.loader import load_file
from callflow.flowlang.model import Flow
from callflow.flowlang.registry import Registry
from callflow.runtime.signals import RuntimeFailure

SUFFIXES = (".flow", ".flow.json")


class FlowSource(Protocol):
    """Where a call's flows come from by name: a folder of files, or a tenant's published versions."""

    def get(self, name: str) -> Flow:
        """The current version of a flow. Raises RuntimeFailure when it is missing or has errors."""

    def names(self) -> list[str]:
        """Every flow there, by name."""

    def cached(self, name: str) -> Flow | None:
        """The current version of a flow if it is at hand without parsing, else None."""


@dataclass
class FlowLibrary:
    """The flows in a folder, re-read when their file changes."""

    directory: Path
    registry: Registry
    _cache: dict[Path, tuple[int, Flow]] = field(default_factory=dict, repr=False)

    def path(self, name: str) -> Path | None:
        """The file of a flow, by name."""
        for suffix in SUFFIXES:
            candidate = self.directory / f"{name}{suffix}"
            if candidate.is_file():
                return candidate
        return None

    def get(self, name: str) -> Flow:
        """The current version of a flow. Raises RuntimeFailure when it is missing or has errors."""
        path = self.path(name)
        if path is None:
            raise RuntimeFailure(f"there is no flow `{name}` in {self.directory}")
        return self.load(path)

    def names(self) -> list[str]:
        """Every flow in the folder, by name."""
        found = {f.name[: -len(suffix)] for suffix in SUFFIXES for f in self.directory.glob(f"*{suffix}")}
        return sorted(found)

    def cached(self, name: str) -> Flow | None:
        """The current version of a flow if it has been read already (nothing is parsed here), else None."""
        path = self.path(name)
        cached = self._cache.get(path) if path is not None else None
        if path is None or cached is None or cached[0] != path.stat().st_mtime_ns:
            return None
        return cached[1]

    def load(self, path: Path) -> Flow:
        """A flow from its file, read again only when the file has changed."""
        mtime = path.stat().st_mtime_ns
        cached = self._cache.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        loaded = load_file(path, self.registry)
        if not loaded.ok or loaded.flow is None:
            raise RuntimeFailure(f"flow {path} has errors; run `callflow check {path}`")
        self._cache[path] = (mtime, loaded.flow)
        return loaded.flow
