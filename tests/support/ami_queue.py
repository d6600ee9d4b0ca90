"""`EXEC Queue <queue>,<options>,,,<timeout>` as recorded in exec-queue.txt (README facts 34, 35) and in this
project's exec-queue-hotline.txt, ami-hangup-mid-command.txt, queue-position.txt, queue-rejoin.txt and
queue-waiting.txt.

The queues and their one member each come from queues.conf, the member's behaviour from its `[queue-agents]` extension:
a member whose extension starts with `Answer()` (agent1) answers at once (Answer waits 0.5 s for audio), then runs the
rest of its extension (Playback, Wait) and hangs up: `200 result=-1` (`Unknown Result`), QUEUESTATUS left unset, or with
option `c` `200 result=0` and QUEUESTATUS=CONTINUE; once a member answered, the IVR's later HANGUP clears with cause 16.
A member that starts with `Ringing()` (noanswer) rings until the Queue's timeout: `200 result=0`, QUEUESTATUS=TIMEOUT.
`hotline` and `hotline-local` (this project's recordings) have one member, `Local/agent@callflow-test-agents` (Answer,
Wait(2), Hangup), which is in four queues: each of its status changes is reported to all four. The caller hanging up
(the AMI `Hangup` action on `;1`) was recorded while that member talked (option `c`: `200 result=0`,
QUEUESTATUS=CONTINUE, the `;2` half then clears with cause 16) and while the `noanswer` member rang (`200 result=-1`,
ABANDONED, cause 0). Several callers waiting in `nobody` (queue-position.txt, queue-rejoin.txt), Queue's `position`
argument (9th: 1, 2 and one past the end recorded) and QUEUEPOSITION are in `ami_queue_line`; the run itself in
`ami_queue_call`. The events between are the recorded ones, in the recorded order;
`ANSWEREDTIME`/`DIALEDTIME`/`QUEUEWAIT` (and their `_MS`), `TalkTime`, `HoldTime` and `RingTime` are computed from model
time. A member ringing longer than its ring timeout (15 s) stops and rings again (a new Local pair) after queues.conf's
`retry` (2 s), and callers hanging up while others wait (not ringing, or at the head ringing with callers behind) are
in queue-waiting.txt. Other options, a hangup between two rings, or a hangup without option `c` while a member talks
were not recorded. (A hangup within the 2 ms it took Asterisk to
dial and bridge the hotline member was seen once: the model's member answers in the instant the caller joins, so a
hangup always finds it talking.)"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import ami_queue_line as queue_line
from ami_channels import ANSWER_S, device_state
from ami_commands import Reply, application, refuse
from ami_dialplan import QUEUES
from ami_queue_call import QueueCall
from ami_sounds import SAMPLE_RATE_HZ

from callflow.runtime.asterisk.protocol import Message

if TYPE_CHECKING:
    from ami_call import Call

MEMBER_RING_TIMEOUT_S = 15  # queues.conf `timeout`
MEMBER_RETRY_S = 2  # queues.conf `retry`: the wait before the member rings again (queue-waiting.txt)


@application("Queue")
async def queue(call: Call, args: list[str], started: float) -> Reply | None:
    parts = args[0].split(",") if len(args) == 1 else []
    if len(parts) not in (5, 9) or parts[0] not in QUEUES or parts[1] not in ("", "c") or parts[2:4] != ["", ""]:
        return refuse(call)
    # The 9th argument is `position` (this build has no `macro`): 1, 2 and one past the end were recorded.
    position = parts[8] if len(parts) == 9 else None
    if not parts[4].isdigit() or (position is not None and (parts[5:8] != ["", "", ""] or not _positive(position))):
        return refuse(call)
    run = QueueCall(call, parts[0], started)
    first = run.script.steps[0].app if run.script else ""
    timeout_s = int(parts[4])
    if first not in ("Answer", "Ringing"):
        return refuse(call)
    if first == "Answer" and queue_line.waiting_count(call.pbx, run.queue) != 0:
        return refuse(call)  # an answering member with others waiting was not recorded
    run.enter(None if position is None else int(position))
    try:
        if first == "Answer":
            run.dial_member(started)
            return await _answered(run, continue_after=parts[1] == "c")
        return await _unanswered(run, timeout_s)
    finally:
        if run in queue_line.line(call.pbx, run.queue):  # a refused run: out of the line without events
            queue_line.leave(run)
        if run.ringing:
            queue_line.ring_ended(call.pbx, run.interface)
        if run.dialled:
            run.hung_up_member()
        call.two.bridge = ""


def _positive(text: str) -> bool:
    return text.isdigit() and int(text) > 0


async def _answered(run: QueueCall, *, continue_after: bool) -> Reply | None:
    call, ivr, m1, m2, emit = run.call, run.ivr, run.m1, run.m2, run.emit
    emit(m2.newexten("Answer", ""))
    m2.state = 6
    emit(m2.event("Newstate", "call"))
    run.ring_back(6)
    emit(run.dial("DialEnd", ("DialStatus", "ANSWER")))
    emit(ivr.event("MusicOnHoldStop", "call"))
    emit(device_state(run.interface, "INUSE"))
    emit(device_state(run.interface, "INUSE"))
    run.member_busy()
    run.leave()
    emit(ivr.var("QUEUEWAIT", "0"))
    emit(ivr.var("QUEUEWAIT_MS", "0"))
    emit(run.agent_event("AgentConnect", m1, ("HoldTime", "0"), ("RingTime", "0")))
    emit(run.bridge_event("BridgeCreate", 0, None))
    ivr.bridge = m1.bridge = run.bridge
    emit(run.bridge_event("BridgeEnter", 1, m1))
    emit(run.bridge_event("BridgeEnter", 2, ivr))
    emit(m1.var("BRIDGEPEER", ivr.name))
    emit(ivr.var("BRIDGEPEER", m1.name))
    call.hangup_cause = "16"
    answered = run.started
    at = answered + ANSWER_S
    assert run.script is not None
    for priority, step in enumerate(run.script.steps[1:], 2):
        if await call.listen("", at) is not None:
            return _caller_left(run, answered, continue_after=continue_after)
        m2.priority = priority
        emit(m2.newexten(step.app, step.data))
        if step.app == "Playback":
            sound = call.pbx.sounds.find(step.data)
            if sound is None or sound.frames is None:
                return refuse(call)
            at += sound.samples / SAMPLE_RATE_HZ
            if await call.listen("", at) is not None:
                return refuse(call)  # the caller hanging up while the member's prompt played was not recorded
            emit(m2.var("PLAYBACKSTATUS", "SUCCESS"))
        elif step.app == "Wait":
            at += float(step.data)
        elif step.app == "Hangup":
            break
        else:
            return refuse(call)
    else:
        return refuse(call)
    emit(m2.event("SoftHangupRequest", "call", ("Cause", "16")))
    emit(m1.event("HangupRequest", "call", ("Cause", "16")))
    emit(m2.event("Hangup", "call", ("Cause", "16"), ("Cause-txt", "Normal Clearing")))
    talk = [("HoldTime", "0"), ("TalkTime", str(int(at - answered + 0.5))), ("Reason", "agent")]
    emit(run.agent_event("AgentComplete", m1, *talk))
    emit(m1.var("BRIDGEPEER", ""))
    emit(ivr.var("BRIDGEPEER", ""))
    emit(run.bridge_event("BridgeLeave", 1, m1))
    emit(m1.event("Hangup", "call", ("Cause", "16"), ("Cause-txt", "Normal Clearing")))
    emit(run.bridge_event("BridgeLeave", 0, ivr))
    run.timing(("ANSWEREDTIME", at - answered), ("DIALEDTIME", at - ivr.created_s))
    run.stats.calls_taken += 1
    run.stats.last_call = int(time.time())
    after = (run.bridge_event("BridgeDestroy", 0, None), device_state(run.interface, "NOT_INUSE"),
             device_state(run.interface, "NOT_INUSE"), *run.member_status("1"))  # fmt: skip
    if continue_after:
        emit(ivr.var("QUEUESTATUS", "CONTINUE"))
        return Reply("200 result=0", after=after)
    return Reply("200 result=-1", word="Unknown Result", after=after)


async def _unanswered(run: QueueCall, timeout_s: int) -> Reply | None:
    """The member never answers: the caller rings it at the head of the line (`ami_queue_line`) for its ring timeout
    (15 s), then again after the retry (2 s; queue-waiting.txt), until Queue's timeout: `200 result=0`,
    QUEUESTATUS=TIMEOUT. A caller hanging up while it waits (`_hung_up_waiting`) or rings (`_abandoned`) ends it."""
    call = run.call
    deadline = run.started + timeout_s
    at = run.started
    after: tuple[Message, ...] = ()
    while at < deadline:
        while at < deadline and queue_line.position(run) != 1:
            at = min(at + queue_line.RECHECK_S, deadline)
            if (signal := await call.listen("", at)) is not None:
                return _hung_up_waiting(run, signal[1])
        if at >= deadline:
            break
        run.dial_member(at)
        _ring(run)
        rang_until = min(deadline, at + MEMBER_RING_TIMEOUT_S)
        if (signal := await call.listen("", rang_until)) is not None:
            return _abandoned(run, signal[1])
        if rang_until >= deadline:
            after = _ring_timed_out(run, deadline - at)
            break
        for event in _ring_timed_out(run, MEMBER_RING_TIMEOUT_S):  # the retry's wait begins in the same instant
            run.emit(event)
        run.hung_up_member()
        at = min(rang_until + MEMBER_RETRY_S, deadline)
        if await call.listen("", at) is not None:
            return refuse(call)  # a caller hanging up between two rings was not recorded
    ivr, emit = run.ivr, run.emit
    emit(ivr.var("ABANDONED", "TRUE"))
    abandon = [("Queue", run.queue), ("Position", str(queue_line.position(run))),
               ("OriginalPosition", str(run.original)), ("HoldTime", str(timeout_s))]  # fmt: skip
    emit(ivr.event("QueueCallerAbandon", "agent", *abandon))
    run.timing(("QUEUEWAIT", float(timeout_s)), ("DIALEDTIME", deadline - ivr.created_s), ("ANSWEREDTIME", 0.0))
    emit(ivr.event("MusicOnHoldStop", "call"))
    run.leave()
    emit(ivr.var("QUEUESTATUS", "TIMEOUT"))
    return Reply("200 result=0", after=after)


def _hung_up_waiting(run: QueueCall, at: float) -> Reply:
    """The caller hung up while others were ahead of it, not ringing (queue-waiting.txt, C): hold music stops, the
    times are set (QUEUEWAIT in whole seconds of the clock), it leaves the line: `200 result=-1`."""
    ivr, emit = run.ivr, run.emit
    emit(ivr.event("MusicOnHoldStop", "call"))
    run.timing(("DIALEDTIME", at - ivr.created_s), ("ANSWEREDTIME", 0.0))
    run.whole_seconds("QUEUEWAIT", at - run.started)
    emit(ivr.var("ABANDONED", "TRUE"))
    emit(ivr.event("QueueCallerAbandon", "agent", *_abandon_headers(run, at)))
    run.leave()
    return Reply("200 result=-1", word="Unknown Result")


def _abandon_headers(run: QueueCall, at: float) -> list[tuple[str, str]]:
    waited = str(int(at - run.started + 1e-6))
    return [("Queue", run.queue), ("Position", str(queue_line.position(run))),
            ("OriginalPosition", str(run.original)), ("HoldTime", waited)]  # fmt: skip


def _ring(run: QueueCall) -> None:
    """The member's `Ringing()` and `Wait`; its status goes to 2 if no other caller rang it."""
    m2, emit = run.m2, run.emit
    emit(m2.newexten("Ringing", ""))
    run.ring_back(5)
    m2.priority = 2
    assert run.script is not None
    wait = run.script.steps[1]
    emit(m2.newexten(wait.app, wait.data))
    emit(run.dial("DialState", ("DialStatus", "RINGING")))
    emit(device_state(run.interface, "INUSE"))
    run.ringing = True
    if queue_line.ring_started(run.call.pbx, run.interface):
        run.member_busy()


