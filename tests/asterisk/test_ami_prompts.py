"""Prompts and digits over AsyncAGI: the AMI test server answers recorded clients with the bytes Asterisk sent."""

from __future__ import annotations

from ami_replay import Tolerance, replayed

# A prompt cut by a digit reports the 20 ms frames played; 1.602 s after the prompt started on the recording
# machine, where each step of the caller's script took a millisecond or two longer than the model's, so the model's
# count may be one frame short of the recorded `endpos=12960` (and with PlayDTMF the digit comes when the replayed
# client sends it).
CUT_ENDPOS = Tolerance("AsyncAGIExec", "Result", r"200%20result%3D(?:49|50)%20endpos%3D(\d+)%0A", 160)


def test_dtmf_bargein_is_replayed_byte_for_byte() -> None:
    """STREAM FILE cut by the caller's `1` (`result=49 endpos=12960`, PLAYBACKSTATUS=FAILED); CONTROL STREAM FILE
    played to the end (`result=0 endpos=-1` after CPLAYBACKSTATUS and CPLAYBACKOFFSET)."""
    assert replayed("dtmf-bargein", 1, CUT_ENDPOS, time_scale=0.3) == 60


def test_get_data_is_replayed_byte_for_byte() -> None:
    """GET DATA ended by `#`, by its timeout with no digit and after some, and by maxdigits, the digits keyed later
    read by WAIT FOR DIGIT."""
    assert replayed("get-data-multi-digit", 2, time_scale=0.1) == 176


def test_a_digit_pressed_between_commands_is_lost() -> None:
    """DTMFBegin/DTMFEnd of a digit pressed while no command runs, then WAIT FOR DIGIT times out (`result=0`)."""
    assert replayed("dtmf-lost-between-commands", 0x1B, time_scale=0.1) == 53


def test_playdtmf_from_ami_is_replayed_byte_for_byte() -> None:
    """The live caller (`caller-live,idle`): PlayDTMF on `;1` cuts STREAM FILE and is read by WAIT FOR DIGIT;
    PlayDTMF on a missing channel is `Channel not found`; the AMI Hangup action on `;1` ends both halves."""
    assert replayed("playdtmf-from-ami", 1, CUT_ENDPOS) == 55


def test_a_session_with_an_agi_and_call_event_mask_is_replayed() -> None:
    """Login with `Events: agi,call`: a whole press1 menu call shows only agi- and call-class events."""
    assert replayed("event-mask-agi-only", 0x1D, time_scale=0.3) == 44


def test_keys_that_are_not_escape_digits_are_lost_during_a_prompt() -> None:
    """A key pressed during STREAM FILE without escape digits, or not among them: DTMFBegin/DTMFEnd, the prompt
    plays on (tt-weasels to its end, `endpos=23608`; tt-monkeys until a key among them cuts it) and a WAIT FOR
    DIGIT after it gets nothing."""
    assert replayed("stream-key-not-escape", 0x23, CUT_ENDPOS) > 0
