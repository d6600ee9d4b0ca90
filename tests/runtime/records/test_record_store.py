"""The records' file: nothing finished is lost to a crash, a call cut short keeps its events, writes replayed from
the spool are not doubled, old records are pruned with their audio."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from record_calls import CALLS, record_hand_calls

from callflow.runtime.call_record import CallOrigin
from callflow.runtime.context import Call
from callflow.runtime.recorder import CallLog, NullRecorder
from callflow.runtime.service.records import RecordBook
from callflow.runtime.store import call_reads, pruning
from callflow.runtime.store.call_records import apply_call
from callflow.runtime.store.pruning import prune_before
from callflow.runtime.store.recordings import name_folder, named_folders
from callflow.runtime.store.records_db import connect, integrity

SUPPORT = Path(__file__).resolve().parents[2] / "support"
ORIGIN = CallOrigin("default", "hotline_12345", 1, "live")


def hand_records() -> list[dict[str, Any]]:
    recorder = NullRecorder()
    record_hand_calls(recorder)
    return recorder.ended


def test_kill_9_while_writing_loses_no_committed_call_and_keeps_the_unfinished_one(tmp_path: Path) -> None:
    """A writer killed with SIGKILL mid-stream: every call it reported committed is there, the call it left
    running is there unfinished with its events so far, and SQLite's integrity check says ok."""
    folder = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SUPPORT), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, str(SUPPORT / "records_writer.py"), str(folder)]
    committed: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as child:
        assert child.stdout is not None
        try:
            for line in child.stdout:
                committed.append(line.strip())
                if len(committed) > 300:
                    break
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
    connection = connect(folder / "records.db")
    try:
        assert integrity(connection) == "ok"
        stored = {row[0] for row in connection.execute("SELECT call_id FROM calls")}
        assert len(committed) > 300 and set(committed) <= stored
        cut = call_reads.call(connection, "default", "unfinished-call")
        assert cut["finished"] == 0 and cut["outcome"] == "unfinished" and len(cut["events"]) == 5
        assert call_reads.call(connection, "default", "call-1")["finished"] == 1
    finally:
        connection.close()


def test_a_live_call_hands_over_its_events_while_it_runs(tmp_path: Path) -> None:
    """A CallLog hands the events over at the start and then once `every_s` has passed (a fake clock here); its
    end replaces the parts with the whole record."""
    now = [0.0]
    recorder = NullRecorder()
    call = Call("c1", "13800000000", "12345", datetime(2026, 11, 23, 2, 0, tzinfo=UTC), "zh-CN")
    log = CallLog(recorder, ORIGIN, call, every_s=1.0, monotonic=lambda: now[0])
    log.sink({"t": 0.0, "event": "start", "node": None})
    log.sink({"t": 0.2, "event": "prompt", "node": "greet"})
    assert [(part, len(events)) for _record, part, events in recorder.progress] == [(0, 1)]
    now[0] = 1.5
    log.sink({"t": 1.5, "event": "prompt", "node": "main_menu"})
    assert [(part, len(events)) for _record, part, events in recorder.progress] == [(0, 1), (1, 2)]
    assert recorder.progress[-1][0]["outcome"] == "unfinished"
    log.sink({"t": 2.0, "event": "end", "node": "main_menu", "reason": "hangup", "by": "caller"})
    log.end()
    (ended,) = recorder.ended
    assert ended["finished"] == 1 and ended["outcome"] == "abandoned" and len(ended["events"]) == 4


def test_a_live_call_waiting_without_events_hands_them_over_on_a_timer() -> None:
    """A caller who joins a queue and waits: no event follows the join, so the CallLog's timer (scheduled for
    `every_s` after the last hand-over) hands it over; an event meanwhile or the end cancels the timer."""
    now = [0.0]
    timers: list[tuple[float, Any]] = []
    cancelled: list[int] = []

    class Timer:
        def __init__(self, number: int) -> None:
            self.number = number

        def cancel(self) -> None:
            cancelled.append(self.number)

    def later(delay: float, callback: Any) -> Timer:
        timers.append((delay, callback))
        return Timer(len(timers))

    recorder = NullRecorder()
    call = Call("c2", "13800000000", "12345", datetime(2026, 11, 23, 2, 0, tzinfo=UTC), "zh-CN")
    log = CallLog(recorder, ORIGIN, call, every_s=1.0, monotonic=lambda: now[0], later=later)
    log.sink({"t": 0.0, "event": "start", "node": None})
    now[0] = 0.25
    log.sink({"t": 0.25, "event": "queue", "node": "wait", "queue": "hotline", "action": "join"})
    assert [delay for delay, _ in timers] == [0.75] and len(recorder.progress) == 1
    now[0] = 1.0
    timers[0][1]()  # a second after the start: the join is handed over with nothing after it
    assert [(part, [e["event"] for e in events]) for _, part, events in recorder.progress] == [
        (0, ["start"]),
        (1, ["queue"]),
    ]
    now[0] = 1.5
    log.sink({"t": 1.5, "event": "prompt", "node": "wait"})
    assert len(timers) == 2
    log.end()
    assert cancelled == [2] and len(recorder.ended) == 1


