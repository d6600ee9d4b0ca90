"""The AMI wire format as real Asterisk speaks it, and the AsyncAGI reply line carried in `AsyncAGIExec`.

Facts taken from the recorded sessions in `shared/asterisk-transcripts/`: the server first sends one banner line
(`Asterisk Call Manager/13.0.0\\r\\n`), then blocks of `Key: Value\\r\\n` lines, each ended by an empty `\\r\\n`
line; values may themselves contain `: ` (`RequestType: Action: Ping`) or be empty (`AccountID: `); several blocks
can arrive in one read. Asterisk spells header names its own way (`CommandId` in events, `CommandID` sent by the
client), so lookups here ignore case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import overload
from urllib.parse import unquote

BANNER_PREFIX = "Asterisk Call Manager/"
_EOL = b"\r\n"
_CODING = "utf-8"
_ERRORS = "surrogateescape"  # any byte sequence survives a read and a re-encode unchanged


class ProtocolError(ValueError):
    """Bytes that are not AMI, or a message that cannot be written as AMI."""


class HeaderInjectionError(ProtocolError):
    """A header name or value that would end its line (CR or LF) or, in a name, its key (`:`)."""


@dataclass(frozen=True)
class Banner:
    """The line the server sends once, right after the TCP connection opens."""

    version: str

    @property
    def line(self) -> str:
        """The banner as sent, without its line end."""
        return f"{BANNER_PREFIX}{self.version}"


class Message:
    """One AMI block (action, response or event): headers in wire order, looked up without regard to case."""

    __slots__ = ("_headers",)

    def __init__(self, headers: Iterable[tuple[str, str]] = ()) -> None:
        self._headers = tuple((str(k), str(v)) for k, v in headers)

    @classmethod
    def of(cls, **headers: str) -> Message:
        """A message from keyword headers, in the order given."""
        return cls(headers.items())

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """Every (name, value) pair in wire order, repeated names included."""
        return self._headers

    @overload
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, default: str) -> str: ...
    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of header `name` (any case), or `default`."""
        wanted = name.casefold()
        return next((v for k, v in self._headers if k.casefold() == wanted), default)

    def get_all(self, name: str) -> list[str]:
        """Every value of header `name` (any case) in wire order, e.g. repeated `ChanVariable` or `Variable`."""
        wanted = name.casefold()
        return [v for k, v in self._headers if k.casefold() == wanted]

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and self._headers == other._headers

    def __hash__(self) -> int:
        return hash(self._headers)

    def __repr__(self) -> str:
        return f"Message({list(self._headers)!r})"

    @property
    def kind(self) -> str:
        """`Action`, `Response` or `Event`: which of the three the first header says this block is."""
        return self._headers[0][0] if self._headers else ""


def _check(text: str, *, name: bool) -> None:
    if "\r" in text or "\n" in text:
        raise HeaderInjectionError(f"AMI header {'name' if name else 'value'} {text[:80]!r} contains CR or LF")
    if name and (not text or ":" in text):
        raise HeaderInjectionError(f"AMI header name {text[:80]!r} is empty or contains ':'")


def encode(item: Message | Banner) -> bytes:
    """The wire bytes of a message (`Key: Value\\r\\n` lines, then `\\r\\n`) or of the banner line."""
    if isinstance(item, Banner):
        _check(item.version, name=False)
        return (item.line + "\r\n").encode(_CODING, _ERRORS)
    lines = []
    for key, value in item.headers:
        _check(key, name=True)
        _check(value, name=False)
        lines.append(f"{key}: {value}\r\n")
    lines.append("\r\n")
    return "".join(lines).encode(_CODING, _ERRORS)


