"""Call records, reports, the dashboard, the heat map and the voicemail inbox through the API: who sees what, and
nothing of one tenant seen from another."""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import slowdown
from record_calls import record_hand_calls
from service import Api, Template
from starlette.testclient import TestClient

from callflow.runtime.call_record import CallOrigin
from callflow.runtime.store import call_reads
from callflow.server import create_app

NOVEMBER = "from=2026-11-01&to=2026-11-30"


def saved_call(api: Api, **body: Any) -> dict[str, Any]:
    """Simulate a call with `save` and return its listed record."""
    request = {"at": "2026-11-23T10:00", "from": "13812345678", "input": ["dtmf:5", "hangup"], "save": True, **body}
    answer = api.post("/api/flows/hotline_12345/simulate", json=request)
    assert answer.status_code == 200, answer.text
    assert api.service.records.flush(30)
    calls = api.get(f"/api/calls?{NOVEMBER}").json()["calls"]
    return calls[0]


def test_a_simulated_call_is_recorded_only_when_asked(api: Api) -> None:
    """Without `save` the designer's test call leaves no record; with it, the call is listed with its outcome."""
    plain = {"at": "2026-11-23T10:00", "input": ["dtmf:5", "hangup"]}
    assert api.post("/api/flows/hotline_12345/simulate", json=plain).status_code == 200
    assert api.service.records.flush(30)
    assert api.get(f"/api/calls?{NOVEMBER}").json()["calls"] == []
    record = saved_call(api)
    assert (record["flow"], record["version"], record["origin"]) == ("hotline_12345", 0, "simulated")
    assert (record["outcome"], record["end_node"], record["caller"]) == ("abandoned", "main_menu", "13812345678")


def test_viewers_see_caller_numbers_masked(api: Api) -> None:
    """A viewer sees only the last four digits of a caller's number, in the list and in the trace; an editor sees
    it whole."""
    record = saved_call(api)
    listed = api.get(f"/api/calls?{NOVEMBER}", "viewer").json()["calls"][0]
    assert listed["caller"] == "*******5678"
    one = api.get(f"/api/calls/{record['call_id']}", "viewer").json()
    assert one["caller"] == "*******5678" and one["events"][0]["caller"] == "*******5678"
    assert api.get(f"/api/calls/{record['call_id']}", "editor").json()["caller"] == "13812345678"


def test_another_tenants_call_is_not_found(api: Api) -> None:
    """A call of tenant `default` does not exist for tenant `other`: 404, and not listed."""
    record = saved_call(api)
    assert api.get(f"/api/calls/{record['call_id']}", "other").status_code == 404
    assert api.get(f"/api/calls?{NOVEMBER}", "other").json()["calls"] == []
    assert api.get(f"/api/reports/ivr?{NOVEMBER}", "other").json()["rows"] == []


def test_a_report_answers_json_and_csv(api: Api) -> None:
    """The ivr report of the hand-worked calls, as JSON and as a CSV download with the same numbers."""
    record_hand_calls(api.service.records)
    assert api.service.records.flush(30)
    answer = api.get(f"/api/reports/ivr?{NOVEMBER}&by=day", "viewer")
    assert answer.status_code == 200
    days = {row["period"]: row for row in answer.json()["rows"]}
    assert (days["2026-11-23"]["calls"], days["2026-11-24"]["calls"]) == (4, 5)
    download = api.get(f"/api/reports/ivr?{NOVEMBER}&by=day&format=csv", "viewer")
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [(r["period"], r["calls"]) for r in rows] == [("2026-11-23", "4"), ("2026-11-24", "5")]
    assert api.get(f"/api/reports/ivr?{NOVEMBER}", "viewer", headers={"Accept": "text/csv"}).text.startswith("period,")


def test_bad_report_requests_are_refused_clearly(api: Api) -> None:
    """An unknown report is 404; a date that is not one, an unknown `by`: 422 saying which."""
    assert api.get("/api/reports/nothing").status_code == 404
    bad = api.get("/api/reports/calls?from=November")
    assert bad.status_code == 422 and "`from`" in bad.json()["detail"]
    assert api.get("/api/reports/calls?from=2026-12-01&to=2026-11-01").json()["rows"] == []  # no day between
    assert api.get("/api/reports/calls?by=year").status_code == 422


def test_the_heat_map_counts_calls_per_node_and_exit_of_a_version(api: Api) -> None:
    """The hand-worked calls are of version 1: seven reach the main menu, two hang up there; its key 1 was taken
    three times. The last calls through the self-service menu: G's."""
    record_hand_calls(api.service.records, version=1)
    assert api.service.records.flush(30)
    heat = api.get(f"/api/flows/hotline_12345/heatmap?{NOVEMBER}&version=1", "viewer").json()
    assert heat["calls"] == 9
    assert (heat["nodes"]["main_menu"]["calls"], heat["nodes"]["main_menu"]["drops"]) == (7, 2)
    taken = {(e["node"], e["exit"]): e["taken"] for e in heat["exits"]}
    assert taken[("main_menu", "key 1")] == 3
    last = api.get(f"/api/flows/hotline_12345/heatmap/self_service/calls?{NOVEMBER}&version=1", "viewer")
    assert [c["caller"] for c in last.json()["calls"]] == ["*******0007"]
    other = api.get(f"/api/flows/hotline_12345/heatmap?{NOVEMBER}", "other")
    assert other.status_code == 404


