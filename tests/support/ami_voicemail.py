"""`EXEC VoiceMail 1000@default,su` and the mailbox it fills, as recorded in exec-voicemail.txt (README fact 36).

The caller's `#` ends the message; 0.959 s later (recorded) VoiceMail returns `200 result=0` after VarSet
VM_MESSAGEFILE, `MessageWaiting` (New = the mailbox's new messages), the `MWI:<mailbox>` device going INUSE (raised
when it changes) and VMSTATUS=SUCCESS. The greeting's length was not recorded (the caller sent 8 s of silence over
it), so `#` counts whenever it comes; other mailboxes and options, a caller hanging up in VoiceMail, or VoiceMail
ending by its `maxsecs` were not recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ami_commands import Reply, application, refuse
from ami_dialplan import MAILBOXES

if TYPE_CHECKING:
    from ami_call import Call

AFTER_POUND_S = 0.959  # from the caller's `#` (its DTMFEnd) to VM_MESSAGEFILE
# The message file as the recording machine named it (the lab's spool directory, as received).
MESSAGE_FILE = "/var/lib/asterisk-lab/install/var/spool/asterisk/voicemail/{context}/{box}/INBOX/msg{number:04d}"


@application("VoiceMail")
async def voicemail(call: Call, args: list[str], started: float) -> Reply | None:
    mailbox, _, options = args[0].partition(",") if len(args) == 1 else ("", "", "")
    if mailbox not in MAILBOXES or options != "su":
        return refuse(call)
    signal = await call.listen("#", None)
    assert signal is not None
    if signal[0] != "#":
        return refuse(call)
    await call.until(signal[1] + AFTER_POUND_S)
    box, _, context = mailbox.partition("@")
    number = call.pbx.new_messages.get(mailbox, 0)
    ivr = call.two
    call.emit(ivr.var("VM_MESSAGEFILE", MESSAGE_FILE.format(context=context, box=box, number=number)))
    call.pbx.new_messages[mailbox] = number + 1
    waiting = [("Mailbox", mailbox), ("Waiting", "1"), ("New", str(number + 1)), ("Old", "0")]
    call.emit(ivr.event("MessageWaiting", "call", *waiting))
    call.pbx.cached_device(f"MWI:{mailbox}", "INUSE")
    call.emit(ivr.var("VMSTATUS", "SUCCESS"))
    return Reply("200 result=0")
