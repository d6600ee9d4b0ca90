"""`callflow simulate --save`, `callflow records`, `callflow report` and `callflow voicemail` over a data folder."""

from __future__ import annotations

import csv
import io
import json
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner
from record_calls import record_hand_calls

from callflow.flowlang.cli import COMMANDS_GROUP, cli
from callflow.runtime.call_record import CallOrigin
from callflow.runtime.service.records import RecordBook

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
NOVEMBER = ["--from", "2026-11-01", "--to", "2026-11-30"]


@pytest.fixture
def run() -> CliRunner:
    """A runner with every installed command."""
    for entry in entry_points(group=COMMANDS_GROUP):
        cli.add_command(entry.load(), entry.name)
    return CliRunner()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder whose records hold the hand-worked calls and a message with audio."""
    folder = tmp_path / "data"
    book = RecordBook(folder)
    record_hand_calls(book)
    audio = tmp_path / "message.wav"
    audio.write_bytes(b"RIFF....WAVEfmt " + bytes(64))
    message = {"mailbox": "clinic", "caller": "13900000000", "time": "2026-11-25T09:00:00+08:00", "seconds": 5.0}
    book.voicemail(CallOrigin("default", "clinic_appointments"), {**message, "language": "en", "file": str(audio)})
    book.close()
    return folder


def test_simulate_save_writes_the_call_into_the_data_folder(run: CliRunner, tmp_path: Path) -> None:
    """`callflow simulate --save --data DIR` leaves the call's record; `records list` shows it, `records show` its
    trace."""
    folder = tmp_path / "data"
    flow = str(EXAMPLES / "hotline_12345.flow")
    steps = ["-i", "dtmf:5", "-i", "hangup"]
    done = run.invoke(cli, ["simulate", flow, "--at", "2026-11-23T10:00", *steps, "--save", "--data", str(folder)])
    assert done.exit_code == 0, done.output
    listed = run.invoke(cli, ["records", "list", "--data", str(folder), *NOVEMBER, "--format", "json"])
    (record,) = json.loads(listed.stdout)
    assert (record["flow"], record["outcome"], record["end_node"]) == ("hotline_12345", "abandoned", "main_menu")
    shown = json.loads(run.invoke(cli, ["records", "show", record["call_id"], "--data", str(folder)]).stdout)
    assert shown["events"][0]["event"] == "start" and shown["events"][-1]["event"] == "end"


def test_report_prints_a_table_csv_or_json(run: CliRunner, data: Path) -> None:
    """The queues report of the hand-worked calls in each format, with the same numbers."""
    base = ["report", "queues", "--data", str(data), *NOVEMBER]
    table = run.invoke(cli, [*base, "--format", "table"])
    assert table.exit_code == 0, table.output
    assert "hotline-local" in table.stdout and "answer_rate: 0.6667" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run.invoke(cli, [*base, "--format", "csv"]).stdout)))
    assert {r["queue"]: r["offered"] for r in rows} == {"hotline": "2", "hotline-local": "1"}
    answer = json.loads(run.invoke(cli, [*base, "--format", "json"]).stdout)
    assert answer["summary"]["offered"] == 3


def test_report_by_week_and_a_bad_period(run: CliRunner, data: Path) -> None:
    """By week, both days fall in the week of Monday 2026-11-23; --from after --to is refused."""
    rows = json.loads(
        run.invoke(cli, ["report", "ivr", "--data", str(data), *NOVEMBER, "--by", "week", "--format", "json"]).stdout
    )["rows"]
    assert [(r["period"], r["calls"]) for r in rows] == [("2026-11-23", 9)]
    bad = run.invoke(cli, ["report", "ivr", "--data", str(data), "--from", "2026-12-01", "--to", "2026-11-01"])
    assert bad.exit_code != 0 and "is after --to" in bad.output


def test_prune_and_retention(run: CliRunner, data: Path) -> None:
    """`records prune --before` removes Monday's calls; a retention set for the tenant is shown."""
    pruned = run.invoke(cli, ["records", "prune", "--before", "2026-11-24", "--data", str(data)])
    assert pruned.exit_code == 0 and "removed 4 call record(s)" in pruned.stdout
    left = json.loads(run.invoke(cli, ["records", "list", "--data", str(data), *NOVEMBER, "--format", "json"]).stdout)
    assert len(left) == 5
    kept = run.invoke(cli, ["records", "retention", "90", "--data", str(data)])
    assert "records kept 90 days" in kept.stdout


def test_voicemail_list_mark_and_export(run: CliRunner, data: Path, tmp_path: Path) -> None:
    """Three messages (D, E and one with audio for the clinic); marking one handled with a note; exporting the
    clinic's with its audio and a CSV list."""
    listed = json.loads(run.invoke(cli, ["voicemail", "list", "--data", str(data), "--format", "json"]).stdout)
    assert sorted(m["mailbox"] for m in listed) == ["clinic", "mayor", "mayor"]
    clinic = next(m for m in listed if m["mailbox"] == "clinic")
    marked = run.invoke(
        cli, ["voicemail", "mark", str(clinic["id"]), "--note", "booked", "--by", "li", "--data", str(data)]
    )
    assert marked.exit_code == 0, marked.output
    handled = json.loads(
        run.invoke(cli, ["voicemail", "list", "--state", "handled", "--data", str(data), "--format", "json"]).stdout
    )
    assert [(m["id"], m["handled_by"], m["note"]) for m in handled] == [(clinic["id"], "li", "booked")]
    target = tmp_path / "export"
    exported = run.invoke(cli, ["voicemail", "export", str(target), "--mailbox", "clinic", "--data", str(data)])
    assert exported.exit_code == 0 and "exported 1 message(s)" in exported.stdout
    assert (target / f"{clinic['id']}-clinic.wav").read_bytes().startswith(b"RIFF")
    assert "booked" in (target / "messages.csv").read_text(encoding="utf-8")


def test_a_folder_that_is_not_a_data_folder_is_refused(run: CliRunner, tmp_path: Path) -> None:
    """Reading records of a folder with neither callflow.db nor records.db says so instead of creating one."""
    answer = run.invoke(cli, ["voicemail", "list", "--data", str(tmp_path / "nothing")])
    assert answer.exit_code != 0 and "not a data folder" in answer.output


def test_serve_refuses_a_prune_schedule_that_is_not_a_cron_expression(run: CliRunner, tmp_path: Path) -> None:
    """`callflow serve --prune-at daily` says what it wants before it opens anything."""
    refused = run.invoke(cli, ["serve", "--prune-at", "daily", "--data", str(tmp_path / "none")])
    assert refused.exit_code == 2 and "not a cron expression" in refused.output
    assert not (tmp_path / "none").exists()
