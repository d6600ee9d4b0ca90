"""Callers waiting in one queue, QUEUEPOSITION after Queue's timeout and rejoining with Queue's `position` argument:
this project's queue-position.txt, replayed byte for byte."""

from __future__ import annotations

from ami_replay import Tolerance, replayed

# DIALEDTIME counts from the IVR channel's creation, which the replayed client's own pace moves (see test_ami_agents).
DIALED_MS = Tolerance("VarSet", "Value", r"(\d+)", 100, "DIALEDTIME_MS")
DIALED_S = Tolerance("VarSet", "Value", r"(\d+)", 1, "DIALEDTIME")
# Caller B's turn came 0.095 s (model time) after A left: the replayed client's pace moves B's join against A's, so
# the time scale keeps that margin well above a busy machine's delays.
# Asterisk had run queue `nobody` before this recording: its device states were cached as idle.
CACHED = {"Queue:nobody": "NOT_INUSE", "Queue:nobody_avail": "NOT_INUSE"}


def test_waiting_callers_positions_and_a_rejoin_at_the_head_are_replayed_byte_for_byte() -> None:
    """Three callers join `nobody` (its member never answers) two seconds apart with `EXEC Queue nobody,c,,,6`;
    only the head of the line rings the member. Each times out (`result=0`, TIMEOUT) with QUEUEPOSITION where it
    left from; the first rejoins with `position` 1 (the 9th argument) ahead of the two still waiting, who then
    leave from position 2; QUEUE_WAITING_COUNT counts those still waiting."""
    assert replayed("queue-position", 0x19EE, DIALED_MS, DIALED_S, time_scale=0.5, device_states=CACHED) > 0


def test_callers_rejoining_where_they_left_are_replayed_byte_for_byte() -> None:
    """The driver's way with position announcements: each caller reads QUEUE_WAITING_COUNT (0, 1, 2) and joins
    `nobody`; on each timeout it reads QUEUEPOSITION and rejoins there (A at 1; B, after a STREAM FILE, at 2 while
    C had moved up to 2, so C goes back to 3); C's rejoin at 5 with two waiting puts it at the end (3)."""
    assert replayed("queue-rejoin", 0, DIALED_MS, DIALED_S, time_scale=0.5) > 0


# QUEUEWAIT and HoldTime after a hang-up count the clock's whole seconds (4 after 3.505 s): the model rounds down.
WAIT_S = Tolerance("VarSet", "Value", r"(\d+)", 1, "QUEUEWAIT")
WAIT_MS = Tolerance("VarSet", "Value", r"(\d+)", 1000, "QUEUEWAIT_MS")
HOLD_S = Tolerance("QueueCallerAbandon", "HoldTime", r"(\d+)", 1)
# At a time scale of 0.2 each real millisecond of the replayed client's pace is 5 model ms of DIALEDTIME.
DIALED_MS_FAST = Tolerance("VarSet", "Value", r"(\d+)", 500, "DIALEDTIME_MS")
# The head (B) hung up 4 ms after the last caller's once-a-second check of its turn, so that caller rang a second
# later than it would have had the hang-up come 5 ms sooner: the replayed client's pace decides which check sees it.
RING_MS = Tolerance("AgentRingNoAnswer", "RingTime", r"(\d+)", 1000)


def test_a_long_ring_retried_and_callers_hanging_up_while_waiting_are_replayed_byte_for_byte() -> None:
    """One caller waits 40 s in `nobody`: the member rings 15 s (AgentRingNoAnswer, its Local pair clears), the
    queue waits its 2 s retry and rings a new pair, twice, until Queue's timeout cuts the third ring at 6 s. Then
    three callers wait; the middle one hangs up (`200 result=-1`, QueueCallerAbandon from 2, the last moves up with
    no event), then the head while ringing, and the last rings the member at its next whole second and times out
    from position 1 (OriginalPosition 3)."""
    tolerances = (DIALED_MS_FAST, DIALED_S, WAIT_S, WAIT_MS, HOLD_S, RING_MS)
    # at 0.2, the 40 s wait with no client action in it fits the replay's 10 s limit for answers to come
    assert replayed("queue-waiting", 0x1E, *tolerances, time_scale=0.2) > 0
