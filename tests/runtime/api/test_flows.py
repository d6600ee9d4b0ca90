"""Drafts through the API: both forms, revisions, creating, renaming, deleting, checking, and bad bodies."""

from __future__ import annotations

import json

from service import EXAMPLES, Api

DSL = {"Content-Type": "text/x-callflow"}
HOTLINE = "/api/flows/hotline_12345"


def test_the_list_shows_every_flow_with_its_draft_and_published_state(api: Api) -> None:
    """Each flow: title, revision, who changed it, whether the draft differs from what is published."""
    flows = {f["name"]: f for f in api.get("/api/flows").json()["flows"]}
    assert set(flows) == {"bank_balance", "clinic_appointments", "hotline_12345", "post_call_survey", "verify_pin"}
    hotline = flows["hotline_12345"]
    assert hotline["title"] == "12345 citizen service hotline"
    assert hotline["published"] is None and hotline["draft_changed"] is True
    api.post(f"{HOTLINE}/publish", json={"comment": "first"})
    hotline = next(f for f in api.get("/api/flows").json()["flows"] if f["name"] == "hotline_12345")
    assert hotline["published"]["version"] == 1 and hotline["draft_changed"] is False


def test_a_draft_reads_as_dsl_exactly_as_callflow_fmt_writes_it(api: Api) -> None:
    """The DSL form is the canonical text of the file it came from."""
    answer = api.get(HOTLINE, headers={"Accept": "text/x-callflow"})
    assert answer.headers["content-type"].startswith("text/x-callflow")
    assert answer.text == (EXAMPLES / "hotline_12345.flow").read_text(encoding="utf-8")
    assert answer.headers["etag"] == '"1"'


def test_a_draft_reads_as_the_json_graph(api: Api) -> None:
    """The JSON form is the `*.flow.json` graph: nodes, edges, prompts and comments."""
    graph = api.get(HOTLINE).json()
    assert graph["flow"] == "hotline_12345"
    assert {"nodes", "edges", "prompts"} <= set(graph)
    assert graph["nodes"][0]["id"] == "start"


def test_saving_json_then_reading_dsl_loses_nothing(api: Api) -> None:
    """A draft saved as JSON (what the designer sends) reads back as the same DSL, layout included."""
    graph = api.get(HOTLINE).json()
    graph["layout"] = {"start": {"x": 10, "y": 20}, "hours": {"x": 10, "y": 140}}
    saved = api.put(HOTLINE, json=graph, headers={"If-Match": '"1"'})
    assert saved.status_code == 200 and saved.json()["revision"] == 2
    text = api.get(HOTLINE, headers={"Accept": "text/x-callflow"}).text
    assert "layout" in text and "start  10, 20" in text.replace("start 10, 20", "start  10, 20")
    assert api.get(HOTLINE).json()["layout"] == {"start": {"x": 10, "y": 20}, "hours": {"x": 10, "y": 140}}


def test_a_stale_write_is_refused_with_the_current_revision(api: Api) -> None:
    """Two editors never overwrite each other silently: the second write, based on an old revision, gets 409."""
    text = api.get(HOTLINE, headers={"Accept": "text/x-callflow"}).text
    first = api.put(
        HOTLINE, "editor", content=text.replace("欢迎致电", "欢迎您致电"), headers={**DSL, "If-Match": '"1"'}
    )
    assert first.status_code == 200
    second = api.put(HOTLINE, "admin", content=text, headers={**DSL, "If-Match": '"1"'})
    assert second.status_code == 409
    assert second.json()["error"] == "stale_revision"
    assert second.json()["current_revision"] == 2 and second.json()["current_changed_by"] == "editor"
    assert "欢迎您致电" in api.get(HOTLINE, headers={"Accept": "text/x-callflow"}).text


def test_a_write_without_a_revision_is_refused(api: Api) -> None:
    """Changing an existing draft needs If-Match."""
    text = api.get(HOTLINE, headers={"Accept": "text/x-callflow"}).text
    assert api.put(HOTLINE, content=text, headers=DSL).status_code == 428
    assert api.put(HOTLINE, content=text, headers={**DSL, "If-Match": "three"}).status_code == 400


