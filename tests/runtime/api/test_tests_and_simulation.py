"""Flow tests and simulated calls through the API: suites with revisions, cases added, runs with coverage, and
a call's trace as JSON and as server-sent events."""

from __future__ import annotations

import json

from service import EXAMPLES, Api

HOTLINE = "/api/flows/hotline_12345"
YAML = {"Content-Type": "application/yaml"}


def test_suites_are_the_imported_test_files(api: Api) -> None:
    """Each test file of a flow is a suite, its text as it was."""
    suites = {s["suite"]: s for s in api.get(f"{HOTLINE}/tests").json()["suites"]}
    assert set(suites) == {"", "broken-sources"}
    assert suites[""]["text"] == (EXAMPLES / "hotline_12345.test.yaml").read_text(encoding="utf-8")
    assert suites["broken-sources"]["file"] == "hotline_12345.broken-sources.test.yaml"


def test_a_test_run_reports_each_case_and_coverage_of_all_suites(api: Api) -> None:
    """Every case of every suite runs; coverage counts cases per node and per exit, over all suites."""
    result = api.post(f"{HOTLINE}/tests/run", "viewer", json={}).json()
    assert result["failed"] == 0 and result["passed"] > 80
    coverage = result["coverage"]
    assert coverage["nodes"]["start"] == result["passed"]
    assert coverage["exits"]["case_lookup/error"] >= 1  # only the broken-sources suite takes it
    assert coverage["missing_exits"] == [["case_lookup", "timeout"]]


def test_saving_a_suite_needs_its_revision_and_valid_tests(api: Api) -> None:
    """A suite is saved like a draft; a suite that is not flow tests is refused with the reason."""
    suite = api.get(f"{HOTLINE}/tests").json()["suites"][0]
    text = suite["text"] + "  - name: extra\n    input: [hangup]\n"
    saved = api.put(f"{HOTLINE}/tests", "editor", content=text, headers={**YAML, "If-Match": f'"{suite["revision"]}"'})
    assert saved.status_code == 200 and saved.json()["revision"] == suite["revision"] + 1
    stale = api.put(f"{HOTLINE}/tests", "editor", content=text, headers={**YAML, "If-Match": f'"{suite["revision"]}"'})
    assert stale.status_code == 409
    broken = api.put(f"{HOTLINE}/tests?suite=more", "editor", content="cases: 5\n", headers=YAML)
    assert broken.status_code == 422 and "cases" in broken.json()["detail"]


def test_a_simulated_call_can_become_a_test_case_and_the_file_keeps_its_comments(api: Api) -> None:
    """ "Save as test case": the case is appended; the comments of the file stay where they were."""
    case = {
        "name": "self service: pressing 2 then 1 asks for the case number",
        "at": "2026-11-20T10:00",
        "input": ["dtmf:2", "dtmf:1", "hangup"],
        "expect": {"reached": ["ask_case"]},
    }
    added = api.post(f"{HOTLINE}/tests/cases", "editor", json={"case": case})
    assert added.status_code == 200
    text = added.json()["text"]
    assert (
        "# Flow tests of the reference hotline" in text
        and "# ---------------------------------------------------------------- 1. Emergency switch" in text
    )
    assert text.rstrip().endswith("- ask_case")
    result = api.post(f"{HOTLINE}/tests/run", json={}).json()
    names = [c["name"] for s in result["suites"] for c in s["cases"]]
    assert case["name"] in names and result["failed"] == 0
    again = api.post(f"{HOTLINE}/tests/cases", "editor", json={"case": case})
    assert again.status_code == 409


def test_a_simulated_call_answers_with_its_trace(api: Api) -> None:
    """The trace is the simulator's: events, the nodes passed, and why the call ended."""
    body = {"at": "2026-11-21T10:00", "input": ["dtmf:#"]}  # a Saturday: closed
    result = api.post(f"{HOTLINE}/simulate", "viewer", json=body).json()
    assert result["nodes"][:3] == ["hours", "closed_notice", "mailbox"]
    schedule = next(e for e in result["events"] if e["event"] == "schedule")
    assert schedule["state"] == "closed"


def test_a_simulated_call_streams_its_events(api: Api) -> None:
    """With `Accept: text/event-stream` each event comes as it happens, then the end."""
    body = {"at": "2026-11-20T10:00", "input": ["dtmf:3", "hangup"], "switches": {"emergency": False}}
    with api.client.stream(
        "POST", f"{HOTLINE}/simulate", json=body, headers={**api.as_("viewer"), "Accept": "text/event-stream"}
    ) as answer:
        assert answer.headers["content-type"].startswith("text/event-stream")
        text = "".join(answer.iter_text())
    blocks = [b for b in text.split("\n\n") if b]
    kinds = [b.split("\n")[0] for b in blocks]
    assert kinds[-1] == "event: end" and set(kinds[:-1]) == {"event: trace"}
    first = json.loads(blocks[0].split("\n")[1].removeprefix("data: "))
    assert first["event"] == "start"
    assert json.loads(blocks[-1].split("\n")[1].removeprefix("data: "))["nodes"][:3] == ["hours", "greet", "main_menu"]


def test_switches_and_times_of_a_simulated_call(api: Api) -> None:
    """A switch set for one simulated call decides its branch, without touching the environment."""
    result = api.post(f"{HOTLINE}/simulate", json={"switches": {"emergency": True}, "input": ["agent:5"]}).json()
    assert result["nodes"][:2] == ["emergency_notice", "emergency_line"]
    assert api.get("/api/environment/switches").json()["switches"]["emergency"]["on"] is False


def test_a_bad_caller_script_is_refused_with_the_reason(api: Api) -> None:
    """A step the simulator does not know: 422 saying what steps look like."""
    answer = api.post(f"{HOTLINE}/simulate", json={"input": ["dtmf:12a"]})
    assert answer.status_code == 422 and "dtmf" in answer.json()["detail"]
    outside = api.post(f"{HOTLINE}/simulate", json={"input": ["say:@../../callflow.db"]})
    assert outside.status_code == 422


def test_a_prompt_plays_as_rendered_audio(api: Api) -> None:
    """The play button gets an 8 kHz WAV rendered by espeak-ng."""
    answer = api.get(f"{HOTLINE}/prompts/greeting/zh-CN.wav", "viewer")
    assert answer.status_code == 200 and answer.headers["content-type"] == "audio/wav"
    assert answer.content[:4] == b"RIFF" and len(answer.content) > 8000
    assert api.get(f"{HOTLINE}/prompts/greeting/fr.wav").status_code == 404
