"""`SET VARIABLE TIMEOUT(absolute) <seconds>` inside AsyncAGI, as recorded in this project's timeout-absolute.txt.

Setting it raises no VarSet. If it is neither set again nor lifted (`0`) within that many model seconds of the
command, the AsyncAGI session ends while the channel is idle: AsyncAGIEnd, AGISTATUS=HANGUP, and the dialplan runs
`[callflow]`'s `T` extension (the lab dialplan's `NoOp(absolute timeout)`, `Playback(vm-goodbye)`, `Hangup()`),
which hangs both halves up with cause 16. The timeout firing while an AGI command runs was not recorded: refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ami_channels import device_state
from ami_sounds import PROMPT_SAMPLES, SAMPLE_RATE_HZ

if TYPE_CHECKING:
    from ami_call import Call

T_EXTENSION = (("NoOp", "absolute timeout"), ("Playback", "vm-goodbye"), ("Hangup", ""))
GOODBYE_S = PROMPT_SAMPLES["vm-goodbye"] / SAMPLE_RATE_HZ


def arm(call: Call, seconds: int, at: float) -> None:
    """Set (or with 0 lift) the call's absolute timeout at model time `at`."""
    call.absolute_timeout += 1
    if seconds > 0:
        call.task(_fire(call, call.absolute_timeout, at + seconds))


async def _fire(call: Call, generation: int, deadline: float) -> None:
    await call.clock.until(deadline)
    if generation != call.absolute_timeout or not call.in_agi or call.stopped:
        return
    if call.running is not None:
        call.stop_model(f"TIMEOUT(absolute) fired during {call.running.text}")
        return
    one, two, emit = call.one, call.two, call.emit
    call.end_agi("HANGUP")
    two.exten = "T"
    for priority, (app, data) in enumerate(T_EXTENSION, 1):
        two.priority = priority
        emit(two.newexten(app, data))
        if app == "Playback":
            await call.clock.until(deadline + GOODBYE_S)
            emit(two.var("PLAYBACKSTATUS", "SUCCESS"))
    emit(two.event("SoftHangupRequest", "call", ("Cause", "16")))
    emit(one.event("HangupRequest", "call", ("Cause", "16")))
    emit(one.event("SoftHangupRequest", "call", ("Cause", "16")))
    emit(one.event("Hangup", "call", ("Cause", "16"), ("Cause-txt", "Normal Clearing")))
    call.gone(one)
    emit(device_state(call.device, "NOT_INUSE"))
    emit(two.event("Hangup", "call", ("Cause", "16"), ("Cause-txt", "Normal Clearing")))
    call.gone(two)
    emit(device_state(call.device, "NOT_INUSE"))
    call.drop_queued()