def test_a_finished_call_replaced_its_unfinished_parts_and_counts_once(tmp_path: Path) -> None:
    """Progress parts, then the whole record, then the same record again (a spool replayed after a crash): one
    row, one part, tallies counted once."""
    record = {**hand_records()[0], "call_id": "again"}
    events = record.pop("events")
    connection = connect(tmp_path / "records.db")
    from callflow.runtime.store.call_records import apply_progress

    running = {**record, "finished": 0, "outcome": "unfinished"}
    apply_progress(connection, {"record": running, "part": 0, "events": events[:3]}, False)
    apply_progress(connection, {"record": running, "part": 1, "events": events[3:6]}, False)
    assert len(call_reads.call(connection, "default", "again")["events"]) == 6
    apply_call(connection, {**record, "events": events}, False)
    apply_call(connection, {**record, "events": events}, True)
    assert connection.execute("SELECT count(*) FROM calls").fetchone()[0] == 1
    assert connection.execute("SELECT count(*) FROM call_events").fetchone()[0] == 1
    calls = connection.execute("SELECT sum(n) FROM tallies WHERE kind = 'call'").fetchone()[0]
    assert calls == 1
    assert len(call_reads.call(connection, "default", "again")["events"]) == len(events)
    connection.close()


def test_pruning_removes_old_calls_with_their_rows_tallies_and_messages(tmp_path: Path) -> None:
    """A prune before Tuesday 2026-11-24, three at a time, removes Monday's four calls (A to D), D's message and
    Monday's tallies; Tuesday's five calls stay."""
    book = RecordBook(tmp_path)
    try:
        record_hand_calls(book)
        assert book.flush(60)
        connection = book.connection()
        pruned = prune_before(connection, book.data, "2026-11-24", batch=3, pause=lambda: None)
        assert (pruned.calls, pruned.messages, pruned.files) == (4, 1, 0)  # a simulated message has no audio
        assert connection.execute("SELECT count(*) FROM calls").fetchone()[0] == len(CALLS) - 4
        assert connection.execute("SELECT count(*) FROM tallies WHERE day < '2026-11-24'").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM queue_waits").fetchone()[0] == 1  # H's
        assert [m.caller for m in book.inbox.messages("default")] == ["13800000005"]
    finally:
        book.close()


@pytest.mark.parametrize("calls_per_pass", [pruning.RECORDINGS_PASS, 2])
def test_pruning_removes_the_pruned_calls_recordings_from_the_live_runtimes_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, calls_per_pass: int
) -> None:
    """With a recordings folder named (as `callflow run --data` names its own), a prune removes the recordings of
    the calls it removes (`<call id>-<n>.wav`) and keeps those of the calls kept and every file not named so; the
    same when a long backlog is looked for in several passes over the folder."""
    monkeypatch.setattr(pruning, "RECORDINGS_PASS", calls_per_pass)
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    book = RecordBook(tmp_path / "data")
    try:
        record_hand_calls(book)
        assert book.flush(60)
        connection = book.connection()
        name_folder(connection, recordings)
        name_folder(connection, recordings)  # a second start of the runtime names it once
        assert named_folders(connection) == [recordings.resolve()]
        days = dict(connection.execute("SELECT call_id, day FROM calls").fetchall())
        for call_id in days:
            for n in (1, 2):
                (recordings / f"{call_id}-{n}.wav").write_bytes(b"RIFF")
        others = ["prompt.wav", "notes-1.txt", "no-number-x.wav"]
        for name in others:
            (recordings / name).write_bytes(b"RIFF")
        pruned = prune_before(connection, book.data, "2026-11-24", batch=3, pause=lambda: None)
        assert (pruned.calls, pruned.files) == (4, 8), pruned  # Monday's four calls, two recordings each
        kept = sorted(f"{call_id}-{n}.wav" for call_id, day in days.items() if day >= "2026-11-24" for n in (1, 2))
        assert sorted(f.name for f in recordings.iterdir()) == sorted(kept + others)
    finally:
        book.close()


def test_a_voicemail_audio_file_is_copied_whole_before_its_row_points_at_it(tmp_path: Path) -> None:
    """A message recorded to a file: the inbox's row names a copy inside the data folder with the same bytes."""
    recording = tmp_path / "asterisk" / "msg.wav"
    recording.parent.mkdir()
    recording.write_bytes(b"RIFF" + bytes(range(256)) * 40)
    book = RecordBook(tmp_path / "data")
    try:
        message = {"mailbox": "mayor", "caller": "13800000000", "time": "2026-11-23T10:00:00+08:00",
                   "seconds": 3.5, "language": "zh-CN", "file": str(recording), "call_id": "c9"}  # fmt: skip
        book.voicemail(ORIGIN, message)
        assert book.flush(30)
        (kept,) = book.inbox.messages("default")
        assert kept.file is not None and not Path(kept.file).is_absolute()
        assert book.audio_path(kept.file).read_bytes() == recording.read_bytes()
        assert (kept.day, kept.state, kept.seconds) == ("2026-11-23", "unread", 3.5)
    finally:
        book.close()


def test_the_inbox_lists_messages_newest_first_by_when_they_were_left(tmp_path: Path) -> None:
    """Messages written out of order (a spool replayed after a crash writes an older message after a newer one)
    are listed by their time, the newest first, in every mailbox and in one."""
    book = RecordBook(tmp_path / "data")
    try:
        for call_id, time in (("late", "2026-11-23T18:00:00+08:00"), ("early", "2026-11-23T09:00:00+08:00"),
                              ("noon", "2026-11-23T12:00:00+08:00")):  # fmt: skip
            message = {"mailbox": "mayor", "caller": "13800000000", "time": time, "seconds": 2.0, "language": "en"}
            book.voicemail(ORIGIN, {**message, "call_id": call_id})
        assert book.flush(30)
        assert [m.call_id for m in book.inbox.messages("default")] == ["late", "noon", "early"]
        assert [m.call_id for m in book.inbox.messages("default", mailbox="mayor")] == ["late", "noon", "early"]
    finally:
        book.close()