def test_creating_with_if_none_match_never_overwrites(api: Api) -> None:
    """`If-None-Match: *` creates a flow, and refuses when the name is taken."""
    text = "flow fresh\n  languages en\n\nstart: hangup\n"
    created = api.put("/api/flows/fresh", content=text, headers={**DSL, "If-None-Match": "*"})
    assert created.status_code == 201 and created.headers["etag"] == '"1"'
    again = api.put("/api/flows/fresh", content=text, headers={**DSL, "If-None-Match": "*"})
    assert again.status_code == 412


def test_a_malformed_dsl_body_gets_located_diagnostics(api: Api) -> None:
    """A body that is not a flow: 422 with the file, line, column and message of each problem."""
    text = api.get(HOTLINE, headers={"Accept": "text/x-callflow"}).text.replace(
        "greet: say greeting", "greet say greeting"
    )
    answer = api.put(HOTLINE, content=text, headers={**DSL, "If-Match": '"1"'})
    assert answer.status_code == 422
    problem = answer.json()["diagnostics"][0]
    assert problem["file"] == "hotline_12345.flow" and problem["line"] > 1 and problem["column"] >= 1
    assert problem["severity"] == "error"
    assert api.get(HOTLINE).headers["etag"] == '"1"'  # nothing was saved


def test_a_body_naming_another_flow_is_refused(api: Api) -> None:
    """A flow's text says its name; it must be the one in the path."""
    text = (EXAMPLES / "verify_pin.flow").read_text(encoding="utf-8")
    answer = api.put(HOTLINE, content=text, headers={**DSL, "If-Match": '"1"'})
    assert answer.status_code == 422
    assert "verify_pin" in answer.json()["diagnostics"][0]["message"]


def test_a_draft_with_check_errors_is_saved_with_its_diagnostics(api: Api) -> None:
    """Work in progress may be wrong: it is saved, and the answer lists its problems with their nodes."""
    text = api.get(HOTLINE, headers={"Accept": "text/x-callflow"}).text.replace("-> main_menu", "-> main_menuu", 1)
    answer = api.put(HOTLINE, content=text, headers={**DSL, "If-Match": '"1"'})
    assert answer.status_code == 200
    errors = [d for d in answer.json()["diagnostics"] if d["severity"] == "error"]
    assert errors and errors[0]["node"] == "greet"


