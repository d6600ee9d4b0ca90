"""Data lookups: SQLite files (through sqlite-utils, parameterised queries only) and HTTP services (httpx, see
`http_source`; answered by stubs in flow tests, see `http_stubs`).

Values are never pasted into SQL: they are bound as `:named` parameters. HTTP requests go only under the source's
URL, to the hosts the environment allows, with every value percent-encoded. Every lookup has one deadline for the
whole exchange and an HTTP answer a size limit, so a slow, trickling, huge or broken source ends in `timeout` or
`error`, never in a caller waiting in silence or a process filling its memory.
"""

from __future__ import annotations

import asyncio
import csv
import json
import math
import sqlite3
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import sqlite_utils

from callflow.flowlang.environment import DataSource, Environment
from callflow.runtime import http_stubs
from callflow.runtime.http_source import exchange, request_url, too_large
from callflow.runtime.http_source import quote_value as quote_value  # re-exported: part of the API
from callflow.runtime.types import Clock


@dataclass(frozen=True)
class LookupResult:
    """How a lookup went (`found`, `not_found`, `error`, `timeout`) and the row it found."""

    status: str
    row: Mapping[str, Any] | None = None
    detail: str = ""
    http_status: int | None = None
    """The status of an HTTP source's answer (None for SQLite, and when no answer came)."""


def seed_sqlite(source: DataSource) -> Path:
    """The source's SQLite file, (re)built from its CSV tables when a CSV is newer than the file."""
    assert source.path is not None
    path = source.path
    stale = not path.exists() or any(
        csv_path.stat().st_mtime > path.stat().st_mtime for csv_path in source.csv.values()
    )
    if source.csv and stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        database = sqlite_utils.Database(path)
        for table, csv_path in source.csv.items():
            with csv_path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            database.table(table).drop(ignore=True)
            database.table(table).insert_all(rows)
        database.conn.close()
    return path


