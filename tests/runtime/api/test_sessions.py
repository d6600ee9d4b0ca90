"""Logging in and out, sessions in cookies, tokens, login limits and requests forged by other sites."""

from __future__ import annotations

from service import ORIGIN, PASSWORD, Api


def test_a_login_sets_an_http_only_strict_session_cookie(api: Api) -> None:
    """A good password opens a session whose cookie scripts cannot read and other sites cannot send."""
    answer = api.login()
    assert answer.status_code == 200
    assert answer.json() == {"user": {"name": "admin", "role": "admin", "tenant": "default"}}
    cookie = answer.headers["set-cookie"]
    assert "callflow_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    me = api.client.get("/api/me").json()
    assert me["user"]["name"] == "admin"
    assert me["tenant"]["time_zone"] == "Asia/Shanghai"  # the examples' environment: the designer's times are in it


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(api: Api) -> None:
    """Nobody can learn which user names exist from the login's answers."""
    wrong_password = api.login("admin", "not the password")
    unknown_user = api.login("nobody", PASSWORD)
    unknown_tenant = api.login("admin", PASSWORD, tenant="nowhere")
    assert wrong_password.status_code == unknown_user.status_code == unknown_tenant.status_code == 401
    assert wrong_password.json() == unknown_user.json() == unknown_tenant.json()


def test_logins_are_limited_per_account(api: Api) -> None:
    """After five failures an account's logins are refused for a while, even with the right password."""
    for _ in range(5):
        assert api.login("editor", "guess").status_code == 401
    limited = api.login("editor", PASSWORD)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert api.login("viewer", PASSWORD).status_code == 200  # another account is not limited


def test_logout_ends_the_session(api: Api) -> None:
    """After logout the old cookie opens nothing."""
    api.login()
    cookie = api.client.cookies.get("callflow_session")
    answer = api.client.post("/api/logout", json={}, headers={"Origin": ORIGIN})
    assert answer.status_code == 204
    api.client.cookies.set("callflow_session", cookie)
    assert api.client.get("/api/flows").status_code == 401


def test_a_password_change_ends_every_session_of_the_user(api: Api) -> None:
    """Changing a password logs the user out everywhere."""
    api.login("editor")
    cookie = api.client.cookies.get("callflow_session")
    body = {"password": "a brand new password"}
    assert api.request("PATCH", "/api/users/editor", json=body).status_code == 200
    api.client.cookies.set("callflow_session", cookie)
    assert api.client.get("/api/flows").status_code == 401
    assert api.login("editor", "a brand new password").status_code == 200


def test_without_credentials_the_api_answers_401(api: Api) -> None:
    """Every resource needs a login; the answer says how."""
    answer = api.get("/api/flows", who=None)
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"


def test_a_revoked_or_made_up_token_is_refused(api: Api) -> None:
    """Only issued, unrevoked tokens open the API."""
    made_up = api.client.get("/api/flows", headers={"Authorization": "Bearer cf_made_up"})
    assert made_up.status_code == 401
    admin = api.service.folder.users.get(1, "admin")
    token = api.service.folder.credentials.tokens(admin.id)[0]
    api.service.folder.credentials.revoke_token(admin.id, token.id)
    assert api.get("/api/flows").status_code == 401


def test_a_session_change_from_another_origin_is_refused(api: Api) -> None:
    """A page of another site cannot make a logged-in browser change anything."""
    api.login()
    body = {"on": True}
    other_site = api.client.put(
        "/api/environment/switches/emergency", json=body, headers={"Origin": "http://evil.test"}
    )
    no_origin = api.client.put("/api/environment/switches/emergency", json=body)
    assert other_site.status_code == no_origin.status_code == 403
    assert other_site.json()["error"] == "cross_origin"
    assert api.get("/api/environment/switches").json()["switches"]["emergency"]["on"] is False


def test_a_session_change_sent_as_a_form_is_refused(api: Api) -> None:
    """An HTML form cannot send JSON: a change sent as a form (or as plain text) is refused."""
    api.login()
    for content_type in ("application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"):
        answer = api.client.put(
            "/api/environment/switches/emergency",
            content=b'{"on": true}',
            headers={"Origin": ORIGIN, "Content-Type": content_type},
        )
        assert answer.status_code == 415, content_type
    assert api.get("/api/environment/switches").json()["switches"]["emergency"]["on"] is False


def test_a_session_change_of_a_type_the_operation_does_not_take_is_refused(api: Api) -> None:
    """Raw bytes are allowed from a session (for data file uploads), but only where the operation takes them."""
    api.login()
    answer = api.client.put(
        "/api/environment/switches/emergency",
        content=b'{"on": true}',
        headers={"Origin": ORIGIN, "Content-Type": "application/octet-stream"},
    )
    assert answer.status_code == 415
    assert api.get("/api/environment/switches").json()["switches"]["emergency"]["on"] is False


def test_a_token_needs_no_origin(api: Api) -> None:
    """Scripts with a bearer token are not browsers: no Origin is needed."""
    answer = api.put("/api/environment/switches/emergency", json={"on": True})
    assert answer.status_code == 200


def test_logins_and_failed_logins_are_audited(api: Api) -> None:
    """The audit log says who logged in, and who tried, from where."""
    api.login("viewer")
    api.login("viewer", "wrong")
    entries = api.get("/api/audit").json()["entries"]
    assert [(e["action"], e["target"]) for e in entries[:2]] == [("login.failed", "viewer"), ("login", "viewer")]
    assert entries[0]["address"]


def test_the_audit_log_pages_and_refuses_nonsense(api: Api) -> None:
    """`before` pages back; numbers no entry can have are refused, not a server error."""
    entries = api.get("/api/audit").json()["entries"]
    older = api.get(f"/api/audit?before={entries[0]['id']}").json()["entries"]
    assert older[0]["id"] < entries[0]["id"]
    for query in ("before=0", "before=" + "9" * 30, "limit=0", "limit=5000", "before=x"):
        assert api.get(f"/api/audit?{query}").status_code == 422, query
