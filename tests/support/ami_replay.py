"""Replaying a recorded AMI client against the test server, and comparing what comes back with the recording.

`replay` plays the recorded client's side of every connection (`C>S`, `C>S:b` …) in file order: it opens a connection
where the recording's harness noted `<tag>: TCP connected`, resets it (TCP RST) where it noted `closing socket
abruptly`, and writes each block once the answers recorded before it have arrived and as long after the last of them
as the recording shows (in the server's model time, `ami_clock`: the replay's own speed does not move the call's time
line); `bursts` names blocks the client wrote without
waiting. `assert_replayed`/`replayed` then compare every connection's items with the recording's. The server gets
`ami_hints.RecordedHints`: what the recording settled that a model cannot know (the order of the events of one moment,
the delay before each AGI command was picked up). `normalise` replaces the values that differ from run to run (each
checked against its recorded format); a `Tolerance` accepts a number that depends on timing within a stated margin;
`reorder` and `group` state, per test, where the recording shows a race across actions or calls.
"""

from __future__ import annotations

import asyncio
import re
import socket
import struct
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import slowdown
from ami_clock import Clock
from ami_hints import RecordedHints
from ami_server import AmiServer
from ami_session import NEVER
from transcripts import Record, Transcript, load

from callflow.runtime.asterisk.protocol import Banner, Message, MessageReader, encode

SECRET = "test-secret"
TV = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000"
EPOCH = r"1\d{9}"  # seconds since 1970, as on the recording machine (2026) and here
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
    "BridgeUniqueid": r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",  # a random UUID
    "BridgeId": r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",  # CoreShowChannel's, the same
    "LoginTime": EPOCH,  # when Asterisk started
    "LastCall": EPOCH,  # when the queue member's last call ended (0 before its first)
    "Timestamp": rf"{EPOCH}\.\d{{6}}",  # Ping's wall-clock time
}
# The AsyncAGI thread id inside the percent-encoded `Env`.
THREAD_ID = re.compile(r"(?<=agi_threadid%3A%20)\d{15}(?=%0A)")
# Asterisk's own channel ids are `<epoch>.<channel count>`: the epoch differs per run, the count does not.
AUTO_UNIQUEID = re.compile(rf"{EPOCH}(?=\.\d+$)")
UNIQUEID_KEYS = ("Uniqueid", "Linkedid")

Item = Message | Banner
Rewrite = Callable[[str, Message, list[Item]], Message]
Reorder = Callable[[str, list[Item]], list[Item]]


def normalise(item: Item) -> Item:
    """The item with each varying value replaced by `<Name>` if it has the recorded format (kept as is if not)."""
    if isinstance(item, Banner):
        return item
    out = []
    for key, value in item.headers:
        pattern = VARYING.get(key)
        if pattern and value != NEVER and re.fullmatch(pattern, value):
            value = f"<{key}>"
        if key.endswith(UNIQUEID_KEYS):
            value = AUTO_UNIQUEID.sub("<epoch>", value)
        if key == "Env":
            value = THREAD_ID.sub("<threadid>", value)
        out.append((key, value))
    return Message(out)


@dataclass(frozen=True)
class Tolerance:
    """A number that depends on timing: in events `event` (and `Variable: variable` for VarSet), the number matched
    by `pattern` (group 1) in header `header` may differ from the recorded one by `margin`."""

    event: str
    header: str
    pattern: str
    margin: int
    variable: str | None = None

    def apply(self, got: Message, want: Message) -> Message:
        """`got` with the number taken from `want` when they differ by no more than the margin."""
        if got.get("Event") != self.event or want.get("Event") != self.event:
            return got
        if self.variable is not None and got.get("Variable") != self.variable:
            return got
        mine = re.fullmatch(self.pattern, got.get(self.header, ""))
        theirs = re.fullmatch(self.pattern, want.get(self.header, ""))
        if mine is None or theirs is None or abs(int(mine[1]) - int(theirs[1])) > self.margin:
            return got
        value = got[self.header][: mine.start(1)] + theirs[1] + got[self.header][mine.end(1) :]
        return Message((k, value if k == self.header else v) for k, v in got)


# --------------------------------------------------------------------------------------------------- the client


