"""Stubbed HTTP sources: fixed answers to a lookup's requests, for flow tests that need no server.

A flow test's `http:` gives, per HTTP source, the answers to the requests a call makes (`GET /accounts/*`, with
a status, a JSON body and a delay). While a simulated call runs with stubs (`stubbed`), a lookup of a stubbed
source is answered from them and never reaches the network; its delay is virtual time on the call's clock, so a
stub slower than the lookup's timeout ends in `timeout` after the timeout, at once in real time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import parse_qsl, unquote

from callflow.runtime.http_source import values_in_query


@dataclass(frozen=True)
class HttpStub:
    """One request a stubbed source answers (a method and a path, `*` for any text) and its answer."""

    method: str
    path: str
    params: Mapping[str, str] | None = None
    """Values the request must send (in its query or JSON body), each compared as text; None: any."""
    status: int = 200
    body: bytes = b"{}"
    delay_s: float = 0.0

    @property
    def request(self) -> str:
        """The request as a test file writes it: `GET /accounts/*`."""
        return f"{self.method} {self.path}"

    def answers(self, method: str, path: str, values: Mapping[str, Any]) -> bool:
        """Whether this stub answers a request: its method, its path (decoded, without the query) and values."""
        if method.upper() != self.method or not fnmatchcase(unquote(path.partition("?")[0]), self.path):
            return False
        return all(key in values and _text(values[key]) == str(want) for key, want in (self.params or {}).items())


@dataclass(frozen=True)
class HttpStubs:
    """The stubs of a call, per source name; sources not named here are not stubbed."""

    sources: Mapping[str, tuple[HttpStub, ...]]

    def stubbed(self, source: str) -> bool:
        """Whether a source is answered by stubs."""
        return source in self.sources

    def answer(self, source: str, method: str, path: str, params: Mapping[str, Any]) -> HttpStub | None:
        """The first stub of `source` that answers the request, or None."""
        values = {**dict(parse_qsl(path.partition("?")[2])), **params} if values_in_query(method) else dict(params)
        return next((stub for stub in self.sources.get(source, ()) if stub.answers(method, path, values)), None)


def stubs_from(data: Mapping[str, Any] | None) -> HttpStubs | None:
    """The stubs a flow test's `http:` describes (already checked against the flow-test schema), or None."""
    if not data:
        return None
    return HttpStubs({source: tuple(_stub(entry) for entry in entries or ()) for source, entries in data.items()})


def _stub(entry: Mapping[str, Any]) -> HttpStub:
    method, _, path = str(entry["request"]).partition(" ")
    if "body" in entry:
        body = str(entry["body"]).encode()
    else:
        body = json.dumps(entry.get("json", {}), ensure_ascii=False).encode()
    params = entry.get("params")
    return HttpStub(
        method.upper(),
        path.strip(),
        {str(k): _text(v) for k, v in params.items()} if params else None,
        int(entry.get("status", 200)),
        body,
        float(entry.get("delay", 0)),
    )


def _text(value: Any) -> str:
    """A value as a stub compares it: JSON's spelling for true, false and null, Python's for the rest."""
    return json.dumps(value) if value is None or isinstance(value, bool) else str(value)


CURRENT: ContextVar[HttpStubs | None] = ContextVar("callflow_http_stubs", default=None)
"""The stubs of the call running in this task (and the tasks it starts)."""


@contextmanager
def stubbed(stubs: HttpStubs | None) -> Iterator[None]:
    """Answer the HTTP lookups made inside the block (in this task) from `stubs`."""
    token = CURRENT.set(stubs)
    try:
        yield
    finally:
        CURRENT.reset(token)
