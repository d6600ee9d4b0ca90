"""`QueueSchedule`: how long each EXEC Queue stretch runs, and what the caller hears between stretches."""

from __future__ import annotations

import math

from callflow.runtime.asterisk.queue_schedule import LONGEST_STRETCH_S, QueueSchedule
from callflow.runtime.types import Audio, QueueRequest


def request(
    *, announce: bool = True, every_s: float = 30, offer_after_s: float | None = None, max_wait_s: float | None = None
) -> QueueRequest:
    return QueueRequest(
        queue="hotline",
        announce=(lambda ahead: Audio(text=str(ahead))) if announce else None,
        announce_every_s=every_s,
        music=None,
        offer=(lambda: Audio(text="offer")) if offer_after_s is not None else None,
        offer_after_s=offer_after_s,
        offer_key="1",
        max_wait_s=max_wait_s,
    )


def test_stretches_end_at_each_announcement_counting_the_time_spent_hearing_it() -> None:
    """Entry announcement (3.2 s), then Queue for the rest of the 30 s, whole seconds rounded up; the next one 30 s
    after the last moment, not after the last stretch's end."""
    schedule = QueueSchedule.of(request())
    schedule.announced(ahead=3)
    schedule.passed(3.2)
    assert schedule.stretch_s() == 27
    schedule.passed(27)
    assert schedule.announces() and not schedule.gives_up()
    schedule.announced(ahead=2)
    schedule.passed(3.0)
    assert schedule.stretch_s() == 27  # 60 - 33.2, rounded up
    assert not schedule.announces()


def test_nobody_ahead_ends_the_announcements() -> None:
    """At the head of the line the caller is next: the stretch runs to the offer, or the longest stretch."""
    schedule = QueueSchedule.of(request(offer_after_s=180))
    schedule.announced(ahead=0)
    assert schedule.next_announcement == math.inf
    assert schedule.stretch_s() == 180
    schedule.passed(180)
    assert schedule.offers() and not schedule.offers()  # once
    assert schedule.stretch_s() == LONGEST_STRETCH_S


def test_the_wait_ends_at_max_wait_even_between_announcements() -> None:
    schedule = QueueSchedule.of(request(every_s=30, max_wait_s=45))
    schedule.announced(ahead=4)
    schedule.passed(30)
    schedule.announced(ahead=3)
    assert schedule.stretch_s() == 15
    schedule.passed(14.9)
    assert not schedule.gives_up()
    schedule.passed(0.1)
    assert schedule.gives_up()


def test_a_long_announcement_skips_moments_already_past() -> None:
    """An announcement or offer that outlasts the interval does not queue up a backlog of announcements."""
    schedule = QueueSchedule.of(request(every_s=10))
    schedule.announced(ahead=2)
    schedule.passed(25)
    schedule.announced(ahead=1)
    assert schedule.next_announcement == 30
    assert schedule.stretch_s() == 5


def test_no_announcements_without_a_position_prompt() -> None:
    schedule = QueueSchedule.of(request(announce=False, max_wait_s=600))
    assert not schedule.announces()
    assert schedule.stretch_s() == 600
    schedule.passed(0.4)
    assert schedule.stretch_s() == 600  # 599.6 rounded up: Queue takes whole seconds
