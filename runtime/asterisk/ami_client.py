"""The transport under the AMI connection: `asterisk-ami`'s `AMIClient` with its socket handled safely.

It keeps the package's reader thread and parsing, and changes what would hurt a call: a connect deadline, no read
timeout (the reader thread would die silently of an idle socket), TLS over memory buffers (`tls.TlsStream`),
a reader that reports a connection closed before the banner, and a whole, locked send.
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from typing import Any

from asterisk.ami import AMIClient

from callflow.runtime.asterisk.address import AmiAddress
from callflow.runtime.asterisk.tls import TlsStream

CONNECT_TIMEOUT_S = 5.0
# Asterisk's manager (`get_input`) reads TLS into a 1 KiB line buffer, then polls the socket, not OpenSSL: the part of a
# record that did not fit stays inside OpenSSL until more bytes arrive (an action > ~1 KiB went unanswered until the
# next keep-alive). Records of 512 bytes always fit beside a partial line of up to 512 bytes.
TLS_RECORD_BYTES = 512


class ReaderClient(AMIClient):  # type: ignore[misc]
    """`AMIClient` with a connect deadline, no read timeout, optional TLS and a whole, locked send."""

    def __init__(self, address: AmiAddress) -> None:
        # reads of 64 KiB, not the package's 1 KiB: each read is a trip for the GIL, and a burst of events (200
        # calls starting) would otherwise cost hundreds of them while the event loop is busy
        super().__init__(address=address.host, port=address.port, timeout=CONNECT_TIMEOUT_S, buffer_size=65536)
        self._endpoint = address
        self._send_lock = threading.Lock()

    def connect(self) -> None:
        # the CA file is read here, off the loop, at every connection: a renewed CA needs no restart of Callflow
        context = self._endpoint.tls_context() if self._endpoint.tls else None
        deadline = time.monotonic() + CONNECT_TIMEOUT_S
        raw = socket.create_connection((self._address, self._port), timeout=CONNECT_TIMEOUT_S)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        stream: socket.socket | TlsStream = raw
        if context is not None:  # not `wrap_socket`: an SSLSocket must not be read and written by two threads
            stream = TlsStream(raw, context, server_hostname=self._address, record_bytes=TLS_RECORD_BYTES)
            stream.handshake(deadline)  # a failed one closes the socket
        raw.settimeout(None)  # the reader thread must never die of an idle socket
        self._socket = stream
        self.finished = threading.Event()
        self._thread = threading.Thread(target=self.listen, name="ami-reader", daemon=True)
        self._thread.start()

    pack_at = 0.0
    """`perf_counter` when the reader thread cut the latest message from the stream, before parsing it."""

    def fire_recv_pack(self, pack: Any) -> None:
        self.pack_at = time.perf_counter()
        super().fire_recv_pack(pack)

    def listen(self) -> None:
        # the package reads the banner outside its own `try`: a connection closed before it (a TLS port spoken to
        # in plain TCP) or a banner that is not the AMI's would end the thread without `on_disconnect`
        try:
            super().listen()
        except Exception as error:
            self._fire_on_disconnect(error=error)

    def send(self, pack: Any) -> None:
        data = (str(pack) + "\r\n").encode(self.encoding)
        with self._send_lock:
            self._socket.sendall(data)


def tls_failure(address: AmiAddress, error: ssl.SSLError) -> str:
    """One line on a failed TLS handshake, without OpenSSL's `[LIB: CODE]` prefix and `(_ssl.c:N)` suffix."""
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = f"certificate verify failed: {error.verify_message}"
    else:
        reason = re.sub(r"^\[[^]]*\] | \(_ssl\.c:\d+\)$", "", str(error.args[-1]))
        if error.reason == "WRONG_VERSION_NUMBER":  # what a plain AMI port's banner looks like to TLS
            reason += " (is this port Asterisk's tlsbindaddr, not its plain AMI port?)"
    return f"TLS with Asterisk at {address.host}:{address.port}: {reason}"
