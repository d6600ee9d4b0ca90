"""Private copies of an environment's SQLite data, so that calls which write (a PIN count, a lock) leave no trace.

Comparing two versions of a flow means running the same calls twice from the same data: each run gets its own
copy, made from the files as they are (or, where a CSV table is newer than its SQLite file, built from the CSV as
the simulator would build it), and deleted afterwards. The files themselves are never written.
"""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from types import MappingProxyType

from callflow.flowlang.environment import DataSource, Environment


@contextmanager
def private_data(environment: Environment) -> Iterator[Environment]:
    """The environment with each SQLite source on a private copy of its data, for as long as the block runs."""
    with tempfile.TemporaryDirectory(prefix="callflow-data-") as folder:
        sources = {name: _copied(source, Path(folder)) for name, source in environment.sources.items()}
        yield dataclasses.replace(environment, sources=MappingProxyType(sources))


def _copied(source: DataSource, folder: Path) -> DataSource:
    if source.kind != "sqlite" or source.path is None:
        return source
    target = folder / f"{source.name}.sqlite"
    if source.csv and _stale(source.path, source):
        return dataclasses.replace(source, path=target)  # built from the CSV tables when first queried
    if not source.path.exists():
        return source  # a lookup fails as it would on the file itself
    try:
        with (
            closing(sqlite3.connect(f"{source.path.resolve().as_uri()}?mode=ro", uri=True)) as original,
            closing(sqlite3.connect(target)) as copy,
        ):
            original.backup(copy)
    except sqlite3.DatabaseError:
        shutil.copyfile(source.path, target)  # not a database: the copy fails the same way
    return dataclasses.replace(source, path=target)


def _stale(path: Path, source: DataSource) -> bool:
    """Whether the simulator would rebuild the file from its CSV tables (see `runtime.data.seed_sqlite`)."""
    return not path.exists() or any(csv.stat().st_mtime > path.stat().st_mtime for csv in source.csv.values())
