"""Who is asking: a browser session (cookie) or a script's token (bearer), and cross-site request forgery refused."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from callflow.runtime.api.errors import ApiError
from callflow.runtime.service.core import Service
from callflow.runtime.store.audit import Actor
from callflow.runtime.store.errors import NotFound
from callflow.runtime.store.tenants import Tenant
from callflow.runtime.store.users import Role, User

COOKIE = "callflow_session"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
BODY_TYPES = ("application/json", "text/x-callflow", "application/yaml", "application/toml", "application/octet-stream")
"""The content types a state-changing request from a browser session may carry: none a plain HTML form can send
(forms send only `application/x-www-form-urlencoded`, `multipart/form-data` and `text/plain`; any other type
needs a CORS preflight, which the service never grants). Each operation still takes only its own types."""


@dataclass(frozen=True)
class Principal:
    """A logged-in user, and how they proved it."""

    tenant: Tenant
    user: User
    via: str
    secret: str

    def actor(self, request: Request) -> Actor:
        """The user as the audit log names them."""
        return Actor(self.user.name, client_address(request))

    def require(self, role: Role) -> None:
        """Refuse a user whose role is below `role`."""
        if self.user.role < role:
            raise ApiError(
                403, "forbidden", f"this needs the {role.name} role; {self.user.name} is {self.user.role.name}"
            )


def client_address(request: Request) -> str:
    """The address a request came from."""
    return request.client.host if request.client else "unknown"


def authenticate(request: Request, service: Service) -> Principal | None:
    """The user behind a request's bearer token or session cookie, if any."""
    header = request.headers.get("authorization", "")
    credentials = service.folder.credentials
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(401, "unauthorized", "the Authorization header must be `Bearer <token>`")
        user_id = credentials.token_user(secret.strip())
        if user_id is None:
            raise ApiError(401, "unauthorized", "this token is not valid (revoked, or never issued)")
        return _principal(service, user_id, "token", secret.strip())
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    user_id = credentials.session_user(cookie)
    return _principal(service, user_id, "session", cookie) if user_id is not None else None


def _principal(service: Service, user_id: int, via: str, secret: str) -> Principal | None:
    try:
        user = service.folder.users.by_id(user_id)
        tenant = service.folder.tenants.by_id(user.tenant_id)
    except NotFound:
        return None
    return Principal(tenant, user, via, secret)


def refuse_forgery(request: Request, principal: Principal) -> None:
    """A browser session's state-changing request must come from the page itself: same origin, API content type."""
    if principal.via != "session" or request.method in SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
    if origin is None or origin.rstrip("/") != own:
        raise ApiError(403, "cross_origin", f"a change with a session cookie must come from {own} (Origin: {origin})")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in BODY_TYPES:
        allowed = ", ".join(BODY_TYPES)
        raise ApiError(415, "unsupported_media_type", f"a change with a session cookie must send one of: {allowed}")
