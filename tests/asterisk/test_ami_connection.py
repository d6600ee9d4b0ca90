"""The AMI connection wrapper and an AGI session, against the AMI test server (which answers as Asterisk did)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from ami_channels import press
from ami_server import AmiServer
from waiting import Seen

from callflow.runtime.asterisk.address import AmiAddress
from callflow.runtime.asterisk.agi import AgiSession, SessionEnded
from callflow.runtime.asterisk.ami import AmiConnection, AmiError
from callflow.runtime.asterisk.channel import AsteriskChannel, LineSettings
from callflow.runtime.asterisk.protocol import HeaderInjectionError, Message
from callflow.runtime.trace import Tracer
from callflow.runtime.types import Audio
from callflow.runtime.wallclock import WallClock

SECRET = "s3cret"


def address(server: AmiServer, secret: str = SECRET) -> AmiAddress:
    return AmiAddress("127.0.0.1", server.port, "callflow", secret)


def originate(exten: str) -> Message:
    return Message(
        [
            ("Action", "Originate"),
            ("ActionID", "orig-1"),
            ("Channel", "Local/s@callflow"),
            ("Context", "caller-sim"),
            ("Exten", exten),
            ("Priority", "1"),
            ("Async", "true"),
            ("Timeout", "15000"),
            ("CallerID", '"Lab Caller" <5551234>'),
            ("ChannelId", "lab-1-caller"),
            ("OtherChannelId", "lab-1-ivr"),
        ]
    )


def test_login_then_events_reach_the_loop() -> None:
    async def run() -> list[str]:
        seen = Seen()
        async with AmiServer(secret=SECRET, call_scripts={"press1": press("1")}) as server:
            connection = AmiConnection(address(server), seen, events="agi")
            await connection.start()
            response = await connection.send(originate("press1"))
            assert response["Message"] == "Originate successfully queued"
            await seen.until(lambda values: "AsyncAGIStart" in values)
            await connection.close()
            return seen.values

    seen = asyncio.run(run())
    assert seen == ["AsyncAGIStart"]  # logged in with `Events: agi`: nothing of the call class


def test_wrong_secret_is_a_clear_error() -> None:
    async def run() -> None:
        async with AmiServer(secret=SECRET, auth_failure_delay_s=0.01) as server:
            connection = AmiConnection(address(server, "wrong"), lambda event: None)
            with pytest.raises(AmiError, match="refused the login of 'callflow': Authentication failed"):
                await connection.start()

    asyncio.run(run())


def test_nothing_reaches_asterisk_from_a_value_with_a_line_break() -> None:
    async def run() -> list[Message]:
        async with AmiServer(secret=SECRET) as server:
            connection = AmiConnection(address(server), lambda event: None)
            await connection.start()
            injected = Message([("Action", "UserEvent"), ("UserEvent", "x\r\nAction: Originate")])
            with pytest.raises(HeaderInjectionError):
                await connection.send(injected)
            await connection.send(Message([("Action", "UserEvent"), ("UserEvent", "After")]))
            await connection.close()
            return server.unrecorded

    assert asyncio.run(run()) == []


def test_a_failing_event_handler_does_not_stop_the_reader() -> None:
    async def run() -> int:
        handled = Seen()

        def handler(event: Message) -> None:
            handled(event)
            raise RuntimeError("a bug in a handler")

        async with AmiServer(secret=SECRET) as server:
            connection = AmiConnection(address(server), handler, events="user")
            await connection.start()
            for n in range(3):
                await connection.send(Message([("Action", "UserEvent"), ("UserEvent", f"E{n}")]))
            await handled.until(lambda values: len(values) == 3)
            await connection.close()
            return len(handled.values)

    assert asyncio.run(run()) == 3


def test_only_wanted_events_reach_the_loop_and_list_items_always_do() -> None:
    """`wanted`: AGIExecStart/AGIExecEnd (also of class `agi`) are dropped on the reader's side; the items of a list
    action carry its ActionID and reach the collector whatever their name."""

    async def run() -> tuple[list[str], list[str]]:
        seen = Seen()
        async with AmiServer(secret=SECRET, call_scripts={"press1": press("1")}) as server:
            wanted = ("AsyncAGIStart", "AsyncAGIExec")
            connection = AmiConnection(address(server), seen, events="agi", wanted=wanted)
            await connection.start()
            await connection.send(originate("press1"))
            await seen.until(lambda values: "AsyncAGIStart" in values)
            channel = "Local/s@callflow-00000000;2"
            await connection.send(Message.of(Action="AGI", Channel=channel, Command="ANSWER", CommandID="c-1"))
            await seen.until(lambda values: "AsyncAGIExec" in values)
            before_list = list(seen.values)
            listed = await connection.collect(Message.of(Action="CoreShowChannels"), "CoreShowChannelsComplete")
            await connection.close()
            return before_list, [item["Event"] for item in listed]

    seen, listed = asyncio.run(run())
    assert seen == ["AsyncAGIStart", "AsyncAGIExec"]  # no AGIExecStart/AGIExecEnd around the ANSWER
    assert listed == ["CoreShowChannel", "CoreShowChannel"]


def test_a_burst_of_events_arrives_whole_and_in_order() -> None:
    """Many events cut from one read are handed over in batches: none lost, none reordered."""

    async def run() -> list[str]:
        handled = Seen("UserEvent")
        async with AmiServer(secret=SECRET) as server:
            connection = AmiConnection(address(server), handled, events="user")
            await connection.start()
            sent = [connection.send(Message.of(Action="UserEvent", UserEvent=f"E{n}")) for n in range(300)]
            await asyncio.gather(*sent)
            await handled.until(lambda values: len(values) >= 300)
            await connection.close()
            return handled.values

    assert asyncio.run(run()) == [f"E{n}" for n in range(300)]


class FixedPrompts:
    """Prompt files that the recorded Asterisk had: `hello-world` (1.40 s)."""

    async def file_for(self, audio: Audio) -> tuple[str, float]:
        return audio.file or "hello-world", 1.4


def test_a_call_answers_plays_reads_a_key_and_hangs_up(tmp_path: Path) -> None:
    """`press1`: the caller presses 1 two seconds after the answer, while nothing plays: WAIT FOR DIGIT reads it."""

    async def run() -> tuple[bool, str | None, list[dict[str, object]], bool]:
        sessions: dict[str, AgiSession] = {}
        started = asyncio.Event()
        connection: AmiConnection

        def route(event: Message) -> None:
            name, channel = event["Event"], event.get("Channel", "")
            if name == "AsyncAGIStart":
                sessions[channel] = AgiSession(connection, channel, "lab-1-ivr")
                started.set()
            elif name == "AsyncAGIExec":
                sessions[channel].on_exec(event)
            elif name == "AsyncAGIEnd":
                sessions[channel].on_end()

        async with AmiServer(secret=SECRET, call_scripts={"press1": press("1")}) as server:
            connection = AmiConnection(address(server), route, events="agi")
            await connection.start()
            await connection.send(originate("press1"))
            await asyncio.wait_for(started.wait(), 5)
            (session,) = sessions.values()
            tracer = Tracer(WallClock("UTC"))
            settings = LineSettings(tmp_path, guard_s=None)
            channel = AsteriskChannel(session, tracer, FixedPrompts(), settings, {})  # type: ignore[arg-type]
            await session.run("ANSWER", timeout_s=5)
            interrupted = await channel.play(Audio(file="hello-world"), barge_in=True)
            key = await channel.read_key(3)
            await channel.hangup()
            with pytest.raises(SessionEnded):
                await session.run("NOOP", timeout_s=1)
            await connection.close()
            assert server.unrecorded == [] and server.unrecorded_commands == []
            return interrupted, key, tracer.events, session.ended

    interrupted, key, events, ended = asyncio.run(run())
    assert interrupted is False and key == "1" and ended
    assert [(e["event"], e.get("dtmf")) for e in events] == [("input", "1")]
