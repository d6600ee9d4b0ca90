"""Publishing and versions: refused on errors and on failing tests, numbered and immutable, rolled back."""

from __future__ import annotations

from service import Api

DSL = {"Content-Type": "text/x-callflow"}
HOTLINE = "/api/flows/hotline_12345"


def _draft(api: Api) -> str:
    return str(api.get(HOTLINE, headers={"Accept": "text/x-callflow"}).text)


def _save(api: Api, text: str) -> int:
    revision = api.get(HOTLINE).headers["etag"]
    answer = api.put(HOTLINE, content=text, headers={**DSL, "If-Match": revision})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["revision"])


def test_publishing_makes_numbered_versions_and_saving_drafts_changes_none(api: Api) -> None:
    """Version 1, then a saved draft leaves version 1 as it was, then version 2."""
    first = api.post(f"{HOTLINE}/publish", json={"comment": "go live"})
    assert first.status_code == 201 and first.json()["version"] == 1
    original = _draft(api)
    _save(api, original.replace("the reference flow.", "the reference flow, v2."))  # a comment: no test notices
    assert api.get(f"{HOTLINE}/versions/1", headers={"Accept": "text/x-callflow"}).text == original
    second = api.post(f"{HOTLINE}/publish", json={"comment": "wording"})
    assert second.status_code == 201 and second.json()["version"] == 2
    versions = api.get(f"{HOTLINE}/versions").json()["versions"]
    assert [(v["version"], v["comment"], v["published_by"]) for v in versions] == [
        (2, "wording", "admin"),
        (1, "go live", "admin"),
    ]


def test_a_draft_with_errors_is_not_published(api: Api) -> None:
    """The answer lists the errors, located."""
    _save(api, _draft(api).replace("-> main_menu", "-> main_menuu", 1))
    answer = api.post(f"{HOTLINE}/publish", json={"comment": "broken"})
    assert answer.status_code == 422
    assert answer.json()["error"] == "flow_has_errors"
    assert any("main_menuu" in d["message"] for d in answer.json()["diagnostics"])
    assert api.get(f"{HOTLINE}/versions").json()["versions"] == []


def test_a_draft_whose_tests_fail_is_not_published_unless_an_admin_forces_it(api: Api) -> None:
    """Changing the greeting breaks the cases that expect it; force publishes anyway, and says so in the audit."""
    _save(api, _draft(api).replace("欢迎致电", "欢迎您致电"))
    refused = api.post(f"{HOTLINE}/publish", json={"comment": "new greeting"})
    assert refused.status_code == 409 and refused.json()["error"] == "tests_failed"
    cases = {f["case"] for f in refused.json()["failures"]}
    assert "greeting: in working hours, the greeting and then the main menu" in cases
    forced = api.post(f"{HOTLINE}/publish", json={"comment": "new greeting", "force": True})
    assert forced.status_code == 201
    entry = api.get("/api/audit?action=flow.publish").json()["entries"][0]
    assert entry["detail"]["forced"] is True and entry["detail"]["failing"] == len(cases)


def test_only_admins_publish(api: Api) -> None:
    """Editors change drafts; publishing is an admin's."""
    assert api.post(f"{HOTLINE}/publish", "editor", json={}).status_code == 403
    assert api.post(f"{HOTLINE}/publish", "viewer", json={}).status_code == 403


def test_a_flow_calling_an_unpublished_flow_is_not_published(api: Api) -> None:
    """Live calls find called flows among published versions: the caller waits for its callee."""
    answer = api.post("/api/flows/bank_balance/publish", json={})
    assert answer.status_code == 422
    assert any(d["code"] == "E501" and "verify_pin" in d["message"] for d in answer.json()["diagnostics"])
    assert api.post("/api/flows/verify_pin/publish", json={}).status_code == 201
    assert api.post("/api/flows/bank_balance/publish", json={}).status_code == 201


def test_rollback_publishes_an_earlier_version_again(api: Api) -> None:
    """Rolling back to 1 makes version 3 with version 1's text; nothing is lost."""
    original = _draft(api)
    api.post(f"{HOTLINE}/publish", json={"comment": "one"})
    _save(api, original.replace("the reference flow.", "the reference flow, v2."))
    api.post(f"{HOTLINE}/publish", json={"comment": "two"})
    back = api.post(f"{HOTLINE}/rollback", json={"to": 1})
    assert back.status_code == 201 and back.json()["version"] == 3 and back.json()["rollback_of"] == 1
    assert api.get(f"{HOTLINE}/versions/3", headers={"Accept": "text/x-callflow"}).text == original
    assert api.get(f"{HOTLINE}/versions/2").status_code == 200
    assert api.post(f"{HOTLINE}/rollback", json={"to": 9}).status_code == 404


def test_the_diff_of_the_draft_against_the_published_version(api: Api) -> None:
    """A changed prompt shows old → new, and the cases that hear it are the ones whose calls change."""
    api.post(f"{HOTLINE}/publish", json={"comment": "one"})
    _save(api, _draft(api).replace("您好，欢迎致电12345市民服务热线。", "您好，欢迎致电12345热线。"))
    answer = api.get(f"{HOTLINE}/diff", "viewer")
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["from"] == 1 and result["to"] == "draft"
    changed = next(p for p in result["diff"]["prompts"] if p["id"] == "greeting")
    assert "您好，欢迎致电12345热线。" in str(changed)
    names = {c["name"] for c in result["cases"]}
    assert "greeting: in working hours, the greeting and then the main menu" in names
    assert "emergency switch: on, a call hears the notice and is transferred to the emergency line" not in names
    assert all("experience" in c["differs"] for c in result["cases"])


def test_the_diff_of_two_versions_and_of_nothing(api: Api) -> None:
    """Versions compare by number; a version with itself differs in nothing; a bad side is a 422."""
    api.post(f"{HOTLINE}/publish", json={})
    same = api.get(f"{HOTLINE}/diff?from=1&to=1").json()
    assert same["cases"] == [] and same["diff"]["same"] is True
    assert api.get(f"{HOTLINE}/diff?from=v1").status_code == 422
    assert api.get("/api/flows/post_call_survey/diff").status_code == 404  # nothing published to compare with
