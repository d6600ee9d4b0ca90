"""A TLS stream over a plain socket that one thread may read while another writes.

OpenSSL does not allow one SSL object to be used by two threads at once, and CPython's `ssl.SSLSocket` has no lock
of its own (it lets go of the GIL inside SSL_read and SSL_write): the AMI reader thread, blocked in `recv`, and the
event loop's `sendall` must not share one. So, as asyncio does, the TLS state is an `ssl.SSLObject` over two memory
buffers, touched only under a lock that is never held while the socket blocks; the socket carries ciphertext only.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time

RAW_READ_BYTES = 65536


class TlsStream:
    """The client end of a TLS connection over `sock`, with what `AMIClient` asks of a socket.

    `handshake` first; then one thread may block in `recv` while others `sendall`. `shutdown` and `close` wake a
    blocked `recv`, which then returns b"" (or raises `OSError`), as a dropped connection would.
    """

    def __init__(
        self, sock: socket.socket, context: ssl.SSLContext, server_hostname: str, *, record_bytes: int = 16384
    ) -> None:
        """`record_bytes`: the most plaintext put in one TLS record (TLS allows 16 KiB)."""
        self._sock = sock
        self._record_bytes = record_bytes
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._tls = context.wrap_bio(self._incoming, self._outgoing, server_hostname=server_hostname)
        self._tls_lock = threading.Lock()
        """Held around every use of the SSLObject and its buffers, never while the socket blocks."""
        self._send_lock = threading.Lock()
        """Held by whoever moves ciphertext from `_outgoing` to the socket, so that it leaves in the order made."""

    def handshake(self, deadline: float) -> None:
        """Do the TLS handshake by `deadline` (`time.monotonic`), verifying the peer as the context says.

        Failures are those of `ssl.SSLSocket`: `ssl.SSLCertVerificationError` (with `verify_message`) or another
        `ssl.SSLError`, `TimeoutError` past the deadline; after any failure the socket is closed."""
        try:
            while True:
                try:
                    with self._tls_lock:
                        self._tls.do_handshake()
                except ssl.SSLWantReadError:
                    pass
                except ssl.SSLError:
                    with contextlib.suppress(OSError):  # the alert OpenSSL made tells the peer why
                        self._flush_by(deadline)
                    raise
                else:
                    self._flush_by(deadline)
                    return
                self._flush_by(deadline)
                self._sock.settimeout(_remaining_s(deadline))
                data = self._sock.recv(RAW_READ_BYTES)
                with self._tls_lock:
                    if data:
                        self._incoming.write(data)
                    else:  # the next `do_handshake` raises `SSLEOFError`, as `SSLSocket`'s does
                        self._incoming.write_eof()
        except BaseException:
            self.close()
            raise

    def recv(self, size: int) -> bytes:
        """Up to `size` bytes of plaintext, blocking until there are some; b"" once the peer has closed (with a
        TLS close_notify or without). A corrupt stream raises `ssl.SSLError`."""
        while True:
            with self._tls_lock:
                try:
                    plain: bytes | None = self._tls.read(size)  # b"" after the peer's close_notify
                except ssl.SSLWantReadError:
                    plain = None
            # reading can make something to send: a TLS 1.3 KeyUpdate answer, an alert
            self._pass_on()
            if plain is not None:
                return plain
            data = self._sock.recv(RAW_READ_BYTES)
            if not data:
                return b""
            with self._tls_lock:
                self._incoming.write(data)

    def sendall(self, data: bytes) -> None:
        """Encrypt `data` and send all of it, blocking until the socket took it.

        Any `ssl.SSLError` (an `OSError`) means the connection is unusable: a write that would first need the peer's
        answer (a TLS 1.2 renegotiation, which Asterisk never asks for) fails rather than waiting for the reader."""
        with self._send_lock:
            with self._tls_lock:
                view = memoryview(data)
                while view:  # one record per write; the outgoing buffer grows as needed
                    view = view[self._tls.write(view[: self._record_bytes]) :]
            self._send_out()
        self._pass_on()

    def shutdown(self, how: int) -> None:
        """Shut the socket down (`socket.SHUT_RDWR`: a blocked `recv` returns b""), as `socket.shutdown`."""
        self._sock.shutdown(how)

    def close(self) -> None:
        """Close the socket, waking a blocked `recv` first (closing alone would leave it blocked on Linux)."""
        with contextlib.suppress(OSError):  # already shut down or closed
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()

    def _flush_by(self, deadline: float) -> None:
        self._sock.settimeout(_remaining_s(deadline))
        with self._send_lock:
            self._send_out()

    def _send_out(self) -> None:
        """Send everything in the outgoing buffer; the caller holds `_send_lock`."""
        while True:
            with self._tls_lock:
                data = self._outgoing.read()
            if not data:
                return
            self._sock.sendall(data)

    def _pass_on(self) -> None:
        """Send ciphertext left in the outgoing buffer: now if nobody is sending, else whoever is does it after
        releasing `_send_lock` (each holder looks again after releasing it, so nothing is stranded)."""
        while True:
            with self._tls_lock:
                if not self._outgoing.pending:
                    return
            if not self._send_lock.acquire(blocking=False):
                return
            try:
                self._send_out()
            finally:
                self._send_lock.release()


def _remaining_s(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("the TLS handshake timed out")
    return remaining
