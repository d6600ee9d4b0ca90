"""The environment through the API: JSON or TOML, comments kept, revisions, numbers claimed once, switches."""

from __future__ import annotations

from service import EXAMPLES, Api

TOML = {"Content-Type": "application/toml"}


def test_the_environment_reads_as_json_and_as_its_toml_text(api: Api) -> None:
    """JSON for forms, the TOML text (comments and all) for people and git."""
    data = api.get("/api/environment", "viewer").json()
    assert data["queues"]["hotline"]["announce_every_s"] == 30
    text = api.get("/api/environment", headers={"Accept": "application/toml"}).text
    assert text == (EXAMPLES / "callflow.toml").read_text(encoding="utf-8")


def test_saving_json_keeps_the_comments_of_the_text(api: Api) -> None:
    """A form's change is written over the TOML text: its comments and order stay."""
    answer = api.get("/api/environment")
    data, revision = answer.json(), answer.headers["etag"]
    data["queues"]["hotline"]["announce_every_s"] = 45
    data["mailboxes"]["complaints"] = {"description": "Complaints", "max_seconds": 90}
    saved = api.put("/api/environment", json=data, headers={"If-Match": revision})
    assert saved.status_code == 200, saved.text
    text = api.get("/api/environment", headers={"Accept": "application/toml"}).text
    assert "# The clinic's front desk flips this when the clinic closes unexpectedly" in text
    assert "announce_every_s = 45" in text and "[mailboxes.complaints]" in text
    assert api.get("/api/environment").json()["mailboxes"]["complaints"]["max_seconds"] == 90


def test_an_invalid_environment_is_refused_with_where_it_is_wrong(api: Api) -> None:
    """Validated as `callflow.toml` is: the answer says which key is wrong."""
    revision = api.get("/api/environment").headers["etag"]
    text = (
        (EXAMPLES / "callflow.toml")
        .read_text(encoding="utf-8")
        .replace('fallback = "emergency"', 'fallback = "nobody"')
    )
    answer = api.put("/api/environment", content=text, headers={**TOML, "If-Match": revision})
    assert answer.status_code == 422 and "nobody" in answer.json()["detail"]
    broken = api.put("/api/environment", content="timezone = ", headers={**TOML, "If-Match": revision})
    assert broken.status_code == 422


def test_a_number_belongs_to_one_tenant(api: Api) -> None:
    """Another tenant claiming 12345 is refused; its own numbers are fine."""
    answer = api.put(
        "/api/environment", "other", content='[numbers]\n12345 = "secret_line"\n', headers={**TOML, "If-Match": '"0"'}
    )
    assert answer.status_code == 409 and "12345" in answer.json()["detail"]
    mine = api.put(
        "/api/environment", "other", content='[numbers]\n54321 = "secret_line"\n', headers={**TOML, "If-Match": '"0"'}
    )
    assert mine.status_code == 200


def test_only_admins_change_the_environment(api: Api) -> None:
    """Editors and viewers read it; admins change it."""
    revision = api.get("/api/environment").headers["etag"]
    text = (EXAMPLES / "callflow.toml").read_text(encoding="utf-8")
    assert (
        api.put("/api/environment", "editor", content=text, headers={**TOML, "If-Match": revision}).status_code == 403
    )
    assert api.put("/api/environment/switches/emergency", "editor", json={"on": True}).status_code == 403


def test_flipping_a_switch_is_audited_and_shown_with_who_did_it(api: Api) -> None:
    """The emergency switch: one action, its state and who flipped it, and an audit line."""
    flipped = api.put("/api/environment/switches/emergency", json={"on": True})
    assert flipped.status_code == 200 and flipped.json()["on"] is True
    state = api.get("/api/environment/switches", "viewer").json()["switches"]["emergency"]
    assert state["on"] is True and state["changed_by"] == "admin"
    entry = api.get("/api/audit").json()["entries"][0]
    assert (entry["action"], entry["target"], entry["detail"]["on"]) == ("switch.flip", "switches.emergency", True)
    text = api.get("/api/environment", headers={"Accept": "application/toml"}).text
    assert "emergency = true" in text and "# The clinic's front desk flips this" in text
    assert api.put("/api/environment/switches/nothing", json={"on": True}).status_code == 404
