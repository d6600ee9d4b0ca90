"""The service's commands: first start, tenants, users, tokens, and import/export of plain folders."""

from __future__ import annotations

import filecmp
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner

from callflow.flowlang.cli import COMMANDS_GROUP, cli
from callflow.runtime.store.folder import DataFolder

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture
def run(tmp_path: Path) -> CliRunner:
    """A runner with every installed command, over a fresh data folder."""
    for entry in entry_points(group=COMMANDS_GROUP):
        cli.add_command(entry.load(), entry.name)
    return CliRunner(env={"CALLFLOW_DATA": str(tmp_path / "data"), "CALLFLOW_ADMIN_PASSWORD": None})


def test_the_first_start_makes_the_default_tenant_and_prints_the_admin_password_once(run: CliRunner) -> None:
    """A new data folder gets tenant `default` and user `admin`; the password is shown once, and works."""
    first = run.invoke(cli, ["tenant", "list"])
    assert first.exit_code == 0, first.output
    assert "default" in first.stdout
    password = first.stderr.split("password: ")[1].split()[0]
    again = run.invoke(cli, ["tenant", "list"])
    assert "password" not in again.stderr
    folder = DataFolder(Path(run.env["CALLFLOW_DATA"] or ""))
    assert folder.users.verify(folder.tenants.get("default").id, "admin", password) is not None


def test_import_then_export_gives_back_the_same_files(run: CliRunner, tmp_path: Path) -> None:
    """Flows, tests, environment and data files come back byte for byte (flows as `callflow fmt` writes them)."""
    imported = run.invoke(cli, ["import", str(EXAMPLES)])
    assert imported.exit_code == 0, imported.output
    assert "5 flows, 9 test files, 13 data files, the environment" in imported.stdout
    exported = run.invoke(cli, ["export", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    sources = sorted(
        str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*") if p.is_file() and not p.name.endswith(".sqlite")
    )
    written = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert written == sources
    _, mismatch, errors = filecmp.cmpfiles(EXAMPLES, tmp_path / "out", sources, shallow=False)
    assert mismatch == [] and errors == []


def test_import_with_publish_publishes_called_flows_first(run: CliRunner) -> None:
    """bank_balance calls verify_pin: both are published, the callee first, every test passing."""
    result = run.invoke(cli, ["import", str(EXAMPLES), "--publish"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("published")]
    assert len(lines) == 5
    assert lines.index("published verify_pin version 1") < lines.index("published bank_balance version 1")


def test_users_and_tokens_from_the_command_line(run: CliRunner) -> None:
    """Add a tenant and an editor (password from standard input), list them, make and revoke a token."""
    assert run.invoke(cli, ["tenant", "add", "bank", "--title", "Lakeside Bank"]).exit_code == 0
    added = run.invoke(
        cli, ["user", "add", "li", "--tenant", "bank", "--role", "editor", "--password-stdin"], input="long enough\n"
    )
    assert added.exit_code == 0, added.output
    assert run.invoke(cli, ["user", "list", "--tenant", "bank"]).stdout == "li\teditor\n"
    token = run.invoke(cli, ["token", "create", "--tenant", "bank", "--user", "li"]).stdout.strip()
    assert token.startswith("cf_")
    folder = DataFolder(Path(run.env["CALLFLOW_DATA"] or ""))
    assert folder.credentials.token_user(token) is not None
    listed = run.invoke(cli, ["token", "list", "--tenant", "bank", "--user", "li"]).stdout
    token_id = listed.split("\t")[0]
    assert run.invoke(cli, ["token", "revoke", token_id, "--tenant", "bank", "--user", "li"]).exit_code == 0
    assert folder.credentials.token_user(token) is None


def test_mistakes_get_a_clear_message_not_a_traceback(run: CliRunner) -> None:
    """A short password, a taken name, an unknown tenant: exit 2 and one line saying what is wrong."""
    short = run.invoke(cli, ["user", "add", "x", "--role", "viewer", "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "at least 8 characters" in short.stderr
    taken = run.invoke(cli, ["tenant", "add", "default"])
    assert taken.exit_code == 2 and "already a tenant" in taken.stderr
    unknown = run.invoke(cli, ["user", "list", "--tenant", "nowhere"])
    assert unknown.exit_code == 2 and "no tenant 'nowhere'" in unknown.stderr
    bad_name = run.invoke(cli, ["tenant", "add", "Bad Name"])
    assert bad_name.exit_code == 2 and "cannot name a tenant" in bad_name.stderr


def test_the_commands_options_name_the_services_own_defaults() -> None:
    """The service's commands write the default tenant, the data folder's variable and the roles into their options
    without importing the service (to start quickly); they are the service's own."""
    from callflow.runtime.service import commands
    from callflow.runtime.service.accounts import DEFAULT_TENANT
    from callflow.runtime.store.folder import ENVIRONMENT_VARIABLE
    from callflow.runtime.store.users import Role

    assert commands.DEFAULT_TENANT == DEFAULT_TENANT
    assert commands.DATA_VARIABLE == ENVIRONMENT_VARIABLE
    assert tuple(role.name for role in Role) == commands.ROLES
