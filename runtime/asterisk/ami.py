"""The AMI connection: the `asterisk-ami` client, wrapped so that its known weaknesses cannot hurt a call.

Measured weaknesses (shared/notes/asterisk-ami.md) and what this wrapper does about each:

- its reader thread dies after `timeout` idle seconds, and nothing restarts it: the socket has no read timeout
  here (only connecting has one), and a keep-alive action runs every few seconds, so a dead peer is noticed;
- futures without a timeout can hang forever, waiting on one inside a listener deadlocks, and setting one calls
  the deprecated `notifyAll` inside the reader thread: the package's futures are never made; responses are
  matched by ActionID in a listener and resolve asyncio futures with their own deadlines, handed over with
  `call_soon_threadsafe`;
- an exception in a callback or listener kills the reader thread: every callback here catches everything;
- headers are matched case-sensitively: what arrives is turned into `protocol.Message`, whose lookups ignore case;
- `send` may write part of a message and is not thread-safe: it is replaced by a locked `sendall`;
- nothing stops CR/LF in a value from injecting headers: every action is checked by `protocol.encode` first.

Events reach the asyncio loop without blocking the reader: the reader only queues them, so a slow consumer can
never stall the AMI socket (Asterisk drops a client that does not read within its write timeout). Everything the
reader cut from one read is handed over in one batch (one wake-up of the loop, not one per message), and events
the owner does not want (`wanted`) are dropped on the reader's side, before they cost the loop anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
import time
from collections import deque
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from asterisk.ami import SimpleAction

from callflow.runtime.asterisk.address import AddressError, AmiAddress
from callflow.runtime.asterisk.ami_client import CONNECT_TIMEOUT_S, ReaderClient, tls_failure
from callflow.runtime.asterisk.protocol import Message, encode

log = logging.getLogger(__name__)

ACTION_TIMEOUT_S = 5.0
KEEPALIVE_S = 2.0
BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 5.0)


class AmiError(Exception):
    """The AMI connection failed, or an action was refused."""


class NotConnected(AmiError):
    """No AMI connection at the moment (it dropped and is being made again)."""


class ActionFailed(AmiError):
    """Asterisk answered an action with `Response: Error`."""

    def __init__(self, response: Message) -> None:
        super().__init__(response.get("Message", "refused"))
        self.response = response


def _message(name_header: str, name: str, keys: dict[str, Any]) -> Message:
    headers = [(name_header, name)]
    for key, value in keys.items():
        if isinstance(value, dict):  # ChanVariable-style headers, parsed into a dict by asterisk-ami
            headers.extend((key, f"{k}={v}") for k, v in value.items())
        else:
            headers.extend((key, part) for part in str(value).split("\n"))
    return Message(headers)


def _resolve(future: asyncio.Future[Message], message: Message) -> None:
    if not future.done():
        future.set_result(message)


EventHandler = Callable[[Message], None]


class AmiConnection:
    """One logged-in AMI session that keeps itself alive and comes back after a drop.

    `on_event` runs on the asyncio loop for every event; `on_connected` after every (re)login, so the owner can
    look for calls that went on while the connection was down.
    """

    def __init__(
        self,
        address: AmiAddress,
        on_event: EventHandler,
        *,
        events: str = "agi,call,dtmf",
        wanted: Collection[str] | None = None,
        on_connected: Callable[[], Awaitable[None]] | None = None,
        keepalive: Callable[[], Message] | None = None,
        action_timeout_s: float = ACTION_TIMEOUT_S,
        keepalive_s: float = KEEPALIVE_S,
    ) -> None:
        self.address = address
        self.on_event = on_event
        self.events = events
        self.wanted = frozenset(wanted) if wanted is not None else None
        """The only events passed on (None: all); items of list actions (with an ActionID) always are."""
        self.on_connected = on_connected
        self.keepalive = keepalive
        self.action_timeout_s = action_timeout_s
        self.keepalive_s = keepalive_s
        self.connected = asyncio.Event()
        self.reconnects = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: ReaderClient | None = None
        self._lost = asyncio.Event()
        self._closing = False
        self._supervisor: asyncio.Task[None] | None = None
        self._counter = 0
        self._collectors: list[EventHandler] = []
        self._waiting: dict[str, asyncio.Future[Message]] = {}
        self._inbox: deque[tuple[Callable[[Any], None], Any, float]] = deque()
        self._drain_scheduled = False
        self.read_at = 0.0
        """While an event or response is handled: when the reader thread cut it from the stream (`perf_counter`)."""
        self.write_times: dict[str, float] | None = None
        """Set to a dict to have the moment each action was written recorded by ActionID (benchmarks)."""

    # -- life cycle ------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect and log in (raises `AmiError` if that fails), then keep the session up until `close`."""
        self._loop = asyncio.get_running_loop()
        await self._connect()
        self._supervisor = asyncio.create_task(self._supervise(), name="ami-supervisor")

    async def close(self) -> None:
        """Log off and stop."""
        self._closing = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        if self._client is not None and self.connected.is_set():
            with contextlib.suppress(AmiError):
                await self.send(Message.of(Action="Logoff"), timeout_s=1.0)
        self._drop_client()

    def abort(self) -> None:
        """Drop the TCP connection at once, as a network failure would; the supervisor connects again."""
        client = self._client
        if client is not None:
            with contextlib.suppress(OSError):
                client._socket.shutdown(socket.SHUT_RDWR)

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        client = ReaderClient(self.address)
        client.add_listener(
            on_event=lambda source, event: self._event_from_reader(event, client.pack_at),
            on_response=lambda source, response: self._from_reader(self._response, response, client.pack_at),
            on_disconnect=lambda source, error=None: self._from_reader(self._disconnected, client, 0.0),
        )
        try:
            await asyncio.wait_for(loop.run_in_executor(None, client.connect), CONNECT_TIMEOUT_S + 1)
        except AddressError as error:  # the CA file went away after the address was parsed
            raise AmiError(str(error)) from None
        except ssl.SSLError as error:  # before OSError: it is one
            raise AmiError(tls_failure(self.address, error)) from None
        except (OSError, TimeoutError) as error:
            raise AmiError(f"cannot reach Asterisk at {self.address.host}:{self.address.port}: {error}") from None
        self._client = client
        self._lost.clear()
        login = Message.of(Action="Login", Username=self.address.username, Secret=self.address.secret)
        login = Message([*login.headers, ("Events", self.events)])
        try:
            response = await self._send(client, login, CONNECT_TIMEOUT_S)
        except AmiError:
            self._drop_client()
            raise
        if response.get("Response", "").lower() != "success":
            self._drop_client()
            raise AmiError(f"Asterisk refused the login of {self.address.username!r}: {response.get('Message')}")
        self.connected.set()
        log.info("AMI: logged in to %s", self.address)
        if self.keepalive is not None:  # at once: the dialplan turns calls away while the heartbeat is stale
            await self.send(self.keepalive())
        if self.on_connected is not None:
            await self.on_connected()

    def _drop_client(self) -> None:
        self.connected.clear()
        client, self._client = self._client, None
        if client is not None:
            client.finished.set()
            with contextlib.suppress(Exception):  # shut down first: a close alone leaves a blocked recv waiting
                client._socket.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(Exception):
                client._socket.close()

    async def _supervise(self) -> None:
        """Keep-alive while connected; on a drop, log in again with backoff, for as long as it takes."""
        while not self._closing:
            try:
                await asyncio.wait_for(self._lost.wait(), self.keepalive_s)
            except TimeoutError:
                if self.keepalive is not None:
                    try:
                        await self.send(self.keepalive(), timeout_s=self.keepalive_s * 2)
                    except AmiError as error:
                        log.warning("AMI: keep-alive failed (%s); connecting again", error)
                        self._lost.set()
                continue
            self._drop_client()
            attempt = 0
            while not self._closing:
                await asyncio.sleep(BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)])
                attempt += 1
                try:
                    await self._connect()
                except AmiError as error:
                    log.warning("AMI: reconnect %d failed: %s", attempt, error)
                    continue
                self.reconnects += 1
                break

    # -- actions ---------------------------------------------------------------------------------------------

    def next_id(self, prefix: str = "cf") -> str:
        """A fresh ActionID."""
        self._counter += 1
        return f"{prefix}-{self._counter}"

    async def send(self, action: Message, *, timeout_s: float | None = None) -> Message:
        """Send an action and wait for its response (`Response: Error` raises `ActionFailed`)."""
        client = self._client
        if client is None or not self.connected.is_set():
            raise NotConnected("not connected to Asterisk")
        response = await self._send(client, action, timeout_s or self.action_timeout_s)
        if response.get("Response", "").lower() == "error":
            raise ActionFailed(response)
        return response

    async def collect(self, action: Message, complete: str, *, timeout_s: float | None = None) -> list[Message]:
        """Send a list action (`CoreShowChannels`) and gather its items until the `complete` event."""
        action_id = action.get("ActionID") or self.next_id()
        action = Message([*(h for h in action.headers if h[0].lower() != "actionid"), ("ActionID", action_id)])
        items: list[Message] = []
        done = asyncio.get_running_loop().create_future()

        def gather(event: Message) -> None:
            if event.get("ActionID") != action_id:
                return
            if event.get("Event") == complete:
                _resolve(done, event)
            else:
                items.append(event)

        self._collectors.append(gather)
        try:
            await self.send(action, timeout_s=timeout_s)
            await asyncio.wait_for(done, timeout_s or self.action_timeout_s)
        except TimeoutError:
            raise AmiError(f"{action.get('Action')}: the list did not complete in time") from None
        finally:
            self._collectors.remove(gather)
        return items

    async def _send(self, client: ReaderClient, action: Message, timeout_s: float) -> Message:
        encode(action)  # refuses CR/LF and other header injection before anything is written
        headers = dict(action.headers)
        if len(headers) != len(action.headers):
            raise AmiError("an action with a repeated header cannot be sent through asterisk-ami")
        name = headers.pop("Action")
        action_id = headers.setdefault("ActionID", self.next_id())
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._waiting[action_id] = future
        try:
            # `send`, not `send_action`: the package's own futures are never made (their `notifyAll` is deprecated
            # and, raising inside the reader thread, would kill it); responses come through `_response`
            client.send(SimpleAction(name, **headers))
            if self.write_times is not None:
                self.write_times[action_id] = time.perf_counter()
        except OSError as error:
            self._waiting.pop(action_id, None)
            self._lost.set()
            raise NotConnected(f"cannot send to Asterisk: {error}") from None
        try:
            return await asyncio.wait_for(future, timeout_s)
        except TimeoutError:
            raise AmiError(f"Asterisk did not answer {name} within {timeout_s:g} s") from None
        finally:
            self._waiting.pop(action_id, None)

    # -- from the reader thread ------------------------------------------------------------------------------

    def _event_from_reader(self, event: Any, read_at: float) -> None:
        try:
            if self.wanted is None or event.name in self.wanted or "ActionID" in event.keys:
                self._from_reader(self._event, event, read_at)
        except Exception:  # never let the reader thread die
            log.exception("AMI: unreadable event")

    def _from_reader(self, handler: Callable[[Any], None], value: Any, read_at: float) -> None:
        """Queue a message for the loop; the first of a batch wakes the loop up (the others ride along).

        The loop clears `_drain_scheduled` before it empties the inbox, and the reader appends before it looks at
        the flag: a message is either drained by a run already under way or schedules the next one."""
        try:
            self._inbox.append((handler, value, read_at))
            if not self._drain_scheduled and self._loop is not None and not self._loop.is_closed():
                self._drain_scheduled = True
                self._loop.call_soon_threadsafe(self._drain)
        except Exception:  # never let the reader thread die
            log.exception("AMI: cannot hand over to the event loop")

    def _drain(self) -> None:
        self._drain_scheduled = False
        inbox = self._inbox
        while inbox:
            handler, value, read_at = inbox.popleft()
            self.read_at = read_at
            try:
                handler(value)
            except Exception:  # one bad message must not strand the rest of the batch
                log.exception("AMI: a message handler failed")

    def _event(self, event: Any) -> None:
        try:
            message = _message("Event", event.name, event.keys)
            for collector in list(self._collectors):
                collector(message)
            self.on_event(message)
        except Exception:
            log.exception("AMI: an event handler failed")

    def _response(self, response: Any) -> None:
        try:
            message = _message("Response", response.status, response.keys)
        except Exception:
            log.exception("AMI: unreadable response")
            return
        future = self._waiting.get(message.get("ActionID", ""))
        if future is not None:
            _resolve(future, message)

    def _disconnected(self, client: ReaderClient) -> None:
        if client is not self._client or self._closing:
            return
        if not self.connected.is_set():  # before the login was answered: say so now, not at the login's deadline
            lost = AmiError(
                f"{self.address.host}:{self.address.port} closed the connection before the login was answered "
                "(is it Asterisk's AMI port? TLS ports need amis://)"
            )
            for future in self._waiting.values():
                if not future.done():
                    future.set_exception(lost)
            return
        log.warning("AMI: connection to %s lost", self.address)
        self.connected.clear()
        self._lost.set()
