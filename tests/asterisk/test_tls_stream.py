"""`TlsStream`: TLS over a plain socket, read by one thread while another writes, against a one-thread
`ssl.SSLSocket` server on the other end of a socket pair."""

from __future__ import annotations

import os
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import trustme

from callflow.runtime.asterisk.tls import TlsStream

HOST = "pbx.example.com"


class Peer:
    """The server end, run by one thread (the legal way to use an `ssl.SSLSocket`)."""

    def __init__(self, sock: socket.socket, ca: trustme.CA) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(HOST).configure_cert(context)
        self.tls = context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def run(self, work: Callable[[ssl.SSLSocket], Any]) -> None:
        """Do the handshake, then `work`, in the server's thread; an exception is kept in `error`."""

        def serve() -> None:
            try:
                self.tls.do_handshake()
                work(self.tls)
            except BaseException as error:
                self.error = error

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()

    def join(self) -> None:
        assert self._thread is not None
        self._thread.join(10)
        assert not self._thread.is_alive(), "the server thread is stuck"


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


def make_ends(ca: trustme.CA, record_bytes: int = 16384) -> tuple[TlsStream, Peer, socket.socket]:
    """A client stream (handshake not done yet), the server end, and the client's plain socket."""
    client_sock, server_sock = socket.socketpair()
    context = ssl.create_default_context()
    ca.configure_trust(context)
    stream = TlsStream(client_sock, context, server_hostname=HOST, record_bytes=record_bytes)
    return stream, Peer(server_sock, ca), client_sock


@pytest.fixture
def ends(ca: trustme.CA) -> Iterator[tuple[TlsStream, Peer, socket.socket]]:
    stream, peer, _ = made = make_ends(ca)
    yield made
    stream.close()
    peer.tls.close()


def connected(ends: tuple[TlsStream, Peer, socket.socket], work: Callable[[ssl.SSLSocket], Any]) -> TlsStream:
    stream, peer, raw = ends
    peer.run(work)
    stream.handshake(time.monotonic() + 10)
    raw.settimeout(None)
    return stream


def read_exactly(stream: TlsStream, size: int) -> bytes:
    chunks, got = [], 0
    while got < size:
        chunk = stream.recv(65536)
        assert chunk, f"EOF after {got} of {size} bytes"
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def echo(size: int) -> Callable[[ssl.SSLSocket], None]:
    def work(tls: ssl.SSLSocket) -> None:
        left = size
        while left:
            data = tls.recv(65536)
            assert data
            tls.sendall(data)
            left -= len(data)

    return work


def test_one_thread_reads_while_another_writes_megabytes(ends: tuple[TlsStream, Peer, socket.socket]) -> None:
    """While a thread writes 8 MiB in writes of every size, another reads the 8 MiB echoed back, byte for byte."""
    payload = random.Random(7).randbytes(8 << 20)
    stream = connected(ends, echo(len(payload)))
    sizes = random.Random(8)
    failures: list[BaseException] = []

    def write() -> None:
        try:
            at = 0
            while at < len(payload):
                step = sizes.choice((1, 17, 1400, 16384, 16385, 100_000))
                stream.sendall(payload[at : at + step])
                at += step
        except BaseException as error:
            failures.append(error)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    echoed = read_exactly(stream, len(payload))
    writer.join(10)
    ends[1].join()
    assert (echoed == payload, failures, ends[1].error) == (True, [], None)


def test_many_writers_never_interleave_their_messages(ends: tuple[TlsStream, Peer, socket.socket]) -> None:
    """Each `sendall` arrives whole: four threads writing at once never cut into one another's message."""
    messages = {n: bytes([65 + n]) * 50_000 for n in range(4)}
    total = 20 * sum(len(m) for m in messages.values())
    stream = connected(ends, echo(total))
    writers = [
        threading.Thread(target=lambda m=m: [stream.sendall(m) for _ in range(20)], daemon=True)
        for m in messages.values()
    ]
    for writer in writers:
        writer.start()
    echoed = read_exactly(stream, total)
    for writer in writers:
        writer.join(10)
    ends[1].join()
    runs = [echoed[i : i + 50_000] for i in range(0, total, 50_000)]
    assert all(run in messages.values() for run in runs) and ends[1].error is None


