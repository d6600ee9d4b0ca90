"""One HTTP exchange of a lookup: the URL under the source's, the request (values as a query or a JSON body, the
source's headers) and the answer's status and body, read up to the source's size limit.

Requests go only under the source's URL, with every inserted value percent-encoded; a compressed answer (not asked
for) and one past `max_response_bytes` are refused, so no answer can fill the process's memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx

FIXED_HEADERS = {"Accept": "application/json", "Accept-Encoding": "identity"}
"""Headers every lookup sends; a source's own headers come beside them, never instead."""


class AnswerRefused(Exception):
    """An HTTP answer that is not taken: larger than the source allows, or compressed."""


def too_large(max_bytes: int) -> str:
    """Why an answer past the source's limit is refused."""
    return f"the answer is larger than the source's max_response_bytes ({max_bytes:,} bytes)"


def values_in_query(method: str) -> bool:
    """Whether a method sends a lookup's `params` in the query string (GET, DELETE) or as a JSON body."""
    return method.upper() in ("GET", "DELETE")


async def exchange(
    client: httpx.AsyncClient | None,
    method: str,
    url: str,
    params: Mapping[str, Any],
    headers: Mapping[str, str],
    timeout_s: float,
    max_bytes: int,
) -> tuple[int, bytes]:
    """The status and body of one request (a body only for 2xx); AnswerRefused as soon as the body passes
    `max_bytes`. `client` None: a client made for this request only."""
    own = client or httpx.AsyncClient()
    target, payload = httpx.URL(url), None
    if values_in_query(method):  # the values join the query the path may have (not replace it)
        target = target.copy_merge_params(dict(params))
    else:
        payload = dict(params)
    sent = {**headers, **FIXED_HEADERS}
    streamed = own.stream(method.upper(), target, json=payload, headers=sent, timeout=timeout_s)
    try:
        async with streamed as response:
            if not 200 <= response.status_code < 300:
                return response.status_code, b""
            encoding = response.headers.get("content-encoding", "identity").strip().lower()
            if encoding != "identity":  # a compressed answer could unpack past any limit
                raise AnswerRefused(f"the answer is compressed ({encoding}), which was not asked for")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise AnswerRefused(too_large(max_bytes))
            body = bytearray()
            async for chunk in response.aiter_raw():
                body += chunk
                if len(body) > max_bytes:
                    raise AnswerRefused(too_large(max_bytes))
            return response.status_code, bytes(body)
    finally:
        if client is None:
            await own.aclose()


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
