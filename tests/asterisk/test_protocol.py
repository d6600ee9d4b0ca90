"""The AMI wire format and AGI replies, checked against every recorded Asterisk session."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st
from transcripts import Transcript, load, names

from callflow.runtime.asterisk.protocol import (
    AgiResult,
    Banner,
    HeaderInjectionError,
    Message,
    MessageReader,
    ProtocolError,
    encode,
)

BANNER = b"Asterisk Call Manager/13.0.0\r\n"


def server_items(transcript: Transcript, tag: str) -> list[Message | Banner]:
    reader = MessageReader()
    items: list[Message | Banner] = []
    for chunk in transcript.reads(tag):
        items += reader.feed(chunk)
    assert not reader.pending
    return items


@cache
def all_server_messages() -> list[Message]:
    found: list[Message] = []
    for name in names():
        transcript = load(name)
        for tag in transcript.tags:
            found += [m for m in server_items(transcript, tag) if isinstance(m, Message)]
    return found


@cache
def agi_results() -> dict[str, AgiResult]:
    return {
        m["Result"]: AgiResult.from_header(m["Result"])
        for m in all_server_messages()
        if m.get("Event") == "AsyncAGIExec"
    }


@pytest.mark.parametrize("name", names())
def test_server_streams_parse_and_re_encode_byte_for_byte(name: str) -> None:
    """Each server stream, fed in its recorded reads, is the banner then messages that encode back to the same bytes."""
    transcript = load(name)
    for tag in transcript.tags:
        items = server_items(transcript, tag)
        assert items[0] == Banner("13.0.0")
        assert all(isinstance(m, Message) and len(m) for m in items[1:])
        assert b"".join(encode(m) for m in items) == transcript.stream("S>C", tag)


@pytest.mark.parametrize("name", names())
def test_client_streams_parse_and_re_encode_byte_for_byte(name: str) -> None:
    """Each client stream is a series of blocks with no banner, and encodes back to the same bytes."""
    transcript = load(name)
    for tag in transcript.tags:
        stream = transcript.stream("C>S", tag)
        reader = MessageReader(expect_banner=False)
        messages = reader.feed(stream)
        assert all(isinstance(m, Message) for m in messages)
        assert b"".join(encode(m) for m in messages) == stream


@pytest.mark.parametrize("name", names())
def test_byte_at_a_time_reads_give_the_same_messages(name: str) -> None:
    """Split reads, down to one byte each, yield the same messages as the recorded reads."""
    transcript = load(name)
    tag = transcript.tags[0]
    reader = MessageReader()
    items: list[Message | Banner] = []
    for byte in transcript.stream("S>C", tag):
        items += reader.feed(bytes([byte]))
    assert items == server_items(transcript, tag)


def test_a_read_can_carry_several_messages_and_end_mid_line() -> None:
    """Several blocks in one read are all returned; a partial line waits for the next read."""
    reader = MessageReader()
    data = BANNER + b"Response: Success\r\nActionID: a\r\n\r\nEvent: X\r\n\r\nEvent: Y\r\nPriv"
    assert reader.feed(data) == [Banner("13.0.0"), Message.of(Response="Success", ActionID="a"), Message.of(Event="X")]
    assert reader.pending
    assert reader.feed(b"ilege: call,all\r\n\r\n") == [Message([("Event", "Y"), ("Privilege", "call,all")])]
    assert not reader.pending


NAMES = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF, exclude_characters=":"), min_size=1, max_size=12)
VALUES = st.text(st.characters(exclude_characters="\r\n", exclude_categories=["Cs"]), max_size=40)


@given(
    st.lists(st.lists(st.tuples(NAMES, VALUES), min_size=1, max_size=6), max_size=5),
    st.lists(st.integers(min_value=1, max_value=50), max_size=30),
)
def test_any_messages_read_back_from_any_split(messages: list[list[tuple[str, str]]], sizes: list[int]) -> None:
    """Whatever the headers and however the stream is cut into reads, the reader gives back what was encoded."""
    sent = [Message(headers) for headers in messages]
    data = BANNER + b"".join(encode(m) for m in sent)
    reader = MessageReader()
    got: list[Message | Banner] = []
    pos = 0
    for size in [*sizes, len(data)]:
        got += reader.feed(data[pos : pos + size])
        pos += size
    assert got == [Banner("13.0.0"), *sent]
    assert not reader.pending


def test_an_endless_line_is_refused() -> None:
    """A line longer than the limit is not buffered for ever."""
    reader = MessageReader(max_line_bytes=100)
    reader.feed(BANNER)
    with pytest.raises(ProtocolError):
        reader.feed(b"Key: " + b"x" * 200)


def test_header_lookup_ignores_case_and_keeps_wire_spelling() -> None:
    """Asterisk's events say `CommandId` where the client sent `CommandID`; both find the header."""
    exec_event = next(m for m in all_server_messages() if m.get("Event") == "AsyncAGIExec")
    assert "CommandId" in [k for k, _ in exec_event.headers]
    assert exec_event["CommandID"] == exec_event["commandid"] == exec_event["CommandId"]
    assert [k for k, _ in exec_event.headers][-2:] == ["Result", "CommandId"]


def test_values_keep_colons_and_may_be_empty() -> None:
    """`RequestType: Action: Ping` keeps its inner colon; `AccountID: ` is an empty value."""
    mon = [m for m in server_items(load("ami-login-failure"), "mon") if isinstance(m, Message)]
    not_allowed = next(m for m in mon if m.get("Event") == "RequestNotAllowed")
    assert not_allowed["RequestType"] == "Action: Ping"
    assert not_allowed["AccountID"] == ""