@dataclass
class Connection:
    """One replayed client connection and what it received (with the model times they arrived at)."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    clock: Clock
    received: list[Item] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)
    closed: bool = False
    task: asyncio.Task[None] | None = None
    news: asyncio.Event = field(default_factory=asyncio.Event)

    async def pump(self) -> None:
        parser = MessageReader()
        try:
            while data := await self.reader.read(65536):
                items = parser.feed(data)
                self.received += items
                self.arrived += [self.clock.now()] * len(items)
                self.news.set()
        except ConnectionError:
            pass
        self.closed = True
        self.news.set()


def _tag_of_note(note: str, tags: set[str]) -> str:
    prefix = note.split(":", 1)[0]
    return prefix if prefix in tags else ""


async def replay(
    transcript: Transcript, server: AmiServer, rewrite: Rewrite, bursts: Collection[str] = ()
) -> tuple[dict[str, Connection], dict[str, list[Item]]]:
    """Play the recorded client's blocks; returns the connections and, per tag, the items the recording expects.
    `bursts`: the ActionIDs of blocks the client wrote right after the previous one, without waiting for its
    Response (the recording shows the Response in between only because it arrived while the client wrote)."""
    tags = set(transcript.tags)
    connections: dict[str, Connection] = {}
    expected: dict[str, list[Item]] = {tag: [] for tag in tags}
    expected_at: dict[str, list[float]] = {tag: [] for tag in tags}

    async def act(at: float) -> None:
        """Wait for the answers recorded before a client act at recorded time `at`, then as long after the last of
        them as the recording shows."""
        await caught_up(connections, {t: len(items) for t, items in expected.items()})
        last = [(expected_at[t][-1], c.arrived[len(expected[t]) - 1]) for t, c in connections.items() if expected[t]]
        if last:
            recorded, arrived = max(last)
            await server.clock.until(arrived + (at - recorded))

    async def connect(tag: str, at: float) -> None:
        await act(at)
        connections[tag] = Connection(*await asyncio.open_connection("127.0.0.1", server.port), server.clock)
        connections[tag].task = asyncio.create_task(connections[tag].pump())

    try:
        await _play(transcript, tags, connections, expected, expected_at, act, connect, rewrite, bursts)
        await caught_up(connections, {t: len(items) for t, items in expected.items()})
    except TimeoutError:  # an answer never came: the caller compares what did
        pass
    return connections, expected


async def _play(
    transcript: Transcript,
    tags: set[str],
    connections: dict[str, Connection],
    expected: dict[str, list[Item]],
    expected_at: dict[str, list[float]],
    act: Callable[[float], Awaitable[None]],
    connect: Callable[[str, float], Awaitable[None]],
    rewrite: Rewrite,
    bursts: Collection[str],
) -> None:
    parsers = {tag: MessageReader() for tag in tags}
    pending = {tag: b"" for tag in tags}
    for record in transcript.records:
        if record.direction == "#":
            tag = _tag_of_note(record.note, tags)
            if "TCP connected" in record.note and tag not in connections:
                await connect(tag, record.time_s)
            elif "closing socket abruptly" in record.note:
                await act(record.time_s)
                writer = connections[tag].writer
                writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
            continue
        tag = record.tag
        if record.direction == "S>C":
            items = parsers[tag].feed(record.payload)
            expected[tag] += items
            expected_at[tag] += [record.time_s] * len(items)
            continue
        if tag not in connections:
            await connect(tag, record.time_s)
        pending[tag] += record.payload
        if record.payload != b"\r\n":
            continue
        (block,) = MessageReader(expect_banner=False).feed(pending[tag])
        pending[tag] = b""
        assert isinstance(block, Message)
        # A block the recorded client wrote right after the previous one, not waiting for its Response, is written
        # at once too.
        burst = block.get("ActionID") in bursts
        if not burst:
            await act(record.time_s)
        connections[tag].writer.write(encode(rewrite(tag, block, connections[tag].received)))
        if not burst:
            await connections[tag].writer.drain()


async def caught_up(connections: dict[str, Connection], needed: dict[str, int], timeout_s: float = 10) -> None:
    """Wait until every connection has received the number of items `needed` (`timeout_s` wall-clock seconds,
    stretched by the measured slowdown)."""

    async def wait() -> None:
        while behind := [c for t, c in connections.items() if len(c.received) < needed[t] and not c.closed]:
            behind[0].news.clear()
            await behind[0].news.wait()

    await asyncio.wait_for(wait(), slowdown.seconds(timeout_s))


def with_secret(tag: str, block: Message, received: list[Item]) -> Message:
    """The recorded block with the redacted secret filled in."""
    return Message((k, SECRET if (k, v) == ("Secret", "<redacted>") else v) for k, v in block)


def in_folder(recorded: str, here: Path) -> tuple[Rewrite, Callable[[Item], Item]]:
    """`rewrite` and `translate` for a recording whose files lived in `recorded` and now live in `here`: what the
    client sends names `here`; what the server echoes (commands, `AppData`, variables) is read back as `recorded`."""

    def rewrite(tag: str, block: Message, received: list[Item]) -> Message:
        block = with_secret(tag, block, received)
        return Message((k, v.replace(recorded, str(here))) for k, v in block)

    def translate(item: Item) -> Item:
        if not isinstance(item, Message):
            return item
        return Message((k, v.replace(str(here), recorded)) for k, v in item)

    return rewrite, translate


def closed_by_peer(records: Sequence[Record]) -> set[str]:
    return {r.note.split(":")[0] for r in records if r.direction == "#" and "connection closed by peer" in r.note}


async def close_all(connections: dict[str, Connection]) -> None:
    for connection in connections.values():
        connection.writer.close()
        if connection.task is not None:
            await connection.task


def _difference(got: Item, want: Item) -> str:
    if isinstance(got, Message) and isinstance(want, Message) and got.get("Event") == want.get("Event"):
        differ = [f"got {g}, want {w}" for g, w in zip(got, want, strict=False) if g != w]
        return f" {want['Event']}: " + ("; ".join(differ) or f"got {got.headers}, want {want.headers}")
    return f" got  {_show(got)}\n want {_show(want)}"


def _show(item: Item) -> str:
    return repr(item) if isinstance(item, Banner) else " | ".join(f"{k}: {v}" for k, v in item)


def identity(item: Item) -> Item:
    return item


def assert_replayed(
    transcript: Transcript,
    server: AmiServer,
    *,
    rewrite: Rewrite = with_secret,
    translate: Callable[[Item], Item] = identity,
    tolerances: Sequence[Tolerance] = (),
    reorder: Reorder = lambda tag, items: items,
    bursts: Collection[str] = (),
    group: Callable[[Item], str] | None = None,
) -> int:
    """Replay `transcript` against `server` (started here): every connection must receive the recorded items
    (normalised, and as `reorder` puts them), `translate`d (undoing a `rewrite` the server echoes), numbers within
    the `tolerances`; with `group`, in order within each group only. Returns the number of items compared."""

    async def run() -> int:
        async with server:
            connections, expected = await replay(transcript, server, rewrite, bursts)
            try:
                await server.clock.sleep(0.05 / server.time_scale)  # anything more than recorded would come now
                return compare(connections, expected)
            finally:
                await close_all(connections)

    def compare(connections: dict[str, Connection], expected: dict[str, list[Item]]) -> int:
        unrecorded = f"\n unrecorded: {server.unrecorded} {server.unrecorded_commands}"
        total = 0
        for tag, connection in connections.items():
            got = [translate(normalise(m)) for m in connection.received]
            want = reorder(tag, [normalise(m) for m in expected[tag]])
            if group is not None:  # compared one group at a time: the groups' items are put one after the other
                keys = list(dict.fromkeys(group(m) for m in want))
                got = [m for key in keys for m in got if group(m) == key] + [m for m in got if group(m) not in keys]
                want = [m for key in keys for m in want if group(m) == key]
            for index, (g, w) in enumerate(zip(got, want, strict=False)):
                for tolerance in tolerances:
                    if isinstance(g, Message) and isinstance(w, Message):
                        g = tolerance.apply(g, w)
                assert g == w, f"{tag or 'ami'} item {index}:\n{_difference(g, w)}{unrecorded}"
            missing = want[len(got) : len(got) + 1]
            assert len(got) == len(want), f"{tag or 'ami'}: {len(got)} of {len(want)} items, next {missing}{unrecorded}"
            assert len(b"".join(encode(m) for m in expected[tag])) == len(transcript.stream("S>C", tag))
            total += len(got)
        for tag in closed_by_peer(transcript.records):
            assert connections[_tag_of_note(f"{tag}:", set(connections))].closed, tag
        assert server.unrecorded == [], server.unrecorded
        assert server.unrecorded_commands == [], server.unrecorded_commands
        return total

    return asyncio.run(run())


def replayed(
    name: str,
    first_channel_number: int,
    *tolerances: Tolerance,
    time_scale: float = 1.0,
    rewrite: Rewrite = with_secret,
    translate: Callable[[Item], Item] = identity,
    sounds: Path | None = None,
    reorder: Reorder = lambda tag, items: items,
    bursts: Collection[str] = (),
    group: Callable[[Item], str] | None = None,
    calls_taken: Mapping[tuple[str, str], int] | None = None,
    device_states: Mapping[str, str] | None = None,
    missing_sounds: frozenset[str] = frozenset(),
) -> int:
    """Replay the recording `name` against a fresh server with the races that recording settled
    (`ami_hints.RecordedHints`); the number of items compared. `calls_taken` and `device_states`: see `AmiServer`."""
    transcript = load(name)
    server = AmiServer(
        secret=SECRET,
        first_channel_number=first_channel_number,
        hints=RecordedHints(transcript),
        time_scale=time_scale,
        sounds=sounds,
        calls_taken=calls_taken,
        device_states=device_states,
        settle_s=0,  # the replayed client runs on this loop
        missing_sounds=missing_sounds,
    )
    return assert_replayed(
        transcript,
        server,
        rewrite=rewrite,
        translate=translate,
        tolerances=tolerances,
        reorder=reorder,
        bursts=bursts,
        group=group,
    )
