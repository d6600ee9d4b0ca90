"""The callers waiting in one queue, as this project's queue-position.txt and queue-rejoin.txt recorded them (queue
`nobody`, whose one member rings and never answers; three callers, each `EXEC Queue nobody,c,,,6`, rejoining with
Queue's `position` argument).

A caller joins at the end of the line (`QueueCallerJoin` `Position` = `Count` = callers now waiting), or with the
9th argument `position` (this build has no `macro` argument, so it is the 9th) at that place, ahead of the caller
there (1: the head; queue-rejoin.txt: 2, and one past the end, which is the end), the others moving back by one
without any event. Only the caller at the head rings the member: at once when it joins there, else at
its next whole second since it joined (Queue checks its turn once a second), when the head before it has left; a
caller still ringing when another joins before it keeps ringing. When Queue times out the caller leaves from where
it is now: `QueueCallerAbandon` `Position` (now) and `OriginalPosition` (at joining), `QueueCallerLeave` `Position`
and `Count` (those left waiting), `QUEUEPOSITION` = that position (1 for the head, 2 for a caller pushed back by the
rejoin). `QUEUE_WAITING_COUNT(<queue>)` is the number waiting. The member's status is 2 while any caller rings it:
`QueueMemberStatus` only when that changes; each ring's start raises one `DeviceStateChange` INUSE of the member, each
ring's end two, `NOT_INUSE` when no ring is left, else `INUSE`. `Queue:<queue>` goes `RINGING` when a caller joins and
`NOT_INUSE` when the last one leaves (cached: raised only when it changes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ami_pbx import Pbx
    from ami_queue_call import QueueCall

RECHECK_S = 1.0  # a waiting caller checks whether it is its turn once a second from joining (queue-position.txt)


def line(pbx: Pbx, queue: str) -> list[QueueCall]:
    """The callers waiting in `queue`, head first."""
    return pbx.queue_lines.setdefault(queue, [])


def join(run: QueueCall, position: int | None) -> tuple[int, int]:
    """Put the caller in its queue's line (at its end, or at `position`); its position and the callers waiting."""
    waiting = line(run.call.pbx, run.queue)
    index = len(waiting) if position is None else min(position, len(waiting) + 1) - 1
    waiting.insert(index, run)
    return index + 1, len(waiting)


def position(run: QueueCall) -> int:
    """Where the caller is in its queue's line now (1: at the head)."""
    return line(run.call.pbx, run.queue).index(run) + 1


def leave(run: QueueCall) -> tuple[int, int]:
    """Take the caller out of its queue's line: where it was and how many are left waiting."""
    waiting = line(run.call.pbx, run.queue)
    where = waiting.index(run) + 1
    waiting.remove(run)
    return where, len(waiting)


def waiting_count(pbx: Pbx, queue: str) -> int:
    """`QUEUE_WAITING_COUNT(queue)`."""
    return len(line(pbx, queue))


def ring_started(pbx: Pbx, interface: str) -> bool:
    """Count one more caller ringing the member; whether it was idle before (its status changes to 2)."""
    pbx.member_rings[interface] = pbx.member_rings.get(interface, 0) + 1
    return pbx.member_rings[interface] == 1


def ring_ended(pbx: Pbx, interface: str) -> bool:
    """Count one caller less ringing the member; whether none is left (its status changes back to 1)."""
    pbx.member_rings[interface] = max(0, pbx.member_rings.get(interface, 0) - 1)
    return pbx.member_rings[interface] == 0