class DataSources:
    """The environment's data sources, ready to query."""

    def __init__(
        self, environment: Environment, client: httpx.AsyncClient | None = None, *, inline: bool = False
    ) -> None:
        """`inline` runs SQLite queries on the caller's thread (the simulator, where one loop runs virtual calls
        and a thread hop per lookup would cost more than the query); live calls use worker threads."""
        self.environment = environment
        self._client = client
        self.inline = inline
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="callflow-sqlite")
        self._local = threading.local()
        self._seeded: dict[str, Path] = {}

    def source(self, name: str) -> DataSource:
        """A data source by name."""
        source = self.environment.sources.get(name)
        if source is None:
            raise LookupError(f"the environment has no data source `{name}`")
        return source

    async def query(self, name: str, sql: str, params: Mapping[str, Any], timeout_s: float) -> LookupResult:
        """Run a parameterised SQL statement: a SELECT finds its first row; other statements change rows."""
        try:
            source = self.source(name)
            if source.kind != "sqlite":
                return LookupResult("error", detail=f"`{name}` is not an SQLite source")
            deadline = time.monotonic() + timeout_s
            if self.inline:
                return self._run_sql(source, sql, dict(params), deadline)
            loop = asyncio.get_running_loop()
            work = loop.run_in_executor(self._pool, self._run_sql, source, sql, dict(params), deadline)
            return await asyncio.wait_for(work, timeout_s)
        except TimeoutError:
            return LookupResult("timeout", detail=f"no answer within {timeout_s}s")
        except Exception as error:  # a broken source is an outcome of the lookup, not a crash of the call
            return LookupResult("error", detail=str(error))

    def _run_sql(self, source: DataSource, sql: str, params: dict[str, Any], deadline: float) -> LookupResult:
        if source.name not in self._seeded:
            self._seeded[source.name] = seed_sqlite(source)
        databases: dict[str, _OpenDatabase] = self._local.__dict__.setdefault("databases", {})
        opened = databases.get(source.name)
        if opened is None:
            opened = databases[source.name] = _OpenDatabase(sqlite_utils.Database(self._seeded[source.name]))
        # The deadline holds inside SQLite too: waiting for a lock, and running a long statement.
        opened.busy_timeout(max(int((deadline - time.monotonic()) * 1000), 0))
        opened.deadline = deadline
        try:
            return self._execute(opened.database, sql, params)
        except sqlite3.OperationalError:
            if time.monotonic() >= deadline - 0.05:
                raise TimeoutError from None
            raise
        finally:
            opened.deadline = math.inf

    def _execute(self, database: sqlite_utils.Database, sql: str, params: dict[str, Any]) -> LookupResult:
        with database.conn:  # a statement that changes rows is committed; one that fails is rolled back
            cursor = database.execute(sql, params)
            if cursor.description is not None:  # SELECT, or INSERT/UPDATE ... RETURNING
                columns = [d[0] for d in cursor.description]
                found = cursor.fetchone()
                cursor.fetchall()
                return (
                    LookupResult("found", dict(zip(columns, found, strict=True)))
                    if found
                    else LookupResult("not_found")
                )
        return LookupResult("found" if cursor.rowcount > 0 else "not_found")

    async def request(
        self,
        name: str,
        method: str,
        path: str,
        params: Mapping[str, Any],
        timeout_s: float,
        clock: Clock | None = None,
    ) -> LookupResult:
        """Call an HTTP source: 2xx finds the JSON object it returns, 404 finds nothing, any other status is an
        error; the source's headers go with the request.

        `path` is under the source's URL, with any value inserted into it percent-encoded already (`quote_value`).
        `timeout_s` (at most the source's own `timeout_s`) is one deadline for connecting, sending and reading the
        whole answer, which may be at most the source's `max_response_bytes` long. A source the running call stubs
        (`http_stubs.stubbed`) is answered by its stub, the stub's delay passing on `clock`."""
        try:
            source = self.source(name)
            if source.kind != "http" or source.url is None:
                return LookupResult("error", detail=f"`{name}` is not an HTTP source")
            if source.timeout_s is not None:
                timeout_s = min(timeout_s, source.timeout_s)
            url = request_url(source.url, path)
            host = urlsplit(url).hostname or ""
            if host not in source.allow_hosts:
                return LookupResult("error", detail=f"host {host} is not allowed for `{name}`")
            stubs = http_stubs.CURRENT.get()
            if stubs is not None and stubs.stubbed(name):
                return await self._stubbed(stubs, source, method, path, params, timeout_s, clock)
            async with asyncio.timeout(timeout_s):
                status, body = await exchange(
                    self._client, method, url, params, source.headers, timeout_s, source.max_response_bytes
                )
        except (TimeoutError, httpx.TimeoutException):
            return LookupResult("timeout", detail=f"no answer within {timeout_s}s")
        except Exception as error:
            return LookupResult("error", detail=str(error) or type(error).__name__)
        return answer(status, body)

    async def _stubbed(
        self,
        stubs: http_stubs.HttpStubs,
        source: DataSource,
        method: str,
        path: str,
        params: Mapping[str, Any],
        timeout_s: float,
        clock: Clock | None,
    ) -> LookupResult:
        """The answer of a stubbed source, after the stub's delay (virtual time on `clock`); past the timeout, only
        the timeout passes and the lookup times out."""
        stub = stubs.answer(source.name, method, path, params)
        if stub is None:
            request = f"{method.upper()} {path.partition('?')[0]}"
            return LookupResult("error", detail=f"no stub of `{source.name}` in the test answers {request}")
        if clock is not None:
            await clock.sleep(min(stub.delay_s, timeout_s))
        if stub.delay_s >= timeout_s:
            return LookupResult("timeout", detail=f"no answer within {timeout_s}s")
        if 200 <= stub.status < 300 and len(stub.body) > source.max_response_bytes:
            return LookupResult("error", detail=too_large(source.max_response_bytes), http_status=stub.status)
        return answer(stub.status, stub.body if 200 <= stub.status < 300 else b"")

    def close(self) -> None:
        """Stop the worker threads."""
        self._pool.shutdown(wait=False, cancel_futures=True)


class _OpenDatabase:
    """A database open on one thread, with the deadline of the statement it runs (none between statements)."""

    def __init__(self, database: sqlite_utils.Database) -> None:
        self.database = database
        self.deadline = math.inf
        self._busy_timeout_ms: int | None = None
        database.conn.set_progress_handler(self._late, 10_000)

    def _late(self) -> bool:
        return time.monotonic() > self.deadline

    def busy_timeout(self, ms: int) -> None:
        """How long SQLite waits for a lock (set only when it changes: the setting is a statement of its own)."""
        if ms != self._busy_timeout_ms:
            self.database.conn.execute(f"PRAGMA busy_timeout = {ms}")
            self._busy_timeout_ms = ms


def answer(status: int, body: bytes) -> LookupResult:
    """What an HTTP answer means: 2xx finds the JSON object of its body (an array: its first item; another value:
    `{"value": ...}`; an empty body: `{}`), 404 and an empty array find nothing, any other status is an error."""
    if status == 404:
        return LookupResult("not_found", http_status=status)
    if not 200 <= status < 300:
        return LookupResult("error", detail=f"HTTP {status}", http_status=status)
    try:
        value = json.loads(body) if body.strip() else {}
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        return LookupResult("error", detail="the answer is not JSON", http_status=status)
    if isinstance(value, list):
        first = value[0] if value else None
        if not isinstance(first, dict):
            return LookupResult("not_found", http_status=status)
        return LookupResult("found", first, http_status=status)
    return LookupResult("found", value if isinstance(value, dict) else {"value": value}, http_status=status)
