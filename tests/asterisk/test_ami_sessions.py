"""Several AMI sessions and a client that goes away: the recorded clients get the bytes Asterisk sent."""

from __future__ import annotations

import re

from ami_replay import Item, Tolerance, replayed

from callflow.runtime.asterisk.protocol import Message

# A listed channel's age in whole seconds: the replay's own pace (scaled up by the time scale) may move it by one.
AGE_S = Tolerance("CoreShowChannel", "Duration", r"00:00:(\d\d)", 1)


def test_a_client_dropping_during_asyncagi_is_replayed_byte_for_byte() -> None:
    """Client `a` dies (TCP RST) while its 16 s STREAM FILE runs: nothing tells session `b`, which lists the parked
    channels (CoreShowChannels), gets the command's AsyncAGIExec and finishes the call; a second call whose client
    `a2` died stays parked for 8 s and is hung up with the AMI Hangup action."""
    assert replayed("ami-drop-during-asyncagi", 0x16, AGE_S, time_scale=0.1) == 136


def by_originate(item: Item) -> str:
    """The Originate an item belongs to (its channel's name without the pair number), or the session."""
    if not isinstance(item, Message) or "Event" not in item:
        return "responses"
    for header in ("Channel", "DestChannel", "LocalOneChannel", "Device"):
        if header in item:
            return re.sub(r"-[0-9a-f]{8};[12]$", "", item[header])
    return "session"


def test_failing_originates_are_replayed_byte_for_byte() -> None:
    """A missing context (Failure/0), busy (5), congestion (8), no answer within Timeout (3), synchronous busy
    (`Originate failed`), an unknown technology (0), no Channel, and an IVR that never answers (3, cause 19).

    The events of the five originates sent within 13 ms interleaved as Asterisk's threads delivered them, each
    Originate's own events and the action responses in order: they are compared in that order, one Originate (and
    the responses) at a time."""
    assert replayed("originate-failure", 0x10, time_scale=0.1, group=by_originate) == 127
