"""AMI over TLS (`amis://...?cafile=PATH`): against the AMI test server listening with a certificate from a CA made
here, and (marked `live`) against the real Asterisk's `tlsbindaddr` that `CALLFLOW_AMI_TLS_URL` points to."""

from __future__ import annotations

import asyncio
import os
import re
import ssl
from pathlib import Path

import pytest
import trustme
from ami_server import AmiServer
from waiting import Seen, eventually

from callflow.runtime.asterisk.address import AmiAddress
from callflow.runtime.asterisk.ami import AmiConnection, AmiError
from callflow.runtime.asterisk.protocol import Message

SECRET = "s3cret"


def listening_as(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    """A server's TLS settings: a certificate for `names`, signed by `ca`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


def cafile(ca: trustme.CA, folder: Path) -> Path:
    """`ca`'s certificate in a PEM file, as an operator would copy it from the Asterisk machine."""
    path = folder / "asterisk-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def url(server: AmiServer, ca_path: Path, host: str = "127.0.0.1") -> str:
    return f"amis://callflow:{SECRET}@{host}:{server.port}?cafile={ca_path}"


async def refusal(address: AmiAddress) -> str:
    """The one-line reason `start` gives for not connecting."""
    connection = AmiConnection(address, lambda event: None)
    with pytest.raises(AmiError) as refused:
        await connection.start()
    return str(refused.value)


def test_a_session_over_tls_logs_in_and_answers_actions(tmp_path: Path) -> None:
    """With the CA that signed the server's certificate, login, actions and events work as over plain TCP."""
    ca = trustme.CA()

    async def run() -> tuple[str, str, list[str], list[Message]]:
        seen = Seen("UserEvent")
        async with AmiServer(secret=SECRET, ssl=listening_as(ca, "127.0.0.1", "localhost")) as server:
            address = AmiAddress.parse(url(server, cafile(ca, tmp_path)))
            connection = AmiConnection(address, seen, events="user")
            await connection.start()
            version = server.sessions[0].writer.get_extra_info("ssl_object").version()
            pong = await connection.send(Message.of(Action="Ping"))
            await connection.send(Message.of(Action="UserEvent", UserEvent="OverTls"))
            await seen.until(lambda values: bool(values))
            await connection.close()
            return version, pong["Ping"], seen.values, server.unrecorded

    version, pong, seen, unrecorded = asyncio.run(run())
    assert version.startswith("TLSv1.")  # the session the server saw was encrypted
    assert (pong, seen, unrecorded) == ("Pong", ["OverTls"], [])


def test_the_host_name_localhost_is_verified_too(tmp_path: Path) -> None:
    """A certificate names the host by DNS name as well as by IP address; both are checked the same way."""
    ca = trustme.CA()

    async def run() -> str:
        async with AmiServer(secret=SECRET, ssl=listening_as(ca, "localhost")) as server:
            connection = AmiConnection(AmiAddress.parse(url(server, cafile(ca, tmp_path), "localhost")), lambda e: None)
            await connection.start()
            pong = await connection.send(Message.of(Action="Ping"))
            await connection.close()
            return pong["Ping"]

    assert asyncio.run(run()) == "Pong"


def test_a_certificate_from_another_ca_is_refused_in_one_line(tmp_path: Path) -> None:
    """A server whose certificate the named CA did not sign is refused before the secret is sent."""
    trusted, other = trustme.CA(), trustme.CA()

    async def run() -> tuple[str, list[Message], int]:
        async with AmiServer(secret=SECRET, ssl=listening_as(other, "127.0.0.1")) as server:
            reason = await refusal(AmiAddress.parse(url(server, cafile(trusted, tmp_path))))
            return reason, server.unrecorded, len(server.sessions)

    reason, unrecorded, sessions = asyncio.run(run())
    assert "TLS with Asterisk at 127.0.0.1:" in reason
    assert reason.endswith(": certificate verify failed: unable to get local issuer certificate")
    assert (unrecorded, sessions) == ([], 0)  # no AMI session was opened, so no Login crossed


@pytest.mark.parametrize(
    ("host", "mismatch"),
    [
        ("127.0.0.1", "IP address mismatch, certificate is not valid for '127.0.0.1'."),
        ("localhost", "Hostname mismatch, certificate is not valid for 'localhost'."),
    ],
)
def test_a_certificate_for_another_host_is_refused_in_one_line(tmp_path: Path, host: str, mismatch: str) -> None:
    """The CA is right but the certificate names another host: refused (host names are always verified)."""
    ca = trustme.CA()

    async def run() -> tuple[str, list[Message], int]:
        async with AmiServer(secret=SECRET, ssl=listening_as(ca, "pbx.example.com")) as server:
            reason = await refusal(AmiAddress.parse(url(server, cafile(ca, tmp_path), host)))
            return reason, server.unrecorded, len(server.sessions)

    reason, unrecorded, sessions = asyncio.run(run())
    assert reason.startswith(f"TLS with Asterisk at {host}:")
    assert reason.endswith(f": certificate verify failed: {mismatch}")
    assert "\n" not in reason and "_ssl.c" not in reason
    assert (unrecorded, sessions) == ([], 0)


def test_tls_to_a_plain_ami_port_is_a_clear_error(tmp_path: Path) -> None:
    """`amis://` to a port that speaks plain AMI (Asterisk's `port`, not its `tlsbindaddr`) fails with OpenSSL's
    reason, without its internals."""
    ca = trustme.CA()

    async def run() -> str:
        async with AmiServer(secret=SECRET) as server:
            return await refusal(AmiAddress.parse(url(server, cafile(ca, tmp_path))))

    reason = asyncio.run(run())
    assert reason.startswith("TLS with Asterisk at 127.0.0.1:")
    assert reason.endswith(": wrong version number (is this port Asterisk's tlsbindaddr, not its plain AMI port?)")


def test_plain_ami_to_a_tls_port_is_a_clear_error() -> None:
    """`ami://` to Asterisk's `tlsbindaddr`: the TLS server drops the plain Login; the reader thread reports the
    closed connection (asterisk-ami would let it die silently) and `start` says what happened instead of waiting
    for the login's deadline ("did not answer Login within 5 s")."""
    ca = trustme.CA()

    async def run() -> str:
        async with AmiServer(secret=SECRET, ssl=listening_as(ca, "127.0.0.1")) as server:
            return await refusal(AmiAddress("127.0.0.1", server.port, "callflow", SECRET))

    assert asyncio.run(run()).endswith(
        "closed the connection before the login was answered (is it Asterisk's AMI port? TLS ports need amis://)"
    )


def test_a_ca_file_gone_after_parsing_is_a_clear_error(tmp_path: Path) -> None:
    """The CA file is read at every connection (a renewed CA needs no restart), so its loss is reported then."""
    ca = trustme.CA()

    async def run() -> str:
        async with AmiServer(secret=SECRET, ssl=listening_as(ca, "127.0.0.1")) as server:
            path = cafile(ca, tmp_path)
            address = AmiAddress.parse(url(server, path))
            path.unlink()
            return await refusal(address)

    assert asyncio.run(run()) == f"cannot read the CA file {tmp_path / 'asterisk-ca.pem'}: No such file or directory"


def test_after_an_asterisk_restart_the_session_comes_back_over_tls(tmp_path: Path) -> None:
    """The test server listens with TLS again after `restart`, and the connection logs in again, verifying again."""
    ca = trustme.CA()

    async def run() -> tuple[int, str, str]:
        async with AmiServer(secret=SECRET, time_scale=0.02, ssl=listening_as(ca, "127.0.0.1")) as server:
            connection = AmiConnection(AmiAddress.parse(url(server, cafile(ca, tmp_path))), lambda event: None)
            await connection.start()
            await server.restart(down_s=5)  # 0.1 s at this scale
            await reconnected(connection)
            version = server.sessions[0].writer.get_extra_info("ssl_object").version()
            pong = await connection.send(Message.of(Action="Ping"))
            await connection.close()
            return connection.reconnects, version, pong["Ping"]

    reconnects, version, pong = asyncio.run(run())
    assert reconnects == 1 and version.startswith("TLSv1.") and pong == "Pong"


@pytest.mark.live
def test_the_real_asterisk_answers_over_tls(tmp_path: Path) -> None:
    """The real Asterisk's TLS listener logs Callflow in with the CA named in the URL, and refuses it with any other."""
    tls_url = os.environ.get("CALLFLOW_AMI_TLS_URL")
    if not tls_url:
        pytest.skip("no TLS AMI: set CALLFLOW_AMI_TLS_URL=amis://USER:SECRET@HOST:PORT?cafile=PATH (docs/asterisk.md)")
    address = AmiAddress.parse(tls_url)
    stranger = trustme.CA()

    async def run() -> tuple[str, str]:
        connection = AmiConnection(address, lambda event: None, events="off")
        await connection.start()
        pong = await connection.send(Message.of(Action="Ping"))
        await connection.close()
        other = AmiAddress(
            address.host, address.port, address.username, address.secret, True, str(cafile(stranger, tmp_path))
        )
        return pong["Ping"], await refusal(other)

    pong, reason = asyncio.run(run())
    assert pong == "Pong"
    # Asterisk's own certificate is self-signed (the recipe in docs/asterisk.md) or signed by a CA: either way the
    # stranger CA is refused, in OpenSSL's words for that kind of certificate
    assert re.search(r"certificate verify failed: (self-signed certificate|unable to get local issuer certificate)$",
                     reason), reason  # fmt: skip


@pytest.mark.live
def test_the_real_asterisk_answers_an_action_of_over_1_kib_over_tls() -> None:
    """Asterisk reads TLS into a 1 KiB line buffer and then waits on the socket, stranding the rest of a larger
    record inside OpenSSL: with small records an action of any size is answered at once, not at the next write."""
    tls_url = os.environ.get("CALLFLOW_AMI_TLS_URL")
    if not tls_url:
        pytest.skip("no TLS AMI: set CALLFLOW_AMI_TLS_URL=amis://USER:SECRET@HOST:PORT?cafile=PATH (docs/asterisk.md)")

    async def run() -> list[str]:
        connection = AmiConnection(AmiAddress.parse(tls_url), lambda event: None, events="off")
        await connection.start()
        padding = {f"Pad{k}": "x" * 100 for k in range(10)}
        answers = []
        for n in range(3):  # nothing else is written meanwhile (no keep-alive here) to push a stranded tail through
            answer = await connection.send(Message.of(Action="UserEvent", UserEvent="Large", Seq=str(n), **padding))
            answers.append(answer["Response"])
        await connection.close()
        return answers

    assert asyncio.run(run()) == ["Success"] * 3


def test_actions_written_while_events_stream_in_all_arrive_in_order(tmp_path: Path) -> None:
    """The loop writing actions while the reader thread reads over the same TLS connection corrupts nothing: 2000
    UserEvents, each answered and echoed back as an event, all arrive, in the order sent."""
    ca = trustme.CA()
    count = 2000

    async def run() -> tuple[list[str], list[str], list[Message]]:
        seen = Seen("Seq")
        async with AmiServer(secret=SECRET, ssl=listening_as(ca, "127.0.0.1")) as server:
            address = AmiAddress.parse(url(server, cafile(ca, tmp_path)))
            connection = AmiConnection(address, seen, events="user")
            await connection.start()
            padding = {f"Pad{k}": "x" * 100 for k in range(10)}  # over 1 KiB: more than one TLS record each
            burst = [Message.of(Action="UserEvent", UserEvent="Burst", Seq=str(n), **padding) for n in range(count)]
            responses = await asyncio.gather(*(connection.send(action, timeout_s=60) for action in burst))
            await seen.until(lambda values: len(values) >= count, timeout_s=20)
            await connection.close()
            return [response["Message"] for response in responses], seen.values, server.unrecorded

    answers, seen, unrecorded = asyncio.run(run())
    assert answers == ["Event Sent"] * count
    assert seen == [str(n) for n in range(count)]
    assert unrecorded == []


async def reconnected(connection: AmiConnection) -> None:
    await eventually(lambda: bool(connection.reconnects and connection.connected.is_set()), what="a new login")


def test_abort_over_tls_drops_the_connection_and_it_comes_back(tmp_path: Path) -> None:
    """`abort` wakes the reader thread blocked in a TLS read, so the drop is noticed and the session made again."""
    ca = trustme.CA()

    async def run() -> tuple[int, bool, str, str]:
        async with AmiServer(secret=SECRET, ssl=listening_as(ca, "127.0.0.1")) as server:
            connection = AmiConnection(AmiAddress.parse(url(server, cafile(ca, tmp_path))), lambda event: None)
            await connection.start()
            first = server.sessions[0]
            connection.abort()
            await reconnected(connection)
            pong = await connection.send(Message.of(Action="Ping"))
            version = server.sessions[-1].writer.get_extra_info("ssl_object").version()
            await connection.close()
            return connection.reconnects, first in server.sessions, version, pong["Ping"]

    reconnects, first_still_there, version, pong = asyncio.run(run())
    assert (reconnects, first_still_there, pong) == (1, False, "Pong")
    assert version.startswith("TLSv1.")


def test_the_server_closing_the_tls_connection_is_a_disconnect(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Asterisk closing the session (close_notify, then TCP close) is seen as a lost connection, which comes back."""
    ca = trustme.CA()

    async def run() -> tuple[AmiAddress, int, str]:
        async with AmiServer(secret=SECRET, ssl=listening_as(ca, "127.0.0.1")) as server:
            address = AmiAddress.parse(url(server, cafile(ca, tmp_path)))
            connection = AmiConnection(address, lambda event: None)
            await connection.start()
            server.sessions[0].writer.close()
            await reconnected(connection)
            pong = await connection.send(Message.of(Action="Ping"))
            await connection.close()
            return address, connection.reconnects, pong["Ping"]

    with caplog.at_level("WARNING", logger="callflow.runtime.asterisk.ami"):
        address, reconnects, pong = asyncio.run(run())
    assert (reconnects, pong) == (1, "Pong")
    assert [record.getMessage() for record in caplog.records] == [f"AMI: connection to {address} lost"]
