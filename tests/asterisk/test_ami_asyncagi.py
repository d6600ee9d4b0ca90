"""The AMI test server's AsyncAGI call path answers recorded client traffic with the bytes the real Asterisk sent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from urllib.parse import unquote

from ami_replay import SECRET, Item, Tolerance, replayed
from ami_server import AmiServer

from callflow.runtime.asterisk.protocol import Message, MessageReader, encode


def test_dtmf_menu_call_is_replayed_byte_for_byte() -> None:
    """Originate, AsyncAGIStart, the eleven AGI commands of a menu call, HANGUP and Logoff are as recorded."""
    assert replayed("dtmf-menu", 0, time_scale=0.6) == 88


# A hangup-cut prompt's `endpos` counts the frames played until the caller's Wait(3) ended, which took 3.006 s on
# the recording machine: within two frames of the recorded 20000.
HANGUP_ENDPOS = Tolerance("AsyncAGIExec", "Result", r"200%20result%3D-1%20endpos%3D(\d+)%0A", 320)


def test_caller_hanging_up_mid_prompt_is_replayed_byte_for_byte() -> None:
    """The caller's hangup cuts STREAM FILE (`result=-1`), ends AsyncAGI and drops the queued commands; later AGI
    actions to the dead channel, and to one that never existed, are refused as recorded."""
    # The three commands were written back to back (the header's "what"), each Response arriving meanwhile.
    replayed("caller-hangup-mid-prompt", 5, HANGUP_ENDPOS, bursts={"agi-5", "agi-6"}, time_scale=0.3)


def test_pipelined_commands_are_replayed_byte_for_byte() -> None:
    """Five AGI actions sent at once: five immediate Responses, then the commands run back to back in order."""
    replayed("pipelined-commands", 0x1A, time_scale=0.3)


class Client:
    """A bare AMI client for tests that are not replays."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer, self.parser, self.items = reader, writer, MessageReader(), list[Item]()

    @classmethod
    async def login(cls, port: int, events: str) -> Client:
        client = cls(*await asyncio.open_connection("127.0.0.1", port))
        client.send(Action="Login", ActionID="l", Username="callflow", Secret=SECRET, Events=events)
        await client.until(lambda m: m.get("Response") is not None)
        return client

    def send(self, **headers: str) -> None:
        self.writer.write(encode(Message.of(**headers)))

    async def until(self, wanted: Callable[[Message], bool]) -> Message:
        """The first message from now on for which `wanted` is true."""
        while True:
            while self.items:
                item = self.items.pop(0)
                if isinstance(item, Message) and wanted(item):
                    return item
            self.items += self.parser.feed(await asyncio.wait_for(self.reader.read(65536), 5))


def test_agi_action_errors_answer_as_recorded() -> None:
    """No `Command`, the `;1` half, a channel that never existed: `Response: Error` with the recorded messages."""

    async def run() -> None:
        async with AmiServer(secret=SECRET, first_channel_number=0x18) as server:
            ivr = await Client.login(server.port, "on")
            ivr.send(Action="Originate", Channel="Local/5551000@callflow", Context="caller-sim", Exten="press1",
                     Async="true", CallerID='"Lab Caller" <5551234>', ChannelId="c", OtherChannelId="i")  # fmt: skip
            start = await ivr.until(lambda m: m.get("Event") == "AsyncAGIStart")
            assert start["Channel"] == "Local/5551000@callflow-00000018;2"
            ivr.send(Action="AGI", ActionID="agi-18", Channel="Local/5551000@callflow-00000018;2")
            answer = await ivr.until(lambda m: m.get("ActionID") == "agi-18")
            assert (
                encode(answer)
                == b"Response: Error\r\nActionID: agi-18\r\nMessage: Both, Channel and Command are *required*\r\n\r\n"
            )
            ivr.send(Action="AGI", ActionID="agi-19", Channel="Local/5551000@callflow-00000018;1", Command="NOOP")
            answer = await ivr.until(lambda m: m.get("ActionID") == "agi-19")
            text = "Failed to add AGI command to channel Local/5551000@callflow-00000018;1 queue"
            assert answer == Message.of(Response="Error", ActionID="agi-19", Message=text)
            ivr.send(Action="AGI", ActionID="x", Channel="Local/nope@callflow-deadbeef;2", Command="NOOP")
            answer = await ivr.until(lambda m: m.get("ActionID") == "x")
            assert answer["Message"] == "Channel Local/nope@callflow-deadbeef;2 does not exist."
            ivr.writer.close()

    asyncio.run(run())