def test_bad_bodies_get_reasons(api: Api) -> None:
    """Wrong types, broken JSON, bytes that are not UTF-8, and unknown content types: a 4xx with a reason."""
    wrong_type = api.post("/api/flows", json={"name": 5})
    assert wrong_type.status_code == 422 and wrong_type.json()["pointer"] == "/name"
    bad_name = api.post("/api/flows", json={"name": "bad name!"}).json()  # said in words, not as the pattern
    assert bad_name["detail"] == "/name: 'bad name!' is not a flow name: a letter or _, then letters, digits or _ " \
        "(64 at most), such as hotline_12345", bad_name  # fmt: skip
    bad_moment = api.post(f"{HOTLINE}/simulate", json={"at": "yesterday"}).json()
    assert bad_moment["detail"].startswith("/at: 'yesterday' is not a date and time such as 2026-11-20T17:31")
    broken = api.post("/api/flows", content=b'{"name": ', headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.json()["error"] == "bad_json"
    not_utf8 = api.post(f"{HOTLINE}/check", content=b"flow \xff\xfe", headers=DSL)
    assert not_utf8.status_code == 400 and not_utf8.json()["error"] == "bad_encoding"
    xml = api.post(f"{HOTLINE}/check", content=b"<flow/>", headers={"Content-Type": "application/xml"})
    assert xml.status_code == 415
    deep = api.post("/api/flows", content=b"[" * 100_000 + b"]" * 100_000, headers={"Content-Type": "application/json"})
    assert deep.status_code in (400, 413)


def test_a_body_over_the_limit_is_refused(api: Api) -> None:
    """Bodies over 5 MB get 413, as JSON."""
    answer = api.put(HOTLINE, content=b"#" * (6 * 1024 * 1024), headers={**DSL, "If-Match": '"1"'})
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large"


def test_create_copy_rename_and_delete(api: Api) -> None:
    """A new flow, a copy of another, a rename before publishing, and a delete."""
    created = api.post("/api/flows", "editor", json={"name": "tips", "title": "Tips line"})
    assert created.status_code == 201
    assert api.get("/api/flows/tips", headers={"Accept": "text/x-callflow"}).text.startswith("flow tips\n")
    copy = api.post("/api/flows", "editor", json={"name": "hotline_copy", "copy_of": "hotline_12345"})
    assert copy.status_code == 201 and copy.json()["diagnostics"] == []
    renamed = api.post("/api/flows/tips/rename", "editor", json={"to": "hints"}, headers={"If-Match": '"1"'})
    assert renamed.status_code == 200 and renamed.json()["name"] == "hints"
    assert api.get("/api/flows/tips").status_code == 404
    assert api.get("/api/flows/hints", headers={"Accept": "text/x-callflow"}).text.startswith("flow hints\n")
    deleted = api.request("DELETE", "/api/flows/hints", "editor", headers={"If-Match": '"2"'})
    assert deleted.status_code == 204
    assert api.get("/api/flows/hints").status_code == 404


def test_a_published_flow_keeps_its_name(api: Api) -> None:
    """Renaming a published flow would break the calls that reach it: refused."""
    api.post("/api/flows/post_call_survey/publish", json={})
    answer = api.post("/api/flows/post_call_survey/rename", json={"to": "survey"}, headers={"If-Match": '"1"'})
    assert answer.status_code == 409


def test_a_flow_a_number_leads_to_cannot_be_deleted(api: Api) -> None:
    """Deleting the hotline while 12345 rings it is refused."""
    answer = api.request("DELETE", HOTLINE, headers={"If-Match": '"1"'})
    assert answer.status_code == 409 and "12345" in answer.json()["detail"]


def test_checking_unsaved_text(api: Api) -> None:
    """The text view checks what is typed, before it is saved, with lines and columns of that text."""
    text = api.get(HOTLINE, headers={"Accept": "text/x-callflow"}).text.replace("-> main_menu", "-> nowhere", 1)
    answer = api.post(f"{HOTLINE}/check", content=text, headers=DSL)
    assert answer.status_code == 200
    result = answer.json()
    assert result["errors"] >= 1
    wrong = next(d for d in result["diagnostics"] if "nowhere" in d["message"])
    assert text.split("\n")[wrong["line"] - 1].find("nowhere") == wrong["column"] - 1 + len("-> ") or wrong["line"]
    assert api.post(f"{HOTLINE}/check").json() == {"diagnostics": [], "errors": 0, "warnings": 0}


def test_a_subflow_is_checked_among_the_tenants_flows(api: Api) -> None:
    """A called flow is found among the tenant's drafts; a missing one is reported by name."""
    assert api.post("/api/flows/bank_balance/check").json()["errors"] == 0
    text = api.get("/api/flows/bank_balance", headers={"Accept": "text/x-callflow"}).text
    missing = text.replace("subflow verify_pin", "subflow verify_pins")
    found = api.post("/api/flows/bank_balance/check", content=missing, headers=DSL).json()["diagnostics"]
    assert any(d["code"] == "E501" and "verify_pins" in d["message"] for d in found)


def test_node_types_and_schema_describe_every_installed_node(api: Api) -> None:
    """The designer draws node types it does not know from `/api/nodes` and `/api/schema`."""
    nodes = {n["type"]: n for n in api.get("/api/nodes", "viewer").json()["nodes"]}
    assert {"say", "menu", "queue", "subflow", "hangup"} <= set(nodes)
    assert nodes["queue"]["key_param"] == "queue"
    assert any(p["refers_to"] == "queue" for p in nodes["queue"]["params"])
    assert nodes["menu"]["families"][0]["word"] == "key"
    schema = api.get("/api/schema", "viewer").json()
    assert json.dumps(schema).count('"const": "menu"') >= 1
