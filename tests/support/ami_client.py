"""A bare AMI client for tests of the AMI test server that are not replays."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from urllib.parse import unquote

from callflow.runtime.asterisk.protocol import Banner, Message, MessageReader, encode


class Client:
    """One logged-in AMI connection; `until` reads what comes, in order."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer, self.parser = reader, writer, MessageReader()
        self.items: list[Message | Banner] = []
        self.log: list[Message] = []  # every message read
        self._ids = itertools.count(1)

    @classmethod
    async def login(cls, port: int, secret: str, events: str = "on") -> Client:
        """Connect and log in as `callflow`."""
        client = cls(*await asyncio.open_connection("127.0.0.1", port))
        client.send(Action="Login", ActionID="l", Username="callflow", Secret=secret, Events=events)
        await client.until(lambda m: m.get("Response") is not None)
        return client

    def send(self, **headers: str) -> None:
        """Write one action."""
        self.writer.write(encode(Message.of(**headers)))

    async def until(self, wanted: Callable[[Message], bool], timeout_s: float = 5) -> Message:
        """The first message from now on for which `wanted` is true."""
        while True:
            while self.items:
                item = self.items.pop(0)
                if isinstance(item, Message) and wanted(item):
                    return item
            data = await asyncio.wait_for(self.reader.read(65536), timeout_s)
            if not data:
                raise ConnectionError("the server closed the connection")
            items = self.parser.feed(data)
            self.items += items
            self.log += [m for m in items if isinstance(m, Message)]

    async def originate(self, dnis: str = "s", context: str = "caller-live", exten: str = "idle") -> str:
        """Originate `Local/<dnis>@callflow` with the caller `context,exten`; the IVR (`;2`) channel's name."""
        number = next(self._ids)
        self.send(Action="Originate", ActionID=f"o{number}", Channel=f"Local/{dnis}@callflow", Context=context,
                  Exten=exten, Priority="1", Async="true", CallerID='"Lab Caller" <5551234>',
                  ChannelId=f"test-{number}-caller", OtherChannelId=f"test-{number}-ivr")  # fmt: skip
        start = await self.until(lambda m: m.get("Event") == "AsyncAGIStart")
        return start["Channel"]

    async def agi(self, channel: str, command: str, timeout_s: float = 5) -> str:
        """Run one AGI command and wait for its reply (decoded, without the final newline)."""
        command_id = f"c{next(self._ids)}"
        self.send(Action="AGI", Channel=channel, Command=command, CommandID=command_id)
        done = await self.until(lambda m: m.get("Event") == "AsyncAGIExec" and m.get("CommandId") == command_id,
                                timeout_s)  # fmt: skip
        return unquote(done["Result"]).removesuffix("\n")

    def close(self) -> None:
        """Close the connection (no Logoff)."""
        self.writer.close()
