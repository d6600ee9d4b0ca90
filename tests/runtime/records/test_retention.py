"""Each tenant's retention applied on a schedule (what `callflow serve` runs), on a virtual clock: a due prune
removes exactly the records and audio older than each tenant's retention, keeps the rest and the newer audio, and
a tenant without a retention keeps everything."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from record_calls import record_hand_calls

from callflow.runtime.call_record import CallOrigin
from callflow.runtime.service.records import RecordBook
from callflow.runtime.service.retention import Retention, RetentionWorker, check_schedule, prune_lock
from callflow.runtime.store import call_reads
from callflow.runtime.store.pruning import last_run

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """A moment in Shanghai (the tenants' time zone here)."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def message(book: RecordBook, tenant: str, time: str, name: str) -> None:
    """A voicemail message with an audio file, left by call `name` at `time` (Shanghai)."""
    audio = book.data.parent / "asterisk" / f"{name}.wav"
    audio.parent.mkdir(exist_ok=True)
    audio.write_bytes(b"RIFF" + name.encode() * 50)
    row = {"mailbox": "mayor", "caller": "13800000000", "time": f"{time}+08:00", "seconds": 4.0,
           "language": "zh-CN", "file": str(audio), "call_id": name}  # fmt: skip
    book.voicemail(CallOrigin(tenant, "hotline_12345", 1, "live"), row)


@pytest.fixture
def book(tmp_path: Path) -> Iterator[RecordBook]:
    """Two tenants with the nine hand-worked calls each (Monday 2026-11-23 and Tuesday 2026-11-24), and messages
    with audio: `default`'s on Monday and on Thursday 11-26, `clinic`'s on Monday. `default` keeps its records 3
    days, `clinic` for ever."""
    records = RecordBook(tmp_path / "data")
    for tenant in ("default", "clinic"):
        record_hand_calls(records, tenant=tenant)
    message(records, "default", "2026-11-23T09:00:00", "old-default")
    message(records, "default", "2026-11-26T09:00:00", "new-default")
    message(records, "clinic", "2026-11-23T09:00:00", "old-clinic")
    assert records.flush(60)
    call_reads.set_retention(records.connection(), "default", 3)
    yield records
    records.close()


def calls_per_day(book: RecordBook, tenant: str) -> dict[str, int]:
    rows = book.connection().execute("SELECT day, count(*) FROM calls WHERE tenant = ? GROUP BY day", (tenant,))
    return dict(rows.fetchall())


def messages_of(book: RecordBook, tenant: str) -> list[tuple[str, str | None]]:
    return sorted((m.day, m.call_id) for m in book.inbox.messages(tenant))


def audio_files(book: RecordBook) -> list[str]:
    return sorted(path.name for path in (book.data / "voicemail").rglob("*.wav"))


def test_a_due_prune_removes_exactly_what_each_tenants_retention_no_longer_covers(
    book: RecordBook, caplog: pytest.LogCaptureFixture
) -> None:
    """At the start (Friday 2026-11-27, 03:30 in Shanghai), 3 days kept: `default`'s Monday is removed (its four
    calls with their rows and tallies, D's message and the Monday message with its audio); its Tuesday and the
    Thursday message and audio stay; `clinic`, with no retention, keeps everything, its Monday audio too."""
    before_files = audio_files(book)
    assert len(before_files) == 3
    retention = Retention(book, lambda tenant: "Asia/Shanghai", batch=2, pause=lambda: None)
    with caplog.at_level(logging.INFO, logger="callflow.runtime.service.retention"):
        (run,) = retention.run_due(at("2026-11-27T03:30"))
    assert (run.tenant, run.before, run.calls, run.messages, run.files) == ("default", "2026-11-24", 4, 2, 1)
    assert calls_per_day(book, "default") == {"2026-11-24": 5}
    assert calls_per_day(book, "clinic") == {"2026-11-23": 4, "2026-11-24": 5}
    assert [day for day, _ in messages_of(book, "default")] == ["2026-11-24", "2026-11-26"]
    assert ("2026-11-26", "new-default") in messages_of(book, "default")
    clinic = messages_of(book, "clinic")
    assert len(clinic) == 3 and ("2026-11-23", "old-clinic") in clinic
    assert audio_files(book) == [f for f in before_files if "old-default" not in f]
    assert len(audio_files(book)) == 2
    connection = book.connection()
    days = {r[0] for r in connection.execute("SELECT day FROM tallies WHERE tenant = 'default'")}
    assert days == {"2026-11-24"}
    orphans = connection.execute(
        "SELECT count(*) FROM call_events WHERE call NOT IN (SELECT id FROM calls)"
    ).fetchone()[0]
    assert orphans == 0
    clinic_monday = connection.execute(
        "SELECT count(*) FROM tallies WHERE tenant = 'clinic' AND day = '2026-11-23'"
    ).fetchone()[0]
    assert clinic_monday > 0
    assert last_run(connection, "default") == run and last_run(connection, "clinic") is None
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "records of tenant default before 2026-11-24 pruned: 4 call(s), 2 voicemail message(s), 1 audio file(s)"
    ]


def test_after_the_start_a_tenant_is_pruned_at_the_schedules_time_in_its_time_zone(book: RecordBook) -> None:
    """Started Wednesday 11-26 at noon (Shanghai) keeping 3 days: nothing is old yet. The next prune is due on
    Thursday at 03:30 Shanghai time (19:30 UTC the day before); at 03:29 nothing runs, at 03:30 Monday goes."""
    retention = Retention(book, lambda tenant: "Asia/Shanghai", pause=lambda: None)
    (started,) = retention.run_due(at("2026-11-26T12:00"))
    assert (started.before, started.calls) == ("2026-11-23", 0)
    due = retention.next_due()
    assert due == at("2026-11-27T03:30") and due is not None and due.utcoffset() == timedelta(hours=8)
    assert retention.run_due(at("2026-11-27T03:29")) == []
    assert calls_per_day(book, "default") == {"2026-11-23": 4, "2026-11-24": 5}
    (run,) = retention.run_due(at("2026-11-27T03:30"))
    assert (run.before, run.calls) == ("2026-11-24", 4)
    assert retention.next_due() == at("2026-11-28T03:30")


