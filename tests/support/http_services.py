"""Real HTTP services on loopback for lookup tests: one that records what it is asked, one that trickles its
answer, and ones that send more than a source allows."""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Service(ThreadingHTTPServer):
    """A threaded HTTP server that remembers the raw request targets it was sent and how much it wrote."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], body_bytes: int = 0) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.targets: list[str] = []
        self.body_bytes = body_bytes
        self.written = 0
        self.finished = threading.Event()
        """Set when a handler has stopped sending (done, or the client went away)."""
        self.answers: dict[str, tuple[int, bytes]] = {}
        """For `Scripted`: the status and body of the answer to each path (without the query)."""
        self.requests: list[dict[str, Any]] = []
        """For `Scripted`: every request, as its method, target, headers and body."""

    @property
    def url(self) -> str:
        """The service's base URL."""
        return f"http://127.0.0.1:{self.server_port}"


class _Handler(BaseHTTPRequestHandler):
    server: Service
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {"Content-Length": str(len(body))}).items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(OSError):  # the client stopped reading (a body past its limit) and left
            self.wfile.write(body)


class Recording(_Handler):
    """Answers every request with `{"status": "open", "path": ...}`, remembering the target as sent."""

    def do_GET(self) -> None:
        self.server.targets.append(self.path)
        self._answer(200, json.dumps({"status": "open", "path": self.path}).encode())


class Scripted(_Handler):
    """Answers each path with the status and body set in `server.answers` (404 for others), remembering every
    request: its method, target, headers and body."""

    def _scripted(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append(
            {"method": self.command, "target": self.path, "headers": dict(self.headers.items()), "body": body}
        )
        status, answer = self.server.answers.get(self.path.partition("?")[0], (404, b""))
        self._answer(status, answer)

    do_GET = do_POST = do_PUT = do_DELETE = _scripted


class Trickling(_Handler):
    """Sends its headers at once, then its JSON answer one byte every 0.25 s (10 s in all): each read is quick,
    the whole answer is not."""

    def do_GET(self) -> None:
        body = json.dumps({"status": "open"}).encode().ljust(40)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for index in range(len(body)):
                self.wfile.write(body[index : index + 1])
                self.wfile.flush()
                time.sleep(0.25)
        except OSError:  # the client left
            pass
        finally:
            self.server.finished.set()


class Large(_Handler):
    """A JSON object of `body_bytes` bytes (`status` and padding), with its Content-Length."""

    def do_GET(self) -> None:
        self._answer(200, padded(self.server.body_bytes))


class Streaming(_Handler):
    """A JSON answer of more than `body_bytes` bytes (white space, then an object) sent in chunks without a
    Content-Length; counts what it wrote."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b" " * 65_536  # JSON allows leading white space: the object comes last
        try:
            while self.server.written < self.server.body_bytes:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.server.written += len(chunk)
            last = json.dumps({"status": "open"}).encode()
            self.wfile.write(f"{len(last):x}\r\n".encode() + last + b"\r\n0\r\n\r\n")
        except OSError:  # the client stopped reading and left
            pass
        finally:
            self.server.finished.set()


class Compressed(_Handler):
    """A small JSON answer, gzip-compressed although the client asked for none."""

    def do_GET(self) -> None:
        body = gzip.compress(json.dumps({"status": "open"}).encode())
        self._answer(200, body, {"Content-Length": str(len(body)), "Content-Encoding": "gzip"})


def padded(size: int) -> bytes:
    """A JSON object of exactly `size` bytes: a short `status` and a long `padding`."""
    head = b'{"status": "open", "padding": "'
    return head + b"x" * (size - len(head) - 2) + b'"}'


@contextmanager
def service(handler: type[BaseHTTPRequestHandler], body_bytes: int = 0) -> Iterator[Service]:
    """A service running on a free loopback port for the duration of a test."""
    server = Service(handler, body_bytes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
