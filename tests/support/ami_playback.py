"""AGI commands that play a prompt or read digits: STREAM FILE, CONTROL STREAM FILE, EXEC Playback, GET DATA and
WAIT FOR DIGIT, as recorded (README facts 27, 28; dtmf-bargein, get-data-multi-digit, playdtmf-from-ami).

A prompt cut by a digit reports the frames played including the one playing when the digit came (recorded
`endpos=12960` 1.602 s and 1.601 s into demo-congrats); cut by the caller's `Hangup()`, the whole frames played
(20000 at 2.500 s); cut by the AMI `Hangup` action on `;1`, like a digit (12160 1.5 s in, 160 at once:
ami-hangup-mid-command.txt, where WAIT FOR DIGIT cut by it answered `200 result=-1`, AGIExecEnd -1/Failure).
A digit reaches a command when its DTMFEnd does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ami_channels import HANGUP
from ami_commands import Reply, application, command, refuse, usage
from ami_sounds import FRAME_S, FRAME_SAMPLES

if TYPE_CHECKING:
    from ami_call import Call

ALL_DIGITS = "0123456789*#"


def frames_played(elapsed_s: float) -> int:
    """Whole 20 ms frames played in `elapsed_s` model seconds."""
    return int(elapsed_s / FRAME_S + 1e-6)


@command("STREAM FILE")
async def stream_file(call: Call, args: list[str], started: float) -> Reply | None:
    if not args:
        return usage("STREAM FILE")
    if len(args) != 2:
        return refuse(call)
    sound = call.pbx.sounds.find(args[0])
    if sound is None:  # the missing file ends the AsyncAGI session (fact 31), no PLAYBACKSTATUS (fact 27)
        return Reply("200 result=-1 endpos=0", "-1", "Failure", then="failure")
    signal = await call.listen(args[1], started + sound.length_s)
    two = call.two
    if signal is None:
        if sound.endpos is None:  # how long it is to the end was never recorded
            return refuse(call)
        call.emit(two.var("PLAYBACKSTATUS", "SUCCESS"))
        return Reply(f"200 result=0 endpos={sound.endpos}")
    digit, at = signal
    frames = frames_played(at - started)
    call.emit(two.var("PLAYBACKSTATUS", "FAILED"))
    if digit == HANGUP:
        frames += call.caller_cause == "0"  # the AMI Hangup action: counted like a digit
        return Reply(f"200 result=-1 endpos={FRAME_SAMPLES * frames}", "-1", "Failure")
    return Reply(f"200 result={ord(digit)} endpos={FRAME_SAMPLES * (frames + 1)}")


@command("CONTROL STREAM FILE")
async def control_stream_file(call: Call, args: list[str], started: float) -> Reply | None:
    """Recorded played to the end only: `result=0 endpos=-1` after CPLAYBACKSTATUS/CPLAYBACKOFFSET."""
    sound = call.pbx.sounds.find(args[0]) if args else None
    if sound is None or not 2 <= len(args) <= 6:
        return refuse(call)
    if await call.listen("".join(args[1:2] + args[3:6]), started + sound.length_s) is not None:
        return refuse(call)
    call.emit(call.two.var("CPLAYBACKSTATUS", "SUCCESS"))
    call.emit(call.two.var("CPLAYBACKOFFSET", "-1"))
    return Reply("200 result=0 endpos=-1")


@application("Playback")
async def playback(call: Call, args: list[str], started: float) -> Reply | None:
    """`EXEC Playback <sound>`: plays it out, `PLAYBACKSTATUS=SUCCESS`, `200 result=0`."""
    sound = call.pbx.sounds.find(args[0]) if len(args) == 1 and "," not in args[0] else None
    if sound is None:
        return refuse(call)
    await call.until(started + sound.length_s)
    call.emit(call.two.var("PLAYBACKSTATUS", "SUCCESS"))
    return Reply("200 result=0")


@command("WAIT FOR DIGIT")
async def wait_for_digit(call: Call, args: list[str], started: float) -> Reply | None:
    if not args:
        return usage("WAIT FOR DIGIT")
    if len(args) != 1 or not args[0].lstrip("-").isdigit():
        return refuse(call)
    timeout_ms = int(args[0])
    # The recorded usage text: -1 blocks indefinitely.
    signal = await call.listen(ALL_DIGITS, None if timeout_ms == -1 else started + timeout_ms / 1000)
    if signal is not None and signal[0] == HANGUP:
        return Reply("200 result=-1", "-1", "Failure")
    return Reply(f"200 result={ord(signal[0]) if signal else 0}")


@command("GET DATA")
async def get_data(call: Call, args: list[str], started: float) -> Reply | None:
    """The prompt plays, then digits until `#`, `maxdigits`, or `timeout` ms without one (fact 28)."""
    sound = call.pbx.sounds.find(args[0]) if len(args) == 3 and args[1].isdigit() and args[2].isdigit() else None
    if sound is None:
        return refuse(call)
    timeout_s, max_digits = int(args[1]) / 1000, int(args[2])
    if await call.listen(ALL_DIGITS, started + sound.length_s) is not None:  # keyed during the prompt: unrecorded
        return refuse(call)
    digits = ""
    deadline = started + sound.length_s + timeout_s
    while True:
        signal = await call.listen(ALL_DIGITS, deadline)
        if signal is None:
            return Reply(f"200 result={digits} (timeout)")
        digit, at = signal
        if digit in (HANGUP, "*") or (digit == "#" and not digits):
            return refuse(call)
        if digit == "#":
            return Reply(f"200 result={digits}")
        digits += digit
        if len(digits) >= max_digits:
            return Reply(f"200 result={digits}")
        deadline = at + timeout_s