def test_the_scheduler_sleeps_until_each_due_time_on_a_virtual_clock(book: RecordBook) -> None:
    """The worker's loop on a virtual clock from Wednesday 11-25 22:00: a prune at the start, then it sleeps until
    03:30 (5.5 hours, in hourly naps at most) and prunes, day after day: on Friday Monday's calls are gone, on
    Saturday Tuesday's too (3 days kept)."""
    clock = [at("2026-11-25T22:00")]
    naps: list[float] = []
    seen: dict[str, dict[str, int]] = {}

    def wait(stop: threading.Event, seconds: float) -> bool:
        seen[clock[0].isoformat()] = calls_per_day(book, "default")  # after what ran at this time
        naps.append(seconds)
        clock[0] += timedelta(seconds=seconds)
        return clock[0] >= at("2026-11-28T04:00")

    retention = Retention(book, lambda tenant: "Asia/Shanghai")
    RetentionWorker(retention, now=lambda: clock[0], wait=wait).run()
    assert naps[:6] == [3600.0] * 5 + [1800.0]  # 22:00 to 03:30
    assert seen["2026-11-26T03:30:00+08:00"] == {"2026-11-23": 4, "2026-11-24": 5}  # before 11-23: nothing
    assert seen["2026-11-27T03:30:00+08:00"] == {"2026-11-24": 5}
    assert seen["2026-11-28T03:30:00+08:00"] == {}
    assert calls_per_day(book, "clinic") == {"2026-11-23": 4, "2026-11-24": 5}
    last = last_run(book.connection(), "default")
    assert last is not None and (last.at, last.before) == ("2026-11-27T19:30:00+00:00", "2026-11-25")


def test_only_one_process_prunes_a_data_folder_at_a_time(book: RecordBook) -> None:
    """While another holds the folder's prune lock, a due prune removes nothing and waits for its next time."""
    retention = Retention(book, lambda tenant: "Asia/Shanghai", pause=lambda: None)
    with prune_lock(book.data, wait=False) as held:
        assert held
        assert retention.run_due(at("2026-11-27T03:30")) == []
    assert calls_per_day(book, "default") == {"2026-11-23": 4, "2026-11-24": 5}
    assert retention.next_due() == at("2026-11-28T03:30")
    assert [r.calls for r in retention.run_due(at("2026-11-28T03:30"))] == [9]


def test_a_tenant_given_a_retention_later_is_pruned_at_the_next_time_not_at_once(book: RecordBook) -> None:
    """`clinic` gets 2 days while the schedule runs: nothing is removed at once; at its next 03:30 its old calls
    go. A tenant whose retention is taken away keeps everything."""
    retention = Retention(book, lambda tenant: "Asia/Shanghai", pause=lambda: None)
    retention.run_due(at("2026-11-26T12:00"))
    call_reads.set_retention(book.connection(), "clinic", 2)
    call_reads.set_retention(book.connection(), "default", None)
    assert retention.run_due(at("2026-11-26T13:00")) == []
    assert retention.next_for("clinic") == at("2026-11-27T03:30") and retention.next_for("default") is None
    (run,) = retention.run_due(at("2026-11-27T03:30"))
    assert (run.tenant, run.calls) == ("clinic", 9)
    assert calls_per_day(book, "default") == {"2026-11-23": 4, "2026-11-24": 5}


def test_a_schedule_that_is_not_a_cron_expression_is_refused() -> None:
    """`--prune-at` takes five cron fields; anything else says what it wants."""
    assert check_schedule("0 4 * * 1") == "0 4 * * 1"
    for bad in ("daily", "30 3 * *", "61 3 * * *"):
        with pytest.raises(ValueError, match="not a cron expression"):
            check_schedule(bad)


def test_a_prune_that_fails_is_logged_and_tried_again_at_the_next_time_not_at_once(
    book: RecordBook, caplog: pytest.LogCaptureFixture
) -> None:
    """A prune that fails midway (here: the disk gives out after the first batch) is logged; the worker sleeps
    until the schedule's next time rather than retrying at once, and then prunes what is old by then."""
    clock = [at("2026-11-27T03:30")]
    naps: list[float] = []
    failures = [1]

    def pause() -> None:
        if failures:
            failures.pop()
            raise OSError("disk I/O error")

    def wait(stop: threading.Event, seconds: float) -> bool:
        naps.append(seconds)
        clock[0] += timedelta(seconds=seconds)
        return clock[0] > at("2026-11-28T03:30")

    retention = Retention(book, lambda tenant: "Asia/Shanghai", batch=2, pause=pause)
    with caplog.at_level(logging.ERROR, logger="callflow.runtime.service.retention"):
        RetentionWorker(retention, now=lambda: clock[0], wait=wait).run()
    assert [r.getMessage() for r in caplog.records] == ["records: the scheduled prune failed"]
    assert naps[:24] == [3600.0] * 24 and len(naps) == 25  # no retry at once; the next 03:30, a day later
    last = last_run(book.connection(), "default")  # Monday's calls and, 3 days kept, now Tuesday's too
    assert last is not None and (last.at, last.before, last.calls) == ("2026-11-27T19:30:00+00:00", "2026-11-25", 9)
    assert calls_per_day(book, "default") == {} and len(calls_per_day(book, "clinic")) == 2
