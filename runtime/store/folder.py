"""The data folder (`--data DIR`, `CALLFLOW_DATA`): the service's database and each tenant's files."""

from __future__ import annotations

import os
from pathlib import Path

from callflow.runtime.store.audit import Audit
from callflow.runtime.store.credentials import Credentials
from callflow.runtime.store.database import Database
from callflow.runtime.store.environments import Environments
from callflow.runtime.store.flows import Flows
from callflow.runtime.store.logins import Logins
from callflow.runtime.store.suites import Suites
from callflow.runtime.store.tenants import Tenant, Tenants
from callflow.runtime.store.users import Users
from callflow.runtime.store.versions import Versions

DEFAULT = Path("callflow-data")
ENVIRONMENT_VARIABLE = "CALLFLOW_DATA"
DATABASE = "callflow.db"


def default_data_folder() -> Path:
    """`CALLFLOW_DATA`, else `./callflow-data`."""
    return Path(os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT)


class DataFolder:
    """Everything the service keeps: one SQLite file for its state, and a folder of files per tenant."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.database = Database(path / DATABASE)
        self.tenants = Tenants(self.database)
        self.users = Users(self.database)
        self.credentials = Credentials(self.database)
        self.logins = Logins(self.database)
        self.flows = Flows(self.database)
        self.versions = Versions(self.database)
        self.suites = Suites(self.database)
        self.environments = Environments(self.database)
        self.audit = Audit(self.database)

    def files(self, tenant: Tenant) -> Path:
        """A tenant's files: data for lookups (CSV, SQLite) and the environments its tests name."""
        return self.path / "tenants" / tenant.name / "files"

    @property
    def prompts(self) -> Path:
        """The prompt cache (rendered audio, shared by tenants: a prompt's file is named by its text and voice)."""
        return self.path / "prompts"

    def close(self) -> None:
        """Close this thread's connection."""
        self.database.close()
