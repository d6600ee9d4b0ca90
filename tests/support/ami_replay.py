"""Replaying a recorded AMI session against the test server, and comparing what comes back with the recording."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ami_server import NEVER
from transcripts import Record

from callflow.runtime.asterisk.protocol import Banner, Message, MessageReader, encode

SECRET = "test-secret"
TV = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000"
# Values that differ from run to run, with the format they were recorded in.
VARYING = {
    "EventTV": TV,
    "SessionTV": TV,
    "SessionID": r"0x[0-9a-f]{12}",
    "LocalAddress": r"IPV4/TCP/127\.0\.0\.1/\d+",
    "RemoteAddress": r"IPV4/TCP/127\.0\.0\.1/\d+",
    "Challenge": r"\d{9}",
    "Uptime": r"\d+",
    "LastReload": r"\d+",
    "ExpectedResponse": r"[0-9a-f]{32}",  # an MD5 of the challenge and the secret
    "CommandId": r"[1-9]\d{0,9}",  # the server's own number in AGIExecStart/End (the client's id is not numeric)
}
# The AsyncAGI thread id inside the percent-encoded `Env`.
THREAD_ID = re.compile(r"(?<=agi_threadid%3A%20)\d{15}(?=%0A)")

Item = Message | Banner
Rewrite = Callable[[str, Message, list[Item]], Message]


def normalise(item: Item) -> Item:
    """The item with each varying value replaced by `<Name>` if it has the recorded format (kept as is if not)."""
    if isinstance(item, Banner):
        return item
    out = []
    for key, value in item.headers:
        pattern = VARYING.get(key)
        if pattern and value != NEVER and re.fullmatch(pattern, value):
            value = f"<{key}>"
        if key == "Env":
            value = THREAD_ID.sub("<threadid>", value)
        out.append((key, value))
    return Message(out)


@dataclass
class Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    received: list[Item] = field(default_factory=list)
    closed: bool = False
    task: asyncio.Task[None] | None = None

    async def pump(self) -> None:
        parser = MessageReader()
        while data := await self.reader.read(65536):
            self.received += parser.feed(data)
        self.closed = True


async def replay(
    records: Sequence[Record], port: int, rewrite: Rewrite
) -> tuple[dict[str, Connection], dict[str, list[Item]]]:
    """Play the `C>S` blocks in recorded order, each after the answers recorded before it have arrived."""
    connections: dict[str, Connection] = {}
    expected: dict[str, list[Item]] = {}
    parsers: dict[str, MessageReader] = {}
    pending: dict[str, bytes] = {}
    for record in records:
        if record.direction == "#":
            continue
        tag = record.tag
        if tag not in connections:
            connections[tag] = Connection(*await asyncio.open_connection("127.0.0.1", port))
            connections[tag].task = asyncio.create_task(connections[tag].pump())
            expected[tag], parsers[tag], pending[tag] = [], MessageReader(), b""
        if record.direction == "S>C":
            expected[tag] += parsers[tag].feed(record.payload)
            continue
        pending[tag] += record.payload
        if record.payload != b"\r\n":
            continue
        await caught_up(connections, expected)
        (block,) = MessageReader(expect_banner=False).feed(pending[tag])
        pending[tag] = b""
        assert isinstance(block, Message)
        connections[tag].writer.write(encode(rewrite(tag, block, connections[tag].received)))
        await connections[tag].writer.drain()
    await caught_up(connections, expected)
    return connections, expected


async def caught_up(connections: dict[str, Connection], expected: dict[str, list[Item]]) -> None:
    async def wait() -> None:
        while any(len(c.received) < len(expected[t]) for t, c in connections.items()):
            await asyncio.sleep(0.002)

    await asyncio.wait_for(wait(), 5)


def with_secret(tag: str, block: Message, received: list[Item]) -> Message:
    """The recorded block with the redacted secret filled in."""
    return Message((k, SECRET if (k, v) == ("Secret", "<redacted>") else v) for k, v in block)


def closed_by_peer(records: Sequence[Record]) -> set[str]:
    return {r.note.split(":")[0] for r in records if r.direction == "#" and "connection closed by peer" in r.note}


async def close_all(connections: dict[str, Connection]) -> None:
    for connection in connections.values():
        connection.writer.close()
        if connection.task is not None:
            await connection.task