def test_the_dashboard_shows_today_against_the_targets(api: Api) -> None:
    """Today has no calls yet: zero calls, no rates, the two KPI targets (99 % and 90 %); a message waits."""
    origin = CallOrigin("default", "hotline_12345", 1, "live")
    message = {"mailbox": "mayor", "caller": "1", "time": "2026-11-23T10:00:00+08:00", "seconds": 2.0}
    api.service.records.voicemail(origin, {**message, "language": "zh-CN", "call_id": "x1"})
    assert api.service.records.flush(30)
    board = api.get("/api/dashboard", "viewer").json()
    assert board["calls"] == 0 and board["containment"] is None and board["voicemail_waiting"] == 1
    assert {k["name"]: k["target"] for k in board["kpis"]} == {"connection_rate": 0.99, "agent_answer_rate": 0.9}


def test_the_voicemail_inbox_lists_plays_marks_and_deletes(api: Api, tmp_path: Path) -> None:
    """A message with audio: listed (masked for viewers), its WAV served, marked handled by an editor with a
    note (who and when kept), filtered by state, deleted by an admin with its audio; another tenant sees none."""
    audio = tmp_path / "message.wav"
    audio.write_bytes(b"RIFF....WAVEfmt " + bytes(100))
    origin = CallOrigin("default", "hotline_12345", 1, "live")
    message = {"mailbox": "mayor", "caller": "13800001234", "time": "2026-11-23T10:00:00+08:00", "seconds": 4.0}
    api.service.records.voicemail(origin, {**message, "language": "zh-CN", "call_id": "v1", "file": str(audio)})
    assert api.service.records.flush(30)
    (listed,) = api.get("/api/voicemail?mailbox=mayor&state=unread", "viewer").json()["messages"]
    assert listed["caller"] == "*******1234" and listed["audio"] is True
    number = listed["id"]
    wav = api.get(f"/api/voicemail/{number}.wav", "viewer")
    assert wav.status_code == 200 and wav.content == audio.read_bytes()
    marked = api.request(
        "PATCH", f"/api/voicemail/{number}", "editor", json={"state": "handled", "note": "called back"}
    )
    assert marked.status_code == 200, marked.text
    assert (marked.json()["state"], marked.json()["handled_by"], marked.json()["note"]) == (
        "handled",
        "editor",
        "called back",
    )
    assert api.get("/api/voicemail?state=unread").json()["messages"] == []
    assert api.get(f"/api/voicemail/{number}.wav", "other").status_code == 404
    assert api.request("PATCH", f"/api/voicemail/{number}", "other", json={"state": "read"}).status_code == 404
    assert api.request("DELETE", f"/api/voicemail/{number}", "editor").status_code == 403
    assert api.request("DELETE", f"/api/voicemail/{number}", "admin").status_code == 204
    assert api.get("/api/voicemail").json()["messages"] == []
    assert not list((api.folder / "voicemail").rglob("*.wav"))


def test_the_service_prunes_at_start_and_shows_the_retention_and_the_last_prune(
    template: Template, tmp_path: Path
) -> None:
    """`callflow serve`'s application with a prune schedule: at start it prunes the tenant keeping 3 days (the
    hand-worked November calls are older), and `GET /api/records/retention` shows the retention, the schedule,
    the next prune (03:30 in the tenant's time zone) and the last one; a tenant without a retention has none."""
    api = Api(template, tmp_path / "data")
    api.close()
    record_hand_calls(api.service.records)
    assert api.service.records.flush(30)
    call_reads.set_retention(api.service.records.connection(), "default", 3)
    api.service.records.close()
    app = create_app(api.folder, prune_schedule="30 3 * * *")
    with TestClient(app, base_url="http://testserver") as client:
        deadline = time.monotonic() + slowdown.seconds(60)
        while True:
            shown = client.get("/api/records/retention", headers=api.as_("viewer")).json()
            if shown["last_prune"] is not None or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        other = client.get("/api/records/retention", headers=api.as_("other")).json()
        listed = client.get(f"/api/calls?{NOVEMBER}", headers=api.as_("viewer")).json()["calls"]
    assert (shown["days"], shown["schedule"], shown["time_zone"]) == (3, "30 3 * * *", "Asia/Shanghai")
    assert shown["last_prune"]["calls"] == 9 and shown["last_prune"]["messages"] == 2 and listed == []
    assert datetime.fromisoformat(shown["next_prune"]).strftime("%H:%M %z") == "03:30 +0800"
    assert other == {"days": None, "schedule": "30 3 * * *", "time_zone": "UTC", "next_prune": None,
                     "last_prune": None}  # fmt: skip


def test_without_a_schedule_the_retention_is_shown_with_no_next_prune(api: Api) -> None:
    """The application without a prune schedule (`--no-prune`) prunes nothing on its own and says so."""
    call_reads.set_retention(api.service.records.connection(), "default", 30)
    shown = api.get("/api/records/retention", "viewer").json()
    assert shown == {"days": 30, "schedule": None, "time_zone": "Asia/Shanghai", "next_prune": None,
                     "last_prune": None}  # fmt: skip