def is_last_hangup(message: Message) -> bool:
    return message.get("Event") == "Hangup" and message["Channel"].endswith(";1")


def test_events_reach_every_session_through_its_event_mask() -> None:
    """A second session logged in with `Events: agi,call` sees the call's agi and call events only."""

    async def run() -> None:
        async with AmiServer(secret=SECRET) as server:
            ivr = await Client.login(server.port, "on")
            watcher = await Client.login(server.port, "agi,call")
            ivr.send(Action="Originate", Channel="Local/s@callflow", Context="caller-sim", Exten="press1",
                     Async="true", CallerID='"Lab Caller" <5551234>', ChannelId="c", OtherChannelId="i")  # fmt: skip
            await ivr.until(lambda m: m.get("Event") == "AsyncAGIStart")
            ivr.send(Action="AGI", Channel="Local/s@callflow-00000000;2", Command="HANGUP", CommandID="h")
            await ivr.until(is_last_hangup)
            seen: list[str] = []

            def record(message: Message) -> bool:
                seen.append(message.get("Event", ""))
                return is_last_hangup(message)

            await watcher.until(record)
            assert "Newexten" not in seen and "VarSet" not in seen and "SuccessfulAuth" not in seen
            assert {"Newchannel", "AsyncAGIStart", "AGIExecStart", "AsyncAGIExec", "AsyncAGIEnd", "Hangup"} <= set(seen)
            ivr.writer.close()
            watcher.writer.close()

    asyncio.run(run())


def test_simple_commands_answer_as_recorded() -> None:
    """NOOP, VERBOSE, DATABASE PUT/GET, `%/=&+` values and lower case reply as in agi-errors-and-break."""
    commands = {
        "NOOP": "200 result=0",
        'SET VARIABLE SPACED "a value with spaces and %/=&+ chars"': "200 result=1",
        "GET VARIABLE SPACED": "200 result=1 (a value with spaces and %/=&+ chars)",
        'GET FULL VARIABLE "${SPACED}"': "200 result=1 (a value with spaces and %/=&+ chars)",
        'stream file beep ""': "200 result=0 endpos=3404",
        "DATABASE PUT lab key1 value1": "200 result=1",
        "DATABASE GET lab key1": "200 result=1 (value1)",
        "DATABASE GET lab nokey": "200 result=0",
        'VERBOSE "hello from AsyncAGI" 1': "200 result=1",
    }

    async def run() -> list[str]:
        async with AmiServer(secret=SECRET, time_scale=0.05) as server:
            ivr = await Client.login(server.port, "agi")
            ivr.send(Action="Originate", Channel="Local/5551000@callflow", Context="caller-sim", Exten="idle30",
                     Async="true", CallerID='"Lab Caller" <5551234>', ChannelId="c", OtherChannelId="i")  # fmt: skip
            await ivr.until(lambda m: m.get("Event") == "AsyncAGIStart")
            results = []
            for number, command in enumerate(["ANSWER", *commands]):
                ivr.send(
                    Action="AGI", Channel="Local/5551000@callflow-00000000;2", Command=command, CommandID=f"{number}"
                )
                done = await ivr.until(lambda m: m.get("Event") == "AsyncAGIExec")
                assert done["CommandId"] == f"{number}"
                results.append(unquote(done["Result"]))
            assert server.unrecorded_commands == []
            ivr.writer.close()
            return results

    assert asyncio.run(run()) == ["200 result=0\n", *(f"{r}\n" for r in commands.values())]
