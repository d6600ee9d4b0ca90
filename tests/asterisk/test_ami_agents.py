"""Queue to the hotline's agent, Dial of an agent, and a caller hanging up in the middle of a command: this project's
recordings (`tests/asterisk/recordings/`), replayed byte for byte."""

from __future__ import annotations

from ami_replay import Item, Tolerance, replayed

from callflow.runtime.asterisk.protocol import Message

# Milliseconds measured from the IVR channel's creation or answer (see test_ami_apps.QUEUE_MS).
TIMES_MS = [
    Tolerance("VarSet", "Value", r"(\d+)", 100, name) for name in ("ANSWEREDTIME_MS", "DIALEDTIME_MS", "QUEUEWAIT_MS")
]
# The same in whole seconds, truncated: 997 ms was recorded as 0 s. QUEUEWAIT after a hang-up is a difference of
# the clock's whole seconds (2 after 2.0007 s here), which the model, truncating the time waited, meets within one.
TIMES_S = [Tolerance("VarSet", "Value", r"(\d+)", 1, name) for name in ("ANSWEREDTIME", "DIALEDTIME", "QUEUEWAIT")]
# Whole seconds of a 2.5 s talk: the recording shows 2 and 3 for the same agent script.
TALK_S = Tolerance("AgentComplete", "TalkTime", r"(\d+)", 1)
# A caller's hold time when it hung up, a difference of the clock's whole seconds like QUEUEWAIT.
HOLD_S = Tolerance("QueueCallerAbandon", "HoldTime", r"(\d+)", 1)
# A listed channel's age in whole seconds: the replay's own pace (scaled up by the time scale) may move it by one.
AGE_S = Tolerance("CoreShowChannel", "Duration", r"00:00:(\d\d)", 1)
# Where a prompt was cut by the hangup: the replayed client's own delay before its Hangup action (scaled up five
# times by the time scale) moves it; on a busy machine (CI) by up to a second of model time (8000 samples).
CUT_AT = Tolerance("AsyncAGIExec", "Result", r"200%20result%3D-1%20endpos%3D(\d+)%0A", 8000)
# How long a caller waited, rang or talked before the Hangup action cut it: paced by the replayed client as CUT_AT
# is, so a busy machine moves these by as much (seen with both CPUs loaded: QUEUEWAIT_MS 2,276 for the recorded
# 2,000, DIALEDTIME_MS 3,761 for 3,307).
CUT_TIMES_MS = [
    Tolerance("VarSet", "Value", r"(\d+)", 1000, name) for name in ("ANSWEREDTIME_MS", "DIALEDTIME_MS", "QUEUEWAIT_MS")
]


def test_exec_queue_hotline_is_replayed_byte_for_byte() -> None:
    """`EXEC Queue hotline,c,,,180` and `hotline-local` as the driver sends them: the member (in four queues)
    answers, waits 2 s and hangs up; `result=0`, QUEUESTATUS=CONTINUE; HANGUP then clears with cause 16."""
    assert replayed("exec-queue-hotline", 0, *TIMES_MS, TALK_S, time_scale=0.1) > 0


def test_exec_dial_of_an_agent_is_replayed_byte_for_byte() -> None:
    """`EXEC Dial Local/01012345@callflow-test-agents,60`: the agent answers, waits 2 s, hangs up: `result=-1`,
    the session goes on, DIALSTATUS=ANSWER."""
    assert replayed("exec-dial-agent", 4, *TIMES_MS, time_scale=0.1) > 0


# Recorded after exec-queue-hotline and exec-dial-agent in the same Asterisk process: the member had taken one call
# from each hotline queue, and Asterisk had cached the queues' device states.
AGENT = "Local/agent@callflow-test-agents"
CACHED = {
    **{f"Queue:{queue}_avail": "NOT_INUSE" for queue in ("clinic_desk", "hotline", "bank", "hotline-local")},
    "Queue:hotline": "NOT_INUSE",
    "Queue:hotline-local": "NOT_INUSE",
}


def test_the_ami_hangup_action_cuts_a_running_command_as_recorded() -> None:
    """The AMI `Hangup` action (no Cause) on `;1` while STREAM FILE (with and without escape digits), WAIT FOR
    DIGIT, RECORD FILE (under its beep and after it) and EXEC Queue (the agent talking; the member ringing) run:
    each command's recorded reply, then AsyncAGIEnd, AGISTATUS=HANGUP and both halves' hangups."""
    assert (
        replayed(
            "ami-hangup-mid-command",
            6,
            *CUT_TIMES_MS,
            *TIMES_MS,
            *TIMES_S,
            TALK_S,
            HOLD_S,
            CUT_AT,
            time_scale=0.2,
            calls_taken={("hotline", AGENT): 1, ("hotline-local", AGENT): 1},
            device_states=CACHED,
        )
        > 0
    )


def channels_by_name(tag: str, items: list[Item]) -> list[Item]:
    """Each recorded CoreShowChannels list in the model's order (by channel name): Asterisk lists channels in its
    hash container's order, which differed between the lists of one recording."""

    def listed(item: Item) -> bool:
        return isinstance(item, Message) and item.get("Event") == "CoreShowChannel"

    def name(item: Item) -> str:
        return item.get("Channel", "") if isinstance(item, Message) else ""

    out = list(items)
    index = 0
    while index < len(out):
        end = index
        while end < len(out) and listed(out[end]):
            end += 1
        out[index:end] = sorted(out[index:end], key=name)
        index = end + 1
    return out


def test_heartbeat_and_channel_list_work_in_the_middle_of_calls() -> None:
    """The driver's session (`Events: agi`): Setvar of CALLFLOW_HEARTBEAT and CoreShowChannels with no call, with the
    call idle, and during STREAM FILE, WAIT FOR DIGIT, RECORD FILE, EXEC Queue and EXEC Dial (their agents listed,
    with the bridge they share with the caller); only agi-class events arrive."""
    assert (
        replayed(
            "heartbeat-mid-call",
            0x11,
            *TIMES_MS,
            *TIMES_S,
            TALK_S,
            AGE_S,
            time_scale=0.2,
            reorder=channels_by_name,
            calls_taken={("hotline", AGENT): 2, ("hotline-local", AGENT): 1},
            device_states=CACHED,
        )
        > 0
    )


def test_timeout_absolute_is_replayed_byte_for_byte() -> None:
    """`SET VARIABLE TIMEOUT(absolute) 3` raises no VarSet; left alone, 3 s later AsyncAGIEnd, AGISTATUS=HANGUP and
    the `T` extension (NoOp, Playback(vm-goodbye), Hangup); refreshed every second, the call stays up."""
    assert replayed("timeout-absolute", 0x0B, time_scale=0.2) > 0