class MessageReader:
    """Turns a byte stream, fed in reads of any size, into the banner and the messages it carries."""

    def __init__(self, *, expect_banner: bool = True, max_line_bytes: int = 65536) -> None:
        """`expect_banner` is true for the server's stream and false for a client's (which has none)."""
        self._buffer = bytearray()
        self._expect_banner = expect_banner
        self._max_line = max_line_bytes
        self._headers: list[tuple[str, str]] = []

    @property
    def pending(self) -> bool:
        """Whether a message has begun but not yet ended."""
        return bool(self._buffer or self._headers)

    def feed(self, data: bytes) -> list[Message | Banner]:
        """The banner and messages completed by `data`, in order; a partial line or block is kept for later."""
        self._buffer += data
        out: list[Message | Banner] = []
        start = 0
        while (end := self._buffer.find(_EOL, start)) >= 0:
            line = self._buffer[start:end].decode(_CODING, _ERRORS)
            start = end + len(_EOL)
            if self._expect_banner:
                self._expect_banner = False
                if not line.startswith(BANNER_PREFIX):
                    raise ProtocolError(f"expected the AMI banner, got {line[:80]!r}")
                out.append(Banner(line.removeprefix(BANNER_PREFIX)))
            elif line:
                self._headers.append(_split(line))
            elif self._headers:  # a blank line outside a block carries nothing
                out.append(Message(self._headers))
                self._headers = []
        del self._buffer[:start]
        if len(self._buffer) > self._max_line:
            raise ProtocolError(f"AMI line longer than {self._max_line} bytes")
        return out


def _split(line: str) -> tuple[str, str]:
    key, sep, value = line.partition(": ")
    if not sep:
        # Never seen in the recordings (every line there is `Key: Value`); read leniently, written back as `Key: `.
        key, sep, value = line.partition(":")
        if not sep:
            raise ProtocolError(f"AMI line without ':' {line[:80]!r}")
    return key, value


_REPLY = re.compile(r"(?P<code>\d{3}) result=(?P<result>\S*)(?: \((?P<data>.*)\))?(?P<extras>(?: [^\s=]+=\S*)*)")


@dataclass(frozen=True)
class AgiResult:
    """One AGI reply: `200 result=1 (value) endpos=123`, `510 Invalid or unknown command`, or a 520 usage block.

    `result` is kept as text: GET DATA answers with the digits keyed (`result=0123`, `result=` when none were).
    `data` is the text in parentheses (a variable's value, `timeout`, `dtmf`, `hangup`); `extras` the trailing
    `key=value` pairs (`endpos`); `text` the message of a non-200 reply (for 520 the usage text between its first
    and last lines).
    """

    code: int
    result: str | None = None
    data: str | None = None
    extras: dict[str, str] = field(default_factory=dict)
    text: str = ""
    raw: str = ""

    @classmethod
    def from_header(cls, value: str) -> AgiResult:
        """The reply carried by an `AsyncAGIExec` `Result` header (percent-encoded; `+` is a literal plus)."""
        return cls.parse(unquote(value))

    @classmethod
    def parse(cls, reply: str) -> AgiResult:
        """The reply in its decoded form, with or without its final newline."""
        lines = reply.removesuffix("\n").split("\n")
        first = lines[0]
        if len(lines) > 1 or first[3:4] == "-":
            return cls._multi_line(lines, reply)
        match = _REPLY.fullmatch(first)
        if match:
            extras = dict(p.split("=", 1) for p in match["extras"].split())
            return cls(int(match["code"]), match["result"], match["data"], extras, raw=reply)
        code, _, text = first.partition(" ")
        if len(code) != 3 or not code.isdigit():
            raise ProtocolError(f"not an AGI reply: {reply[:80]!r}")
        return cls(int(code), text=text, raw=reply)

    @classmethod
    def _multi_line(cls, lines: list[str], reply: str) -> AgiResult:
        # `520-Invalid command syntax.  Proper usage follows:` ... `520 End of proper usage.`
        code = lines[0][:3]
        if not code.isdigit() or lines[0][3:4] != "-" or not lines[-1].startswith(code + " "):
            raise ProtocolError(f"not a multi-line AGI reply: {reply[:80]!r}")
        return cls(int(code), text="\n".join(lines[1:-1]), raw=reply)

    @property
    def ok(self) -> bool:
        """Whether Asterisk ran the command (code 200); its outcome is then in `result`."""
        return self.code == 200

    @property
    def endpos(self) -> int | None:
        """The sample offset where playback or recording stopped, when the reply carries one."""
        value = self.extras.get("endpos")
        return int(value) if value is not None else None
