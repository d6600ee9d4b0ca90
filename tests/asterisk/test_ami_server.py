"""The AMI test server answers recorded client traffic with the bytes the real Asterisk sent."""

from __future__ import annotations

import asyncio
import hashlib
import time

from ami_replay import SECRET, Item, assert_replayed, replayed, with_secret
from ami_server import AUTH_FAILURE_DELAY_S, AmiServer
from transcripts import Transcript, load

from callflow.runtime.asterisk.protocol import Message, encode


def test_login_failure_session_is_replayed_byte_for_byte() -> None:
    """Failed logins, actions before Login, MD5 login, `Events` and `UserEvent` answer exactly as recorded."""

    def rewrite(tag: str, block: Message, received: list[Item]) -> Message:
        block = with_secret(tag, block, received)
        if tag == "md5b" and block.get("Action") == "Login":
            # The recorded key was right for the recorded challenge; the right key for this run's challenge.
            challenge = next(m["Challenge"] for m in received if isinstance(m, Message) and "Challenge" in m)
            key = hashlib.md5(f"{challenge}{SECRET}".encode()).hexdigest()
            block = Message((k, key if k == "Key" else v) for k, v in block)
        return block

    server = AmiServer(username="callflow", secret=SECRET, auth_failure_delay_s=0.01)
    assert assert_replayed(load("ami-login-failure"), server, rewrite=rewrite) > 30


def test_login_with_an_event_mask_and_logoff_are_replayed() -> None:
    """`Events: agi,call` at Login: the answer alone, no FullyBooted (system) or SuccessfulAuth (security)."""
    transcript = load("event-mask-agi-only")
    records = transcript.records
    actions = [i for i, r in enumerate(records) if r.payload.startswith(b"Action: ")]
    login_end = next(i for i in actions if records[i].payload == b"Action: Originate\r\n")
    logoff = next(i for i in actions if records[i].payload == b"Action: Logoff\r\n")
    kept = Transcript(transcript.name, transcript.header, (*records[:login_end], *records[logoff:]))
    assert assert_replayed(kept, AmiServer(secret=SECRET)) == 3


def test_a_failed_login_is_answered_after_the_recorded_delay() -> None:
    """A wrong secret is answered about a second later (as recorded), then the server closes the connection."""

    async def run() -> float:
        async with AmiServer(secret=SECRET) as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            await reader.readline()
            started = time.monotonic()
            writer.write(encode(Message.of(Action="Login", ActionID="1", Username="callflow", Secret="wrong")))
            answer = await reader.read()
            writer.close()
            assert answer == b"Response: Error\r\nActionID: 1\r\nMessage: Authentication failed\r\n\r\n"
            return time.monotonic() - started

    assert AUTH_FAILURE_DELAY_S == 1.0
    assert asyncio.run(run()) >= AUTH_FAILURE_DELAY_S


def test_an_unrecorded_action_closes_the_connection_and_is_listed() -> None:
    """A logged-in `Status` was never recorded: the server does not guess an answer, it lists it and hangs up."""

    async def run() -> list[Message]:
        async with AmiServer(secret=SECRET) as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            assert await reader.readline() == b"Asterisk Call Manager/13.0.0\r\n"
            writer.write(encode(Message.of(Action="Login", Username="callflow", Secret=SECRET, Events="off")))
            writer.write(encode(Message.of(Action="Status", ActionID="p")))
            assert await reader.read() == b"Response: Success\r\nMessage: Authentication accepted\r\n\r\n"
            writer.close()
            return server.unrecorded

    assert asyncio.run(run()) == [Message.of(Action="Status", ActionID="p")]


def test_ping_setvar_getvar_and_coresettings_are_replayed_byte_for_byte() -> None:
    """Ping (`Ping: Pong` and a timestamp), Setvar of a global (`Variable Set`, VarSet of `Channel: none`), Getvar,
    CoreSettings: as this project recorded them from the same Asterisk build."""
    assert replayed("ping-setvar", 0, time_scale=0.2) == 10
