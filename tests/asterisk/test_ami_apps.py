"""Queue and VoiceMail run through `EXEC`: the recorded client gets the bytes Asterisk sent."""

from __future__ import annotations

from ami_replay import Item, Tolerance, replayed

from callflow.runtime.asterisk.protocol import Message

# Milliseconds the Queue application measures from the IVR channel's creation, or from the member's answer, to its
# end: on the recording machine each step took a millisecond or two longer than the model's, and in the replay the
# time from the channel's creation includes the replayed client's own reaction times (scaled up by the time scale).
QUEUE_MS = [Tolerance("VarSet", "Value", r"(\d+)", 100, name) for name in ("ANSWEREDTIME_MS", "DIALEDTIME_MS")]


def device_state_before_next_originate(tag: str, items: list[Item]) -> list[Item]:
    """The recording shows the first call's last `Local/s@callflow NOT_INUSE` just after the Response to the next
    Originate: Asterisk raises device states from their own thread, and the harness sent that Originate as soon as
    it saw the Hangup. The model raises it with the hangup, so it is compared there."""
    index = next(i for i, m in enumerate(items) if isinstance(m, Message) and m.get("ActionID") == "originate-9")
    moved = items[index + 1]
    assert isinstance(moved, Message) and (moved.get("Device"), moved.get("State")) == ("Local/s@callflow", "NOT_INUSE")
    return [*items[:index], moved, items[index], *items[index + 2 :]]


def test_exec_queue_is_replayed_byte_for_byte() -> None:
    """A member that answers and hangs up (`result=-1`, QUEUESTATUS unset; with `c` `result=0`, CONTINUE), one that
    never answers (5 s timeout: `result=0`, TIMEOUT), with every queue, bridge and member event as recorded."""
    assert replayed("exec-queue", 0x0A, *QUEUE_MS, time_scale=0.1, reorder=device_state_before_next_originate) == 336


def test_exec_voicemail_is_replayed_byte_for_byte() -> None:
    """MailboxCount, VoiceMail ended by the caller's `#` (VMSTATUS=SUCCESS, MessageWaiting), MailboxCount after."""
    assert replayed("exec-voicemail", 0x1C, time_scale=0.1) == 69