def test_no_record_carries_more_than_record_bytes(ca: trustme.CA) -> None:
    """With `record_bytes=512`, a 5000-byte write reaches the peer as records of at most 512 bytes (each of the
    peer's reads returns at most one record's worth)."""
    reads: list[int] = []

    def work(tls: ssl.SSLSocket) -> None:
        while sum(reads) < 5000:
            reads.append(len(tls.recv(65536)))

    made = make_ends(ca, record_bytes=512)
    stream = connected(made, work)
    stream.sendall(b"x" * 5000)
    made[1].join()
    stream.close()
    made[1].tls.close()
    assert (max(reads), sum(reads), made[1].error) == (512, 5000, None)


def test_a_close_notify_reads_as_end_of_stream(ends: tuple[TlsStream, Peer, socket.socket]) -> None:
    """The peer's TLS close_notify ends the stream (b""), though its TCP connection is still open."""
    shut = threading.Event()

    def work(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"bye")
        tls.setblocking(False)
        try:
            tls.unwrap()  # sends close_notify, then wants ours
        except ssl.SSLWantReadError:
            shut.set()

    stream = connected(ends, work)
    first = stream.recv(100)
    second = stream.recv(100)
    ends[1].join()
    assert (first, second, shut.is_set()) == (b"bye", b"", True)


def test_a_dropped_tcp_connection_reads_as_end_of_stream(ends: tuple[TlsStream, Peer, socket.socket]) -> None:
    """A TCP close without close_notify (a killed Asterisk) ends the stream too."""
    stream = connected(ends, lambda tls: (tls.sendall(b"bye"), tls.close()))
    assert (stream.recv(100), stream.recv(100)) == (b"bye", b"")


def test_a_corrupt_record_raises_ssl_error(ends: tuple[TlsStream, Peer, socket.socket]) -> None:
    """Bytes that are not the peer's TLS (an application-data record that fails its check) raise `ssl.SSLError`."""
    stream = connected(ends, lambda tls: os.write(tls.fileno(), b"\x17\x03\x03\x00\x20" + bytes(32)))
    with pytest.raises(ssl.SSLError):
        stream.recv(100)


@pytest.mark.parametrize("how", ["shutdown", "close"])
def test_shutdown_and_close_wake_a_blocked_recv(ends: tuple[TlsStream, Peer, socket.socket], how: str) -> None:
    """`shutdown(SHUT_RDWR)` (`AmiConnection.abort`) and `close` end a `recv` blocked in another thread."""
    stream = connected(ends, lambda tls: None)
    outcome: list[object] = []

    def read() -> None:
        try:
            outcome.append(stream.recv(100))
        except OSError as error:  # `close` came first: the socket was already closed when `recv` began
            outcome.append(type(error))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(0.05)  # most likely blocked in `recv` by now; either way it must end
    if how == "shutdown":
        stream.shutdown(socket.SHUT_RDWR)
    else:
        stream.close()
    reader.join(10)
    assert outcome in ([b""], [OSError])


def test_a_handshake_past_its_deadline_times_out_and_closes(ends: tuple[TlsStream, Peer, socket.socket]) -> None:
    """A peer that never answers the ClientHello costs the deadline, then `TimeoutError`, and the socket is closed."""
    stream, _, raw = ends
    with pytest.raises(TimeoutError):
        stream.handshake(time.monotonic() + 0.2)
    assert raw.fileno() == -1


def test_a_certificate_from_another_ca_is_refused_and_the_peer_told(
    ends: tuple[TlsStream, Peer, socket.socket],
) -> None:
    """A failed verification raises what `SSLSocket` raises, and the alert reaches the peer (it learns why)."""
    stream, peer, raw = ends
    stranger = trustme.CA()
    stranger_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    stranger.issue_cert(HOST).configure_cert(stranger_context)
    peer.tls = stranger_context.wrap_socket(
        socket.socket(fileno=peer.tls.detach()), server_side=True, do_handshake_on_connect=False
    )
    peer.run(lambda tls: None)
    with pytest.raises(ssl.SSLCertVerificationError) as refused:
        stream.handshake(time.monotonic() + 10)
    peer.join()
    assert refused.value.verify_message == "unable to get local issuer certificate"
    assert isinstance(peer.error, ssl.SSLError) and peer.error.reason == "TLSV1_ALERT_UNKNOWN_CA"
    assert raw.fileno() == -1
