"""A tenant's data files (CSV and SQLite for lookups, environments for tests), by path inside its files folder."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from callflow.runtime.service.workspace import Workspace
from callflow.runtime.store.audit import Actor
from callflow.runtime.store.errors import NotFound, StoreError

PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}")
"""A folder or file name: no hidden files, no `..`, nothing a shell or a URL would read differently."""

MAX_DEPTH = 4


@dataclass(frozen=True)
class DataFile:
    """One file: its path inside the tenant's files, its size and when it changed."""

    path: str
    size: int
    modified: float


def located(workspace: Workspace, path: str) -> Path:
    """The file a path names, refused unless it is plainly inside the tenant's files."""
    parts = path.split("/")
    if not 0 < len(parts) <= MAX_DEPTH or not all(PART.fullmatch(p) and p != ".." for p in parts):
        raise StoreError(f"{path!r} cannot name a data file: names of letters, digits, _ . - separated by /")
    return workspace.files.joinpath(*parts)


def listing(workspace: Workspace) -> list[DataFile]:
    """Every data file, by path."""
    files = workspace.files
    if not files.is_dir():
        return []
    found = []
    for path in sorted(p for p in files.rglob("*") if p.is_file() and not p.name.startswith(".")):
        stat = path.stat()
        found.append(DataFile(path.relative_to(files).as_posix(), stat.st_size, stat.st_mtime))
    return found


def write(workspace: Workspace, path: str, content: bytes, actor: Actor) -> DataFile:
    """Write a data file whole (a reader never sees half of it), recorded in the audit log."""
    target = located(workspace, path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".upload-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    workspace.folder.audit.add(workspace.tenant.id, actor, "file.write", path, {"size": len(content)})
    stat = target.stat()
    return DataFile(path, stat.st_size, stat.st_mtime)


def remove(workspace: Workspace, path: str, actor: Actor) -> None:
    """Delete a data file, recorded in the audit log."""
    target = located(workspace, path)
    if not target.is_file():
        raise NotFound(f"there is no data file {path!r}")
    target.unlink()
    workspace.folder.audit.add(workspace.tenant.id, actor, "file.remove", path)
