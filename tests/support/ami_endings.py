"""How a call ends, each way as recorded: the IVR's HANGUP, the caller hanging up, ASYNCAGI BREAK or a failing command
(the dialplan goes on), the AMI `Hangup` action (on an idle call, or on `;1` while STREAM FILE, WAIT FOR DIGIT,
RECORD FILE or EXEC Queue runs: this project's ami-hangup-mid-command.txt), and an IVR that never answers (README
facts 17, 31, 38; playdtmf-from-ami). The order is the one of one recorded call (others are replayed with
`ami_events.Hints`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ami_channels import HANGUP, Half, device_state
from ami_local import originate_response

if TYPE_CHECKING:
    from ami_call import Call

CAUSE_TEXT = {"0": "Unknown", "16": "Normal Clearing"}
# The commands the AMI `Hangup` action on `;1` was recorded cutting (ami-hangup-mid-command.txt).
CUT_BY_AMI_HANGUP = ("STREAM FILE", "WAIT FOR DIGIT", "RECORD FILE", "EXEC QUEUE")


def device_left(call: Call) -> None:
    """The call's Local device after both halves went: two `DeviceStateChange`s, `INUSE` while another call to the
    same device is up (queue-position.txt), else `NOT_INUSE`."""
    others = any(other.device == call.device for other, _ in call.pbx.channels.values())
    state = "INUSE" if others else "NOT_INUSE"
    call.emit(device_state(call.device, state))
    call.emit(device_state(call.device, state))


def caller_hangs_up(call: Call, at: float) -> None:
    """The caller's `Hangup()`: the `;1` half goes, the `;2` half is asked to (caller-hangup-mid-prompt)."""
    one, two = call.one, call.two
    call.emit(one.event("SoftHangupRequest", "call", ("Cause", "16")))
    call.emit(two.event("HangupRequest", "call", ("Cause", "16")))
    call.emit(one.event("Hangup", "call", ("Cause", "16"), ("Cause-txt", "Normal Clearing")))
    call.gone(one)
    for segment in call.audio:
        segment.end = at if segment.end is None else segment.end
    if call.running is not None:
        call.deliver(HANGUP, at)
    else:
        call.pbx.refuse("caller hangup while no AGI command runs")
        after_caller_hangup(call)


def after_caller_hangup(call: Call) -> None:
    """The `;2` half follows the caller: AsyncAGIEnd, AGISTATUS=HANGUP, its hangup with cause 16 (after the caller's
    `Hangup()`, or once a queue member talked to it), or 0 (after the AMI `Hangup` action)."""
    two = call.two
    cause = "16" if call.hangup_cause == "16" else call.caller_cause
    call.end_agi("HANGUP")
    call.emit(two.event("SoftHangupRequest", "call", ("Cause", "16")))
    call.emit(two.event("Hangup", "call", ("Cause", cause), ("Cause-txt", CAUSE_TEXT[cause])))
    call.gone(two)
    device_left(call)
    call.drop_queued()


def _hangup_pair(call: Call, cause: str) -> None:
    """Both halves go after the AsyncAGI session ended: the recorded order for HANGUP (fact 31)."""
    one, two, emit = call.one, call.two, call.emit
    text = CAUSE_TEXT[cause]
    emit(two.event("SoftHangupRequest", "call", ("Cause", "16")))
    if call.dialled:  # recorded after an EXEC Dial only (exec-dial-agent)
        emit(one.var("CHANLOCALSTATUS", "ANSWER"))
    emit(one.event("HangupRequest", "call", ("Cause", cause)))
    emit(two.event("Hangup", "call", ("Cause", cause), ("Cause-txt", text)))
    call.gone(two)
    if call.caller.playing:  # the caller's Playback ends with the call (record-file, exec-voicemail)
        emit(one.var("PLAYBACKSTATUS", "SUCCESS"))
    emit(one.event("SoftHangupRequest", "call", ("Cause", "16")))
    emit(one.event("Hangup", "call", ("Cause", cause), ("Cause-txt", text)))
    call.gone(one)
    device_left(call)
    call.drop_queued()


def ivr_hangs_up(call: Call) -> None:
    """After the AGI `HANGUP` command (fact 31)."""
    call.end_agi("HANGUP")
    _hangup_pair(call, call.hangup_cause)


def dialplan_goes_on(call: Call, status: str) -> None:
    """ASYNCAGI BREAK or a failing command: `[callflow]` priorities 3 and 4 run (fact 31)."""
    two = call.two
    call.end_agi(status)
    two.priority = 3
    call.emit(two.newexten("NoOp", f"AsyncAGI over: AGISTATUS={status}"))
    two.priority = 4
    call.emit(two.newexten("Hangup", ""))
    _hangup_pair(call, "16")


def ami_hangup_recorded(call: Call, half: Half, cause: str | None) -> bool:
    """Whether the AMI `Hangup` action was recorded like this: on the idle `;2` half with `Cause: 16`
    (ami-drop-during-asyncagi), or on the `;1` half without a cause, idle (playdtmf-from-ami) or while one of
    `CUT_BY_AMI_HANGUP` runs (ami-hangup-mid-command)."""
    if not call.in_agi or call.stopped:
        return False
    if call.running is None:
        return (half is call.two and cause == "16") or (half is call.one and cause is None)
    return half is call.one and cause is None and call.running.text.upper().startswith(CUT_BY_AMI_HANGUP)


def ami_hangs_up(call: Call, half: Half) -> None:
    """The AMI `Hangup` action (after `ami_hangup_recorded`)."""
    one, two = call.one, call.two
    if half is two:
        call.end_agi("HANGUP")
        _hangup_pair(call, "16")
        return
    call.emit(one.event("SoftHangupRequest", "call", ("Cause", "16")))
    call.emit(two.event("HangupRequest", "call", ("Cause", "0")))
    call.emit(one.event("Hangup", "call", ("Cause", "0"), ("Cause-txt", "Unknown")))
    call.gone(one)
    if call.running is not None:  # the command ends with the hangup; `after_caller_hangup` follows its reply
        call.caller_cause = "0"
        call.deliver(HANGUP, call.clock.now())
        return
    call.end_agi("HANGUP")
    call.emit(two.event("SoftHangupRequest", "call", ("Cause", "16")))
    call.emit(two.event("Hangup", "call", ("Cause", "0"), ("Cause-txt", "Unknown")))
    call.gone(two)
    device_left(call)
    call.drop_queued()


async def no_answer(call: Call, deadline: float) -> None:
    """The Originate's `Timeout` passes without ANSWER (fact 17)."""
    await call.clock.until(deadline)
    if call.answered or call.stopped or not call.in_agi:
        return
    one, two, emit = call.one, call.two, call.emit
    emit(two.event("HangupRequest", "call", ("Cause", "19")))
    emit(one.event("Hangup", "call", ("Cause", "19"), ("Cause-txt", "User alerting, no answer")))
    call.gone(one)
    uniqueid = call.request.get("ChannelId", "<unknown>")  # fact 15
    emit(originate_response(call.request, call.caller_id, "Failure", call.request["Channel"], "3", uniqueid))
    call.end_agi("HANGUP")
    emit(two.event("SoftHangupRequest", "call", ("Cause", "16")))
    emit(two.event("Hangup", "call", ("Cause", "19"), ("Cause-txt", "User alerting, no answer")))
    call.gone(two)
    device_left(call)
    call.drop_queued()
