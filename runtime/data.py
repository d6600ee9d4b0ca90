"""Data lookups: SQLite files (through sqlite-utils, parameterised queries only) and HTTP services (httpx).

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
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx
import sqlite_utils

from callflow.flowlang.environment import DataSource, Environment


@dataclass(frozen=True)
class LookupResult:
    """How a lookup went (`found`, `not_found`, `error`, `timeout`) and the row it found."""

    status: str
    row: Mapping[str, Any] | None = None
    detail: str = ""


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
        self, name: str, method: str, path: str, params: Mapping[str, Any], timeout_s: float
    ) -> LookupResult:
        """Call an HTTP source: 2xx finds the JSON object it returns, 404 finds nothing.

        `path` is under the source's URL, with any value inserted into it percent-encoded already (`quote_value`).
        `timeout_s` is one deadline for connecting, sending and reading the whole answer, which may be at most the
        source's `max_response_bytes` long."""
        try:
            source = self.source(name)
            if source.kind != "http" or source.url is None:
                return LookupResult("error", detail=f"`{name}` is not an HTTP source")
            url = request_url(source.url, path)
            host = urlsplit(url).hostname or ""
            if host not in source.allow_hosts:
                return LookupResult("error", detail=f"host {host} is not allowed for `{name}`")
            async with asyncio.timeout(timeout_s):
                status, body = await self._exchange(method.upper(), url, params, timeout_s, source.max_response_bytes)
        except (TimeoutError, httpx.TimeoutException):
            return LookupResult("timeout", detail=f"no answer within {timeout_s}s")
        except Exception as error:
            return LookupResult("error", detail=str(error) or type(error).__name__)
        if status == 404:
            return LookupResult("not_found")
        if not 200 <= status < 300:
            return LookupResult("error", detail=f"HTTP {status}")
        return _found(body)

    async def _exchange(
        self, method: str, url: str, params: Mapping[str, Any], timeout_s: float, max_bytes: int
    ) -> tuple[int, bytes]:
        """The status and body of one request; AnswerRefused as soon as the body passes `max_bytes`."""
        client = self._client or httpx.AsyncClient()
        target, payload = httpx.URL(url), None
        if method in ("GET", "DELETE"):  # the values join the query the path may have (not replace it)
            target = target.copy_merge_params(dict(params))
        else:
            payload = dict(params)
        headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
        exchange = client.stream(method, target, json=payload, headers=headers, timeout=timeout_s)
        try:
            async with exchange as response:
                if not 200 <= response.status_code < 300:
                    return response.status_code, b""
                encoding = response.headers.get("content-encoding", "identity").strip().lower()
                if encoding != "identity":  # a compressed answer could unpack past any limit
                    raise AnswerRefused(f"the answer is compressed ({encoding}), which was not asked for")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise AnswerRefused(_too_large(max_bytes))
                body = bytearray()
                async for chunk in response.aiter_raw():
                    body += chunk
                    if len(body) > max_bytes:
                        raise AnswerRefused(_too_large(max_bytes))
                return response.status_code, bytes(body)
        finally:
            if self._client is None:
                await client.aclose()

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


class AnswerRefused(Exception):
    """An HTTP answer that is not taken: larger than the source allows, or compressed."""


def _too_large(max_bytes: int) -> str:
    return f"the answer is larger than the source's max_response_bytes ({max_bytes:,} bytes)"


def quote_value(value: str) -> str:
    """A value as it is inserted into a lookup's path or query: every character but letters, digits and `-._~`
    percent-encoded, so it stays one path segment or one query value."""
    return quote(value, safe="")


def request_url(base: str, path: str) -> str:
    """The URL that `path` names under an HTTP source's URL `base` (their queries joined).

    ValueError for a path that would leave `base`: a URL of its own, or a `.` or `..` segment, written or reached by
    percent-decoding (servers decode, some more than once, and treat `\\` as `/`). The message never quotes the
    path, which may hold a secret."""
    if urlsplit(path).scheme or path.startswith("//"):
        raise ValueError("the lookup's path is a URL of its own; it must be a path under the source's URL")
    path_part, _, query = path.partition("?")
    if any(_climbs(segment) for segment in _decodings(path_part)):
        raise ValueError("the lookup's path leaves the source's URL (it has a `.` or `..` segment)")
    scheme, netloc, base_path, base_query, _ = urlsplit(base)
    joined_query = "&".join(part for part in (base_query, query) if part)
    return urlunsplit((scheme, netloc, base_path.rstrip("/") + "/" + path_part.lstrip("/"), joined_query, ""))


def _decodings(path: str, rounds: int = 3) -> set[str]:
    """The segments of `path` as written and as up to `rounds` percent-decodings read it, `\\` taken as `/`."""
    segments = set()
    for _ in range(rounds + 1):
        segments.update(path.replace("\\", "/").split("/"))
        path = unquote(path)
    return segments


def _climbs(segment: str) -> bool:
    """Whether a segment is `.` or `..`, also with parameters after `;` (which some servers drop)."""
    return segment.partition(";")[0] in (".", "..")


def _found(body: bytes) -> LookupResult:
    try:
        value = json.loads(body) if body.strip() else {}
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        return LookupResult("error", detail="the answer is not JSON")
    if isinstance(value, list):
        first = value[0] if value else None
        return LookupResult("found", first) if isinstance(first, dict) else LookupResult("not_found")
    return LookupResult("found", value if isinstance(value, dict) else {"value": value})
