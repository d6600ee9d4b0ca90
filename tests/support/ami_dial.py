"""`EXEC Dial Local/<exten>@<context>,<ring s>` of an agent who answers, as recorded in this project's
exec-dial-agent.txt (`Local/01012345@callflow-test-agents,60`: Answer, Wait(2), Hangup).

The agent's Local pair is made and answers in the instant Dial starts (Answer then waits 0.5 s for audio, as in a
Queue); the two are bridged while the agent's extension runs; when it hangs up, Dial returns `200 result=-1`
(`Unknown Result`), the AsyncAGI session goes on and DIALSTATUS is ANSWER. ANSWEREDTIME counts from the IVR's own
ANSWER, DIALEDTIME from its creation. A busy or unanswered target (exec-dial.txt) and the caller hanging up during
Dial are not modelled: refused.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from ami_channels import ANSWER_S, Half, device_state
from ami_commands import Reply, application, refuse
from ami_dialplan import agent_script

from callflow.runtime.asterisk.protocol import Message

if TYPE_CHECKING:
    from ami_call import Call

CID_PRES = ("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")
CLEARED = ("DIALSTATUS", "DIALEDPEERNUMBER", "DIALEDPEERNAME", "ANSWEREDTIME", "ANSWEREDTIME_MS", "DIALEDTIME",
           "DIALEDTIME_MS", "RINGTIME", "RINGTIME_MS", "PROGRESSTIME", "PROGRESSTIME_MS")  # fmt: skip


def _bridge(name: str, bridge: str, channels: int, half: Half | None) -> Message:
    pairs = [
        ("BridgeUniqueid", bridge), ("BridgeType", "basic"), ("BridgeTechnology", "simple_bridge"),
        ("BridgeCreator", "<unknown>"), ("BridgeName", "<unknown>"), ("BridgeNumChannels", str(channels)),
        ("BridgeVideoSourceMode", "none"),
    ]  # fmt: skip
    return Message([("Event", name), ("Privilege", "call,all"), *pairs, *(half.headers() if half else [])])


@application("Dial")
async def dial(call: Call, args: list[str], started: float) -> Reply | None:
    target, _, ring = args[0].rpartition(",") if len(args) == 1 else ("", "", "")
    tech, _, rest = target.partition("/")
    exten, _, context = rest.partition("@")
    script = agent_script(context, exten) if tech == "Local" else None
    if script is None or not ring.isdigit() or [s.app for s in script.steps[:1]] != ["Answer"]:
        return refuse(call)
    ivr, emit, caller = call.two, call.emit, call.caller_id
    for name in CLEARED:
        emit(ivr.var(name, ""))
    number = call.pbx.local_number()
    base = f"{target}-{number:08x}"
    a1 = Half(f"{base};1", call.pbx.uniqueid(number, 1), ivr.linkedid, context, exten, 0, created_s=started)
    a2 = Half(f"{base};2", call.pbx.uniqueid(number, 2), ivr.linkedid, context, exten, 4, created_s=started)
    peer = f"{exten}@{context}"
    emit(a1.event("Newchannel", "call"))
    emit(a2.event("Newchannel", "call"))
    emit(a1.var("DIALEDPEERNUMBER", peer))
    # Recorded: the agent's `;1` shows the IVR's extension as its own and as its caller number.
    a1.exten, a1.caller, a1.connected = ivr.exten, (ivr.exten, caller[1]), caller
    emit(a1.newexten("AppDial", "(Outgoing Line)"))
    emit(a1.event("NewCallerid", "call", CID_PRES))
    emit(a1.event("NewConnectedLine", "call"))
    emit(a2.var("DIALEDPEERNUMBER", peer))
    a2.caller, a2.connected = caller, (ivr.exten, caller[1])
    emit(a2.event("NewCallerid", "call", CID_PRES))
    emit(a2.event("NewConnectedLine", "call"))
    ends = [("Context", context), ("Exten", exten), ("LocalOptimization", "Yes")]
    emit(Message([("Event", "LocalBridge"), ("Privilege", "call,all"), *a1.headers("LocalOne"),
                  *a2.headers("LocalTwo"), *ends]))  # fmt: skip
    emit(ivr.event("DialBegin", "call", *a1.headers("Dest"), ("DialString", peer)))
    emit(a2.newexten("Answer", ""))
    a2.state = a1.state = 6
    emit(a2.event("Newstate", "call"))
    emit(a1.event("Newstate", "call"))
    emit(ivr.var("DIALSTATUS", "ANSWER"))
    emit(ivr.var("DIALEDPEERNAME", a1.name))
    emit(ivr.var("DIALEDPEERNUMBER", peer))
    a1.exten = ""  # recorded: empty from DialEnd on
    emit(ivr.event("DialEnd", "call", *a1.headers("Dest"), ("DialStatus", "ANSWER")))
    bridge = str(uuid.uuid4())
    emit(_bridge("BridgeCreate", bridge, 0, None))
    emit(a1.newexten("AppDial", "(Outgoing Line)"))
    emit(_bridge("BridgeEnter", bridge, 1, a1))
    emit(_bridge("BridgeEnter", bridge, 2, ivr))
    emit(a1.var("BRIDGEPEER", ivr.name))
    emit(ivr.var("BRIDGEPEER", a1.name))
    emit(device_state(target, "INUSE"))
    emit(device_state(target, "INUSE"))
    ivr.bridge = a1.bridge = bridge
    call.pbx.extra_channels.update({a1.name: a1, a2.name: a2})
    at = started + ANSWER_S
    for priority, step in enumerate(script.steps[1:], 2):
        if await call.listen("", at) is not None:
            return refuse(call)  # the caller hanging up during Dial was not recorded
        a2.priority = priority
        emit(a2.newexten(step.app, step.data))
        if step.app == "Wait":
            at += float(step.data)
        elif step.app != "Hangup":
            return refuse(call)
        else:
            break
    else:
        return refuse(call)
    call.dialled = True
    call.hangup_cause = "16"  # as after a Queue member answered: the IVR's HANGUP then clears with cause 16
    emit(a2.event("SoftHangupRequest", "call", ("Cause", "16")))
    emit(a1.event("HangupRequest", "call", ("Cause", "16")))
    emit(a1.var("BRIDGEPEER", ""))
    emit(ivr.var("BRIDGEPEER", ""))
    emit(_bridge("BridgeLeave", bridge, 1, a1))
    emit(_bridge("BridgeLeave", bridge, 0, ivr))
    emit(a2.event("Hangup", "call", ("Cause", "16"), ("Cause-txt", "Normal Clearing")))
    emit(_bridge("BridgeDestroy", bridge, 0, None))
    ivr.bridge = a1.bridge = ""
    for name, seconds in (("ANSWEREDTIME", at - call.answered_s), ("DIALEDTIME", at - ivr.created_s)):
        emit(ivr.var(name, str(int(seconds + 1e-6))))
        emit(ivr.var(f"{name}_MS", str(round(seconds * 1000))))
    emit(ivr.var("DIALSTATUS", "ANSWER"))
    for half in (a1, a2):
        call.pbx.extra_channels.pop(half.name, None)
    after = (a1.event("Hangup", "call", ("Cause", "16"), ("Cause-txt", "Normal Clearing")),
             device_state(target, "NOT_INUSE"), device_state(target, "NOT_INUSE"))  # fmt: skip
    return Reply("200 result=-1", word="Unknown Result", after=after)