def test_repeated_headers_are_all_kept_in_order() -> None:
    """`get_all` returns every value of a repeated header; `get` the first."""
    message = Message([("Action", "Originate"), ("Variable", "A=1"), ("ChanVariable", "x"), ("Variable", "B=2")])
    assert message.get_all("variable") == ["A=1", "B=2"]
    assert message["Variable"] == "A=1"
    assert encode(message) == b"Action: Originate\r\nVariable: A=1\r\nChanVariable: x\r\nVariable: B=2\r\n\r\n"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Action", "Ping\r\nAction: Logoff"),
        ("Command", "NOOP\n"),
        ("X\r\nAction", "Logoff"),
        ("Bad: name", "v"),
        ("", "v"),
    ],
)
def test_header_injection_is_rejected(name: str, value: str) -> None:
    """A CR or LF in a name or value (or a `:` in a name) would forge headers or actions: encoding refuses it."""
    with pytest.raises(HeaderInjectionError):
        encode(Message([("ActionID", "1"), (name, value)]))


def test_a_stream_that_does_not_start_with_the_banner_is_refused() -> None:
    """The server's first line is its banner; anything else is not AMI."""
    with pytest.raises(ProtocolError):
        MessageReader().feed(b"HTTP/1.1 200 OK\r\n")


def test_every_recorded_agi_result_parses() -> None:
    """Every `AsyncAGIExec` `Result` in the transcripts is a 200, 510 or 520 reply."""
    results = agi_results()
    assert len(results) == 63  # distinct replies: 40 in the shared set, 23 more in our own recordings
    assert {r.code for r in results.values()} == {200, 510, 520}
    for result in results.values():
        assert result.ok == (result.result is not None)


@pytest.mark.parametrize(
    ("header", "code", "result", "data", "extras"),
    [
        ("200%20result%3D0%0A", 200, "0", None, {}),
        ("200%20result%3D49%0A", 200, "49", None, {}),
        ("200%20result%3D49%20endpos%3D12960%0A", 200, "49", None, {"endpos": "12960"}),
        ("200%20result%3D%20(timeout)%0A", 200, "", "timeout", {}),
        ("200%20result%3D42%20(timeout)%0A", 200, "42", "timeout", {}),
        ("200%20result%3D1234%0A", 200, "1234", None, {}),
        ("200%20result%3D16276%20(timeout)%20endpos%3D18732%0A", 200, "16276", "timeout", {"endpos": "18732"}),
        ("200%20result%3D-1%20(hangup)%20endpos%3D11212%0A", 200, "-1", "hangup", {"endpos": "11212"}),
        ("200%20result%3D0%20endpos%3D-1%0A", 200, "0", None, {"endpos": "-1"}),
        ("200%20result%3D-2%0A", 200, "-2", None, {}),
        (
            "200%20result%3D1%20(a%20value%20with%20spaces%20and%20%25%2F%3D%26%2B%20chars)%0A",
            200,
            "1",
            "a value with spaces and %/=&+ chars",
            {},
        ),
        ("200%20result%3D1%20(CONTINUE%7C2%7C)%0A", 200, "1", "CONTINUE|2|", {}),
    ],
)
def test_recorded_agi_results_parse_exactly(
    header: str, code: int, result: str, data: str | None, extras: dict[str, str]
) -> None:
    """Recorded replies give their code, result text, parenthesised data and key=value extras; `+` stays a plus."""
    assert header in agi_results()
    parsed = AgiResult.from_header(header)
    assert (parsed.code, parsed.result, parsed.data, parsed.extras) == (code, result, data, extras)


def test_recorded_510_is_code_and_text() -> None:
    """An unknown command answers `510 Invalid or unknown command`."""
    parsed = agi_results()["510%20Invalid%20or%20unknown%20command%0A"]
    assert (parsed.code, parsed.result, parsed.text, parsed.ok) == (510, None, "Invalid or unknown command", False)


def test_recorded_520_spans_several_lines_in_one_header() -> None:
    """A syntax error answers a multi-line 520: `520-` first line, usage text, `520 End of proper usage.`."""
    usage = [r for r in agi_results().values() if r.code == 520]
    assert len(usage) == 2
    for parsed in usage:
        assert parsed.raw.startswith("520-Invalid command syntax.  Proper usage follows:\n")
        assert parsed.raw.endswith("\n520 End of proper usage.\n")
        assert parsed.result is None and not parsed.ok
        assert parsed.text and not parsed.text.startswith("520") and parsed.raw.count("\n") >= 3
    wait = next(p for p in usage if p.text.startswith("Waits up to"))
    assert "<replaceable>timeout</replaceable>" in wait.text
    stream = next(p for p in usage if p.text.startswith("Send the given file"))
    assert "<variable>PLAYBACKSTATUS</variable>" in stream.text and "\n" in stream.text


def test_endpos_is_a_number_when_present() -> None:
    """`endpos` is the sample offset where playback stopped."""
    assert AgiResult.from_header("200%20result%3D0%20endpos%3D11234%0A").endpos == 11234
    assert AgiResult.from_header("200%20result%3D1%0A").endpos is None


def test_text_that_is_not_an_agi_reply_is_refused() -> None:
    """A reply must start with a three-digit code."""
    with pytest.raises(ProtocolError):
        AgiResult.parse("hello\n")
