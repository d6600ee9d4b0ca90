"""Logging in and out, and who is logged in."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from callflow.runtime.api.auth import COOKIE, Principal, client_address
from callflow.runtime.api.errors import ApiError
from callflow.runtime.api.operation import Call, Operation
from callflow.runtime.api.schemas import ANY_OBJECT, STRING, USER, obj
from callflow.runtime.service.accounts import DEFAULT_TENANT, LoginFailed, LoginLimited, login
from callflow.runtime.store.credentials import SESSION_DAYS


def user_json(principal: Principal) -> dict[str, Any]:
    """A user as the API shows them."""
    return {"name": principal.user.name, "role": principal.user.role.name, "tenant": principal.tenant.name}


def log_in(call: Call) -> Response:
    """Check the password; a session cookie on success."""
    body = call.body
    tenant_name = body.get("tenant") or DEFAULT_TENANT
    try:
        tenant, user, secret = login(
            call.service.folder, tenant_name, body["username"], body["password"], client_address(call.request)
        )
    except LoginLimited as limited:
        error = ApiError(429, "too_many_logins", "too many failed logins; wait and try again")
        error.headers["Retry-After"] = str(round(limited.retry_after_s))
        raise error from None
    except LoginFailed:
        raise ApiError(401, "login_failed", "wrong tenant, user name or password") from None
    answer = {"user": {"name": user.name, "role": user.role.name, "tenant": tenant.name}}
    response = JSONResponse(answer)
    response.set_cookie(
        COOKIE,
        secret,
        max_age=SESSION_DAYS * 86400,
        httponly=True,
        samesite="strict",
        secure=call.request.url.scheme == "https",
        path="/",
    )
    return response


def log_out(call: Call) -> Response:
    """End the session (a token stays valid: revoke it with `callflow token revoke`)."""
    if call.user.via == "session":
        call.service.folder.credentials.end_session(call.user.secret)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


def me(call: Call) -> dict[str, Any]:
    """The logged-in user and their tenant (with its time zone, the environment's: the designer shows times in it)."""
    tenant = call.user.tenant
    zone = call.workspace.environment().timezone
    return {"user": user_json(call.user), "tenant": {"name": tenant.name, "title": tenant.title, "time_zone": zone}}


def change_password(call: Call) -> Response:
    """Change one's own password (every session ends; log in again)."""
    folder = call.service.folder
    if folder.users.verify(call.user.tenant.id, call.user.user.name, call.body["old_password"]) is None:
        raise ApiError(403, "wrong_password", "the current password is not right")
    folder.users.set_password(call.user.user.id, call.body["new_password"], call.actor)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


LOGIN = obj({"username": {"type": "string", "minLength": 1}, "password": STRING}, {"tenant": STRING})

OPERATIONS = (
    Operation(
        "POST",
        "/api/login",
        "Log in: a session cookie (HttpOnly, SameSite=Strict)",
        log_in,
        "session",
        role=None,
        body=LOGIN,
        response=obj({"user": USER}),
        errors=(401, 429),
    ),
    Operation("POST", "/api/logout", "Log out: the session ends", log_out, "session", status=204, body_required=False),
    Operation(
        "GET",
        "/api/me",
        "The logged-in user and tenant",
        me,
        "session",
        response=obj({"user": USER, "tenant": ANY_OBJECT}),
    ),
    Operation(
        "POST",
        "/api/me/password",
        "Change one's own password; every session of the user ends",
        change_password,
        "session",
        body=obj({"old_password": STRING, "new_password": {"type": "string", "minLength": 8}}),
        status=204,
        errors=(403,),
    ),
)
