"""The tenant's users and the audit log: an admin's pages."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from callflow.runtime.api.errors import ApiError
from callflow.runtime.api.operation import Call, Operation, Query
from callflow.runtime.api.schemas import ANY_OBJECT, STRING, array, obj
from callflow.runtime.store.users import NAME, Role, User, role_named

ROLE = {"enum": [r.name for r in Role]}
USER_NAME = {
    "type": "string",
    "pattern": NAME.pattern.join("^$"),
    "description": "a user name: a letter or digit, then letters, digits, '.', '_', '@' or '-' (64 at most)",
}


def user_json(user: User) -> dict[str, Any]:
    """A user as the admin page lists them."""
    return {
        "name": user.name,
        "role": user.role.name,
        "created_at": user.created_at,
        "password_changed_at": user.password_changed_at,
    }


def _named(call: Call) -> User:
    return call.service.folder.users.get(call.user.tenant.id, str(call.params["user"]))


def list_users(call: Call) -> dict[str, Any]:
    """Every user of the tenant."""
    return {"users": [user_json(u) for u in call.service.folder.users.all(call.user.tenant.id)]}


def add_user(call: Call) -> dict[str, Any]:
    """A new user."""
    body = call.body
    user = call.service.folder.users.add(
        call.user.tenant.id, body["name"], role_named(body["role"]), body["password"], call.actor
    )
    return user_json(user)


def change_user(call: Call) -> dict[str, Any]:
    """A user's new role and/or password (a new password ends their sessions)."""
    user = _named(call)
    folder = call.service.folder
    if "role" in call.body:
        folder.users.set_role(user.id, role_named(call.body["role"]), call.actor)
    if "password" in call.body:
        folder.users.set_password(user.id, call.body["password"], call.actor)
    return user_json(folder.users.by_id(user.id))


def remove_user(call: Call) -> Response:
    """Remove a user."""
    user = _named(call)
    if user.id == call.user.user.id:
        raise ApiError(409, "conflict", "you cannot remove yourself; another admin can")
    call.service.folder.users.remove(user.id, call.actor)
    return Response(status_code=204)


def audit(call: Call) -> dict[str, Any]:
    """The audit log, newest first (`before`: an entry id, to page back)."""
    before = call.query.get("before")
    limit = call.query.get("limit", "100")
    before_ok = before is None or (before.isdigit() and 0 < int(before) < 2**63)
    if not before_ok or not (limit.isdigit() and 0 < int(limit) <= 1000):
        raise ApiError(422, "invalid", "`before` is an entry id and `limit` a number from 1 to 1000")
    entries = call.service.folder.audit.entries(
        call.user.tenant.id, limit=int(limit), before=int(before) if before else None, action=call.query.get("action")
    )
    return {"entries": [e.to_json() for e in entries]}


USER = obj({"name": STRING, "role": ROLE, "created_at": STRING, "password_changed_at": {"type": ["string", "null"]}})

OPERATIONS = (
    Operation(
        "GET",
        "/api/users",
        "The tenant's users",
        list_users,
        "users",
        role=Role.admin,
        response=obj({"users": array(USER)}),
    ),
    Operation(
        "POST",
        "/api/users",
        "Add a user",
        add_user,
        "users",
        role=Role.admin,
        body=obj({"name": USER_NAME, "role": ROLE, "password": {"type": "string", "minLength": 8}}),
        response=USER,
        status=201,
        errors=(409, 422),
    ),
    Operation(
        "PATCH",
        "/api/users/{user}",
        "Change a user's role or password",
        change_user,
        "users",
        role=Role.admin,
        body={**obj({}, {"role": ROLE, "password": {"type": "string", "minLength": 8}}), "minProperties": 1},
        response=USER,
        errors=(404, 422),
    ),
    Operation(
        "DELETE",
        "/api/users/{user}",
        "Remove a user",
        remove_user,
        "users",
        role=Role.admin,
        status=204,
        errors=(404, 409, 422),
    ),
    Operation(
        "GET",
        "/api/audit",
        "The audit log, newest first",
        audit,
        "users",
        role=Role.admin,
        query=(
            Query(
                "before", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, "an entry id: the entries before it"
            ),
            Query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "how many entries (at most 1000)"),
            Query("action", {"type": "string"}, "only entries of this action (flow.publish, switch.flip, login...)"),
        ),
        response=obj({"entries": array(ANY_OBJECT)}),
        errors=(422,),
    ),
)
