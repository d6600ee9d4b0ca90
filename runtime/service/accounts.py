"""Logging in, and the first start of a data folder: the tenant `default` and its account `admin`."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from callflow.runtime.store.audit import Actor
from callflow.runtime.store.folder import DataFolder
from callflow.runtime.store.tenants import Tenant
from callflow.runtime.store.users import Role, User

DEFAULT_TENANT = "default"
ADMIN = "admin"
PASSWORD_VARIABLE = "CALLFLOW_ADMIN_PASSWORD"
SYSTEM = Actor("system")


class LoginFailed(Exception):
    """A wrong user name or password (the same answer for both), or an unknown tenant."""


@dataclass
class LoginLimited(Exception):
    """Too many failed logins lately, for the account or the address."""

    retry_after_s: float


def first_start(folder: DataFolder) -> str | None:
    """On a folder with no tenant: create `default` and its `admin`; the password, when it was made up here."""
    if folder.tenants.all():
        return None
    given = os.environ.get(PASSWORD_VARIABLE)
    password = given or secrets.token_urlsafe(12)
    tenant = folder.tenants.add(DEFAULT_TENANT, "Default tenant")
    folder.users.add(tenant.id, ADMIN, Role.admin, password, SYSTEM)
    return None if given else password


def login(folder: DataFolder, tenant_name: str, name: str, password: str, address: str) -> tuple[Tenant, User, str]:
    """Check a login; the tenant, the user and a new session's secret. Failures are counted and audited."""
    account = f"{tenant_name}/{name}"
    wait = folder.logins.retry_after(account, address)
    if wait is not None:
        raise LoginLimited(wait)
    tenant = next((t for t in folder.tenants.all() if t.name == tenant_name), None)
    user = folder.users.verify(tenant.id, name, password) if tenant else None
    if tenant is None or user is None:
        folder.logins.failed(account, address)
        if tenant is not None:
            folder.audit.add(tenant.id, Actor(name, address), "login.failed", name)
        raise LoginFailed("wrong tenant, user name or password")
    folder.logins.succeeded(account)
    folder.audit.add(tenant.id, Actor(name, address), "login", name)
    return tenant, user, folder.credentials.start_session(user.id, address)
