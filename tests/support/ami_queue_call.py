"""One run of the Queue application for a caller: its place in the queue's line, the member's Local pair when it is
dialled, and the events of both, as the recordings named in `ami_queue` show them."""

from __future__ import annotations

import dataclasses
import uuid
from typing import TYPE_CHECKING

import ami_queue_line as queue_line
from ami_channels import Half
from ami_dialplan import MEMBER_QUEUES, QUEUES, agent_script
from ami_pbx import MemberStats

from callflow.runtime.asterisk.protocol import Message

if TYPE_CHECKING:
    from ami_call import Call

CID_PRES = ("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")


class QueueCall:
    """One run of the Queue application for the IVR channel of `call`."""

    m1: Half  # the member's Local pair, made when the member is dialled (`dial_member`)
    m2: Half

    def __init__(self, call: Call, queue: str, started: float) -> None:
        self.call, self.queue, self.started, self.emit = call, queue, started, call.emit
        self.ivr = call.two
        self.interface, self.member_name = QUEUES[queue]
        self.exten, _, self.context = self.interface.split("/", 1)[1].partition("@")
        self.script = agent_script(self.context, self.exten)
        self.stats = call.pbx.members.setdefault((queue, self.interface), MemberStats())
        self.bridge = str(uuid.uuid4())
        self.original = 0  # the caller's position when it joined
        self.dialled = False
        self.ringing = False  # counted in `Pbx.member_rings`

    def agent_event(self, name: str, dest: Half, *extra: tuple[str, str]) -> Message:
        pairs = [("Queue", self.queue), ("Interface", self.interface), ("MemberName", self.member_name)]
        return self.ivr.event(name, "agent", *dest.headers("Dest"), *pairs, *extra)

    def dial(self, name: str, *extra: tuple[str, str]) -> Message:
        return self.ivr.event(name, "call", *self.m1.headers("Dest"), *extra)

    def member_status(self, status: str) -> list[Message]:
        """`QueueMemberStatus` of the member to every queue it is in (`InCall` as the recordings mostly show it)."""
        out = []
        for queue in MEMBER_QUEUES[self.interface]:
            stats = self.call.pbx.members.setdefault((queue, self.interface), MemberStats())
            pairs = [
                ("Queue", queue), ("MemberName", self.member_name), ("Interface", self.interface),
                ("StateInterface", self.interface), ("Membership", "static"), ("Penalty", "0"),
                ("CallsTaken", str(stats.calls_taken)), ("LastCall", str(stats.last_call)), ("LastPause", "0"),
                ("LoginTime", str(self.call.pbx.started_epoch)), ("InCall", "0"), ("Status", status),
                ("Paused", "0"), ("PausedReason", ""), ("Ringinuse", "1"), ("Wrapuptime", "0"),
            ]  # fmt: skip
            out.append(Message([("Event", "QueueMemberStatus"), ("Privilege", "agent,all"), *pairs]))
        return out

    def member_busy(self) -> None:
        """The member's status 2 to each of its queues, and each queue's `_avail` device (raised when it changes)."""
        for event, queue in zip(self.member_status("2"), MEMBER_QUEUES[self.interface], strict=True):
            self.emit(event)
            self.call.pbx.cached_device(f"Queue:{queue}_avail", "NOT_INUSE")

    def bridge_event(self, name: str, channels: int, half: Half | None) -> Message:
        pairs = [
            ("BridgeUniqueid", self.bridge), ("BridgeType", "basic"), ("BridgeTechnology", "simple_bridge"),
            ("BridgeCreator", "<unknown>"), ("BridgeName", "<unknown>"), ("BridgeNumChannels", str(channels)),
            ("BridgeVideoSourceMode", "none"),
        ]  # fmt: skip
        return Message([("Event", name), ("Privilege", "call,all"), *pairs, *(half.headers() if half else [])])

    def enter(self, position: int | None) -> None:
        """The caller joins the queue's line (at its end, or at `position`) and hears hold music."""
        ivr, emit = self.ivr, self.emit
        for name in ("ANSWEREDTIME", "ANSWEREDTIME_MS", "DIALEDTIME", "DIALEDTIME_MS", "QUEUEWAIT", "QUEUEWAIT_MS"):
            emit(ivr.var(name, ""))
        if "ABANDONED" in ivr.variables:  # cleared when the caller rejoins after a timeout (queue-position.txt)
            emit(ivr.var("ABANDONED", ""))
            del ivr.variables["ABANDONED"]
        self.call.pbx.cached_device(f"Queue:{self.queue}", "RINGING")
        self.original, count = queue_line.join(self, position)
        where = [("Queue", self.queue), ("Position", str(self.original)), ("Count", str(count))]
        emit(ivr.event("QueueCallerJoin", "agent", *where))
        emit(ivr.event("MusicOnHoldStart", "call", ("Class", "default")))

    def dial_member(self, at: float) -> None:
        """The member is dialled at model time `at`: its Local pair (numbered then) and the recorded events."""
        call, ivr, emit, caller = self.call, self.ivr, self.emit, self.call.caller_id
        number = call.pbx.local_number()
        base = f"{self.interface}-{number:08x}"
        ids = call.pbx.uniqueid(number, 1), call.pbx.uniqueid(number, 2)
        linked = ivr.linkedid
        self.m1 = m1 = Half(f"{base};1", ids[0], linked, self.context, self.exten, 0, created_s=at)
        self.m2 = m2 = Half(f"{base};2", ids[1], linked, self.context, self.exten, 4, created_s=at)
        self.dialled = True
        call.pbx.extra_channels.update({m2.name: m2, m1.name: m1})
        emit(m1.event("Newchannel", "call"))
        emit(m2.event("Newchannel", "call"))
        m1.caller = caller
        emit(m1.newexten("AppQueue", "(Outgoing Line)"))
        emit(m1.event("NewCallerid", "call", CID_PRES))
        peer = f"{self.exten}@{self.context}"
        emit(m1.var("DIALEDPEERNUMBER", peer))
        emit(m2.var("DIALEDPEERNUMBER", peer))
        m2.caller = m2.connected = caller
        emit(m2.event("NewCallerid", "call", CID_PRES))
        emit(m2.event("NewConnectedLine", "call"))
        ends = [("Context", self.context), ("Exten", self.exten), ("LocalOptimization", "Yes")]
        emit(Message([("Event", "LocalBridge"), ("Privilege", "call,all"), *m1.headers("LocalOne"),
                      *m2.headers("LocalTwo"), *ends]))  # fmt: skip
        # Recorded: AgentCalled already shows the member's `;1` at `s` with its connected line (state unchanged).
        emit(self.agent_event("AgentCalled", dataclasses.replace(m1, exten=ivr.exten, connected=caller)))
        emit(self.dial("DialBegin", ("DialString", self.interface)))

    def ring_back(self, state: int) -> None:
        """The member's `;1` goes to `state` at the IVR's extension (`s` or the dialled number)."""
        m1 = self.m1
        m1.state, m1.exten, m1.connected = state, self.ivr.exten, self.call.caller_id
        self.emit(m1.event("Newstate", "call"))
        self.emit(m1.newexten("AppQueue", "(Outgoing Line)"))
        self.emit(m1.event("NewConnectedLine", "call"))

    def leave(self) -> None:
        """The caller leaves the line: `Queue:<queue>` idle if it was the last, QueueCallerLeave, QUEUEPOSITION."""
        where, count = queue_line.leave(self)
        if count == 0:
            self.call.pbx.cached_device(f"Queue:{self.queue}", "NOT_INUSE")
        pairs = [("Queue", self.queue), ("Position", str(where)), ("Count", str(count))]
        self.emit(self.ivr.event("QueueCallerLeave", "agent", *pairs))
        self.emit(self.ivr.var("QUEUEPOSITION", str(where)))

    def whole_seconds(self, name: str, seconds: float) -> None:
        """`NAME` and `NAME_MS` as app_queue sets QUEUEWAIT when a caller hangs up: differences of the clock's whole
        seconds (queue-waiting.txt: 4 and 4000 after 3.505 s, 5 and 5000 after 5.915 s); here the seconds rounded
        down, which the recordings meet within one second."""
        whole = int(seconds + 1e-6)
        self.emit(self.ivr.var(name, str(whole)))
        self.emit(self.ivr.var(f"{name}_MS", str(whole * 1000)))

    def hung_up_member(self) -> None:
        """The member's Local pair is gone (its ring timed out, or Queue ended): a next ring dials a new one."""
        for half in (self.m1, self.m2):
            self.call.pbx.extra_channels.pop(half.name, None)
        self.dialled = False

    def timing(self, *values: tuple[str, float]) -> None:
        """`NAME` (whole seconds) and `NAME_MS` of each (name, model seconds)."""
        for name, seconds in values:
            self.emit(self.ivr.var(name, str(int(seconds + 1e-6))))
            self.emit(self.ivr.var(f"{name}_MS", str(round(seconds * 1000))))