def _ring_timed_out(run: QueueCall, rang_s: float) -> tuple[Message, ...]:
    """Queue's timeout ends the ring after `rang_s`: the member's Local pair clears; the events raised after the
    reply (the member's device state, and its status 1 if no other caller rings it)."""
    m1, m2, emit = run.m1, run.m2, run.emit
    emit(run.agent_event("AgentRingNoAnswer", m1, ("RingTime", str(round(rang_s * 1000)))))
    emit(run.dial("DialEnd", ("DialStatus", "NOANSWER")))
    emit(run.dial("DialEnd", ("DialStatus", "CANCEL")))
    emit(m2.event("HangupRequest", "call", ("Cause", "0")))
    emit(m1.event("Hangup", "call", ("Cause", "0"), ("Cause-txt", "Unknown")))
    emit(m2.event("SoftHangupRequest", "call", ("Cause", "16")))
    emit(m2.event("Hangup", "call", ("Cause", "0"), ("Cause-txt", "Unknown")))
    run.ringing = False
    idle = queue_line.ring_ended(run.call.pbx, run.interface)
    state = "NOT_INUSE" if idle else "INUSE"
    return (device_state(run.interface, state), device_state(run.interface, state),
            *(run.member_status("1") if idle else ()))  # fmt: skip


def _caller_left(run: QueueCall, answered: float, *, continue_after: bool) -> Reply | None:
    """The caller hung up while the member talked (ami-hangup-mid-command, G): the bridge breaks, Queue returns
    (`c`: `result=0`, CONTINUE) and the member's Local pair clears with cause 16."""
    if not continue_after:
        return refuse(run.call)
    call, ivr, m1, m2, emit = run.call, run.ivr, run.m1, run.m2, run.emit
    at = call.logical
    emit(ivr.var("BRIDGEPEER", ""))
    emit(m1.var("BRIDGEPEER", ""))
    emit(run.bridge_event("BridgeLeave", 1, ivr))
    run.timing(("ANSWEREDTIME", at - answered), ("DIALEDTIME", at - ivr.created_s))
    emit(ivr.var("QUEUESTATUS", "CONTINUE"))
    run.stats.calls_taken += 1
    run.stats.last_call = int(time.time())
    # Recorded after the caller's channel was gone, so without its headers (another recording of the same case had
    # it right after the hangup, with them: a race inside Asterisk; this is the recording the replay test uses).
    talk = [("HoldTime", "0"), ("TalkTime", str(int(at - answered + 0.5))), ("Reason", "caller")]
    pairs = [("Queue", run.queue), ("Interface", run.interface), ("MemberName", run.member_name)]
    complete = Message([("Event", "AgentComplete"), ("Privilege", "agent,all"), *m1.headers("Dest"), *pairs, *talk])
    after = (
        complete, run.bridge_event("BridgeLeave", 0, m1), run.bridge_event("BridgeDestroy", 0, None),
        m2.event("HangupRequest", "call", ("Cause", "16")),
        m1.event("Hangup", "call", ("Cause", "16"), ("Cause-txt", "Normal Clearing")),
        device_state(run.interface, "NOT_INUSE"), *run.member_status("1"),
        m2.event("SoftHangupRequest", "call", ("Cause", "16")),
        m2.event("Hangup", "call", ("Cause", "16"), ("Cause-txt", "Normal Clearing")),
        device_state(run.interface, "NOT_INUSE"),
    )  # fmt: skip
    return Reply("200 result=0", after=after)


