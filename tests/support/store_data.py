"""A flow service's data folder for the live tests: the examples imported and published as the docs say
(`callflow import examples/ --publish --data D`), and a second tenant `clinic` with numbers of its own."""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner

from callflow.runtime.service.commands import import_command
from callflow.runtime.service.core import Service
from callflow.runtime.service.drafts import DSL, save_draft
from callflow.runtime.service.environment import save as save_environment
from callflow.runtime.service.publishing import publish
from callflow.runtime.store.audit import Actor
from callflow.runtime.store.users import Role

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PASSWORD = "correct horse battery"
CLINIC_FLOW = """\
flow front_desk
  title "The clinic's front desk"
  languages en

prompt welcome
  en "Welcome to the clinic. Goodbye."

start: say welcome -> end

end: hangup
"""
CLINIC_ENVIRONMENT = """\
timezone = "Asia/Shanghai"

[numbers]
7300 = "front_desk"
7301 = "not_published"
"""


def make_store(data: Path) -> str:
    """Fill `data`: tenant `default` with the published examples; tenant `clinic` claiming 7300 (its published
    `front_desk`) and 7301 (a flow never published). The token of `default`'s admin."""
    result = CliRunner().invoke(
        import_command,
        [str(EXAMPLES), "--publish", "--data", str(data)],
        env={"CALLFLOW_ADMIN_PASSWORD": PASSWORD},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "published hotline_12345 version 1" in result.output
    service = Service(data)
    folder = service.folder
    clinic = folder.tenants.add("clinic", "A clinic")
    folder.users.add(clinic.id, "admin", Role.admin, PASSWORD, Actor("test"))
    workspace = service.workspace(clinic)
    save_environment(workspace, CLINIC_ENVIRONMENT, 0, Actor("test"))
    save_draft(workspace, "front_desk", CLINIC_FLOW, DSL, None, Actor("test"))
    save_draft(workspace, "not_published", CLINIC_FLOW.replace("front_desk", "not_published"), DSL, None, Actor("t"))
    asyncio.run(publish(workspace, "front_desk", "first", Actor("test"), force=False))
    default = folder.tenants.get("default")
    token = folder.credentials.create_token(folder.users.get(default.id, "admin").id, "tests")
    folder.close()
    return token
