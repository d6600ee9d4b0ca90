"""A data folder for the service's tests: the bundled examples imported into tenant `default` (with a viewer, an
editor and an admin), and a second tenant `other` with a flow of its own. Made once, copied for each test."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from callflow.runtime.service.accounts import first_start
from callflow.runtime.service.core import Service
from callflow.runtime.service.drafts import DSL, save_draft
from callflow.runtime.service.transfer import import_folder
from callflow.runtime.store.audit import Actor
from callflow.runtime.store.users import Role
from callflow.server import create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PASSWORD = "correct horse battery"
ORIGIN = "http://testserver"
OTHER_FLOW = 'flow secret_line\n  title "Other tenant\'s line"\n  languages en\n\nstart: hangup\n'


@dataclass(frozen=True)
class Template:
    """The prepared data folder and the bearer token of each user."""

    folder: Path
    tokens: dict[str, str]


def make_template(folder: Path) -> Template:
    """Prepare the data folder."""
    import os

    os.environ["CALLFLOW_ADMIN_PASSWORD"] = PASSWORD
    try:
        service = Service(folder)
        first_start(service.folder)
    finally:
        del os.environ["CALLFLOW_ADMIN_PASSWORD"]
    store = service.folder
    default = store.tenants.get("default")
    import_folder(service.workspace(default), EXAMPLES, Actor("test"))
    tokens = {"admin": _token(service, default.id, "admin")}
    for role in (Role.viewer, Role.editor):
        store.users.add(default.id, role.name, role, PASSWORD, Actor("test"))
        tokens[role.name] = _token(service, default.id, role.name)
    other = store.tenants.add("other", "Another call centre")
    store.users.add(other.id, "admin", Role.admin, PASSWORD, Actor("test"))
    save_draft(service.workspace(other), "secret_line", OTHER_FLOW, DSL, None, Actor("test"))
    tokens["other"] = _token(service, other.id, "admin")
    store.close()
    return Template(folder, tokens)


def _token(service: Service, tenant_id: int, name: str) -> str:
    user = service.folder.users.get(tenant_id, name)
    return service.folder.credentials.create_token(user.id, "tests")


class Api:
    """A test client of a fresh copy of the template, acting with one user's token (or a browser session)."""

    def __init__(self, template: Template, folder: Path) -> None:
        shutil.copytree(template.folder, folder)
        self.folder = folder
        self.tokens = template.tokens
        self.app = create_app(folder)
        self.client = TestClient(self.app, base_url=ORIGIN)

    @property
    def service(self) -> Service:
        """The service behind the application."""
        service: Service = self.app.state.service
        return service

    def as_(self, who: str | None) -> dict[str, str]:
        """Headers that act as a user (by token), or as nobody."""
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    def request(self, method: str, path: str, who: str | None = "admin", **options: Any) -> Any:
        """A request as a user (by token)."""
        headers = {**self.as_(who), **options.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **options)

    def get(self, path: str, who: str | None = "admin", **options: Any) -> Any:
        """GET as a user."""
        return self.request("GET", path, who, **options)

    def post(self, path: str, who: str | None = "admin", **options: Any) -> Any:
        """POST as a user."""
        return self.request("POST", path, who, **options)

    def put(self, path: str, who: str | None = "admin", **options: Any) -> Any:
        """PUT as a user."""
        return self.request("PUT", path, who, **options)

    def login(self, username: str = "admin", password: str = PASSWORD, tenant: str | None = None) -> Any:
        """Log in through the browser's way (a session cookie)."""
        body = {"username": username, "password": password, **({"tenant": tenant} if tenant else {})}
        return self.client.post("/api/login", json=body, headers={"Origin": ORIGIN})

    def close(self) -> None:
        """Close the client."""
        self.client.close()