def _abandoned(run: QueueCall, at: float) -> Reply | None:
    """The caller hung up while the member rang (ami-hangup-mid-command, H, alone; queue-waiting.txt, B, with a caller
    behind it, who rings the member at its next whole second): `200 result=-1`, ABANDONED."""
    call, ivr, m1, m2, emit = run.call, run.ivr, run.m1, run.m2, run.emit
    emit(ivr.event("MusicOnHoldStop", "call"))
    emit(run.dial("DialEnd", ("DialStatus", "CANCEL")))
    emit(run.dial("DialEnd", ("DialStatus", "CANCEL")))
    emit(m2.event("HangupRequest", "call", ("Cause", "0")))
    emit(m1.event("Hangup", "call", ("Cause", "0"), ("Cause-txt", "Unknown")))
    run.timing(("DIALEDTIME", at - ivr.created_s), ("ANSWEREDTIME", 0.0))
    run.whole_seconds("QUEUEWAIT", at - run.started)
    emit(ivr.var("ABANDONED", "TRUE"))
    emit(ivr.event("QueueCallerAbandon", "agent", *_abandon_headers(run, at)))
    run.leave()
    run.ringing = False
    queue_line.ring_ended(call.pbx, run.interface)
    after = (
        m2.event("SoftHangupRequest", "call", ("Cause", "16")),
        m2.event("Hangup", "call", ("Cause", "0"), ("Cause-txt", "Unknown")),
        device_state(run.interface, "NOT_INUSE"), *run.member_status("1"), device_state(run.interface, "NOT_INUSE"),
    )  # fmt: skip
    return Reply("200 result=-1", word="Unknown Result", after=after)
