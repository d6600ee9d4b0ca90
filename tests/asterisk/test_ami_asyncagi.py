"""The AMI test server's AsyncAGI call path answers recorded client traffic with the bytes the real Asterisk sent."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from urllib.parse import unquote

from ami_channels import ANSWER_ORDER_CALLER_HANGUP, ANSWER_ORDER_PIPELINED, CallScript, Step, press
from ami_replay import SECRET, Item, close_all, normalise, replay, with_secret
from ami_server import AmiServer
from transcripts import load

from callflow.runtime.asterisk.protocol import Message, MessageReader, encode

# dtmf-menu's caller (`[caller-sim]` `press1`), with the pickup delays recorded for its eleven AGI commands.
DTMF_MENU = CallScript(press("1").steps, pickup_s=(0.1, 0.002, 0.1, 0.02, 0.02, 0.02, 0.02, 0.02, 0.1, 0.1, 0.1))


def assert_replayed(name: str, server: AmiServer, adjust: Callable[[Item], Item] = lambda item: item) -> int:
    """Replay the recorded client's side of `name`; the server's answers must be the recorded ones (normalised)."""

    async def run() -> int:
        async with server:
            connections, expected = await replay(load(name).records, server.port, with_secret)
            await asyncio.sleep(0.05)
            (connection,) = connections.values()
            got = [adjust(normalise(m)) for m in connection.received]
            want = [adjust(normalise(m)) for m in expected[""]]
            for index, (g, w) in enumerate(zip(got, want, strict=False)):
                assert g == w, index
            assert len(got) == len(want)
            assert len(b"".join(encode(m) for m in expected[""])) == len(load(name).stream("S>C"))
            assert connection.closed
            assert server.unrecorded == [] and server.unrecorded_commands == []
            await close_all(connections)
            return len(got)

    return asyncio.run(run())


def test_dtmf_menu_call_is_replayed_byte_for_byte() -> None:
    """Originate, AsyncAGIStart, the eleven AGI commands of a menu call, HANGUP and Logoff are as recorded."""
    assert assert_replayed("dtmf-menu", AmiServer(secret=SECRET, call_scripts={"press1": DTMF_MENU})) == 88


def cut_endpos(item: Item) -> Item:
    """A hangup-cut prompt's `endpos` depends on timing: within 50 ms of the recorded 20000 it reads `<endpos>`."""
    if not isinstance(item, Message) or item.get("Event") != "AsyncAGIExec":
        return item
    match = re.fullmatch(r"200%20result%3D-1%20endpos%3D(\d+)%0A", item["Result"])
    if match is None or abs(int(match[1]) - 20000) > 400:
        return item
    return Message((k, v.replace(f"endpos%3D{match[1]}", "endpos%3D<endpos>") if k == "Result" else v) for k, v in item)


def test_caller_hanging_up_mid_prompt_is_replayed_byte_for_byte() -> None:
    """The caller's hangup cuts STREAM FILE (`result=-1`), ends AsyncAGI and drops the queued commands; later AGI
    actions to the dead channel, and to one that never existed, are refused as recorded."""
    # Recorded pickup of the STREAM FILE: 2 ms after ANSWER's AsyncAGIExec, the three actions having come in one
    # burst; the replay writes one block at a time, so 20 ms keeps all three queued before it starts.
    hangup3 = CallScript(
        [Step("Wait", "3", 3.0), Step("Hangup")], pickup_s=(0.1, 0.02), answer_order=ANSWER_ORDER_CALLER_HANGUP
    )
    server = AmiServer(secret=SECRET, call_scripts={"hangup3": hangup3}, first_channel_number=5)
    assert_replayed("caller-hangup-mid-prompt", server, cut_endpos)


def test_pipelined_commands_are_replayed_byte_for_byte() -> None:
    """Five AGI actions sent at once: five immediate Responses, then the commands run back to back in order."""
    idle30 = CallScript([Step("Wait", "30", 30.0)], answer_order=ANSWER_ORDER_PIPELINED)
    server = AmiServer(secret=SECRET, call_scripts={"idle30": idle30}, first_channel_number=0x1A)
    assert_replayed("pipelined-commands", server)


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
        async with AmiServer(secret=SECRET, call_scripts={"press1": press("1")}, first_channel_number=0x18) as server:
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
        async with AmiServer(secret=SECRET, call_scripts={"press1": press("1")}) as server:
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
        async with AmiServer(secret=SECRET, call_scripts={"idle30": CallScript([Step("Wait", "30", 30)])}) as server:
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
