"""AGI errors and the ends of an AsyncAGI session: the recorded client gets the bytes Asterisk sent."""

from __future__ import annotations

from ami_replay import replayed


def test_agi_errors_and_break_are_replayed_byte_for_byte() -> None:
    """510, the 520 usage texts, EXEC of an unknown application (-2) and of Playback, values with spaces and
    `%/=&+`, a lower-case command, DATABASE PUT/GET, VERBOSE, AGI actions without `Command` and to the `;1` half,
    ASYNCAGI BREAK (AGISTATUS=SUCCESS, the dialplan goes on), and STREAM FILE of a missing file (AGISTATUS=FAILURE)."""
    assert replayed("agi-errors-and-break", 0x18, time_scale=0.2) == 149
