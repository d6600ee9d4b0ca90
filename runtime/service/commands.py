"""The service's commands: `callflow serve`, `tenant`, `user`, `token`, `import` and `export`."""

from __future__ import annotations

import functools
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from callflow.flowlang.cli import UserError
from callflow.runtime.store.errors import StoreError

# The service (the store, argon2, the checks, the simulator) is imported when a command runs, not for
# `callflow --help` (flowlang/cli.py); these three are written here for the options' help, and a test keeps them
# equal to the service's own.
if TYPE_CHECKING:
    from callflow.runtime.service.core import Service
    from callflow.runtime.store.audit import Actor

DEFAULT_TENANT = "default"
"""`runtime/service/accounts.py`'s DEFAULT_TENANT."""
DATA_VARIABLE = "CALLFLOW_DATA"
"""`runtime/store/folder.py`'s ENVIRONMENT_VARIABLE."""
ROLES = ("viewer", "editor", "admin")
"""The names of `runtime/store/users.py`'s Role."""

DATA = click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"The data folder (default: ${DATA_VARIABLE}, else ./callflow-data).",
)
TENANT = click.option("--tenant", default=DEFAULT_TENANT, show_default=True, help="The tenant.")


def open_service(data: Path | None) -> Service:
    """The service over a data folder, created (with its first tenant and admin) on first use."""
    from callflow.runtime.service.accounts import first_start
    from callflow.runtime.service.core import Service
    from callflow.runtime.store.folder import default_data_folder

    service = Service(data or default_data_folder())
    password = first_start(service.folder)
    if password is not None:
        click.echo(
            f"Created tenant `{DEFAULT_TENANT}` with the user `admin`, password: {password}\n"
            "(shown once; change it with `callflow user passwd admin`)",
            err=True,
        )
    return service


def actor() -> Actor:
    """Who runs a command, as the audit log names them."""
    from callflow.runtime.store.audit import Actor

    return Actor(f"cli:{getpass.getuser()}")


def read_password(stdin: bool) -> str:
    """A password from standard input (`--password-stdin`) or asked for twice without echo."""
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


F = TypeVar("F", bound=Callable[..., Any])


def _store_errors(function: F) -> F:
    """A command whose store errors (a taken name, an unknown user...) end in a clear message, not a traceback."""

    @functools.wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except StoreError as error:
            raise UserError(error.message) from None

    return cast(F, wrapped)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="The port.")
@click.option(
    "--prune-at",
    "prune_at",
    default="30 3 * * *",
    show_default=True,
    metavar="CRON",
    help="When each tenant's retention is applied (a cron expression, in the tenant's time zone); also at start.",
)
@click.option("--no-prune", is_flag=True, help="Never prune records here (`callflow records prune` from cron).")
@DATA
def serve(host: str, port: int, prune_at: str, no_prune: bool, data: Path | None) -> None:
    """Serve the flow service and the designer."""
    import logging

    import uvicorn

    from callflow.runtime.service.retention import check_schedule
    from callflow.server import create_app

    try:
        schedule = None if no_prune else check_schedule(prune_at)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--prune-at") from None
    service = open_service(data)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = create_app(service.folder.path, prune_schedule=schedule)
    click.echo(f"Callflow serving {service.folder.path.resolve()} on http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


@click.group()
def tenant() -> None:
    """Tenants: virtual call centres with their own flows, environment, data and users."""


@tenant.command("add")
@click.argument("name")
@click.option("--title", help="A title to show.")
@DATA
@_store_errors
def tenant_add(name: str, title: str | None, data: Path | None) -> None:
    """Add a tenant."""
    added = open_service(data).folder.tenants.add(name, title)
    click.echo(f"added tenant {added.name}")


@tenant.command("list")
@DATA
def tenant_list(data: Path | None) -> None:
    """List the tenants."""
    for found in open_service(data).folder.tenants.all():
        click.echo(f"{found.name}\t{found.title or ''}")


@click.group()
def user() -> None:
    """A tenant's users: viewer, editor or admin."""


@user.command("add")
@click.argument("name")
@TENANT
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@DATA
@_store_errors
def user_add(name: str, tenant: str, role: str, password_stdin: bool, data: Path | None) -> None:
    """Add a user to a tenant."""
    from callflow.runtime.store.users import role_named

    folder = open_service(data).folder
    found = folder.tenants.get(tenant)
    folder.users.add(found.id, name, role_named(role), read_password(password_stdin), actor())
    click.echo(f"added {role} {name} to {tenant}")


@user.command("passwd")
@click.argument("name")
@TENANT
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@DATA
@_store_errors
def user_passwd(name: str, tenant: str, password_stdin: bool, data: Path | None) -> None:
    """Set a user's password (their sessions end)."""
    folder = open_service(data).folder
    found = folder.users.get(folder.tenants.get(tenant).id, name)
    folder.users.set_password(found.id, read_password(password_stdin), actor())
    click.echo(f"changed the password of {name}")


@user.command("list")
@TENANT
@DATA
@_store_errors
def user_list(tenant: str, data: Path | None) -> None:
    """List a tenant's users."""
    folder = open_service(data).folder
    for found in folder.users.all(folder.tenants.get(tenant).id):
        click.echo(f"{found.name}\t{found.role.name}")


@click.group()
def token() -> None:
    """API tokens for scripts and CI (`Authorization: Bearer <token>`)."""


@token.command("create")
@click.option("--user", "user_name", default="admin", show_default=True, help="The user the token acts as.")
@TENANT
@click.option("--name", default="script", show_default=True, help="What the token is for.")
@DATA
@_store_errors
def token_create(user_name: str, tenant: str, name: str, data: Path | None) -> None:
    """Create a token; it is printed once."""
    folder = open_service(data).folder
    found = folder.users.get(folder.tenants.get(tenant).id, user_name)
    click.echo(folder.credentials.create_token(found.id, name))


@token.command("list")
@click.option("--user", "user_name", default="admin", show_default=True, help="Whose tokens.")
@TENANT
@DATA
@_store_errors
def token_list(user_name: str, tenant: str, data: Path | None) -> None:
    """List a user's tokens."""
    folder = open_service(data).folder
    found = folder.users.get(folder.tenants.get(tenant).id, user_name)
    for item in folder.credentials.tokens(found.id):
        state = f"revoked {item.revoked_at}" if item.revoked_at else "active"
        click.echo(f"{item.id}\t{item.name}\t{item.created_at}\t{state}")


@token.command("revoke")
@click.argument("token_id", type=int)
@click.option("--user", "user_name", default="admin", show_default=True, help="Whose token.")
@TENANT
@DATA
@_store_errors
def token_revoke(token_id: int, user_name: str, tenant: str, data: Path | None) -> None:
    """Revoke a token."""
    folder = open_service(data).folder
    found = folder.users.get(folder.tenants.get(tenant).id, user_name)
    if not folder.credentials.revoke_token(found.id, token_id):
        raise UserError(f"{user_name} has no active token {token_id}")
    click.echo(f"revoked token {token_id}")


@click.command("import")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@TENANT
@click.option("--publish", "publish_all", is_flag=True, help="Publish every imported flow (checked and tested).")
@DATA
@_store_errors
def import_command(source: Path, tenant: str, publish_all: bool, data: Path | None) -> None:
    """Load a folder's flows, tests, environment and data files into a tenant (drafts are replaced)."""
    from callflow.runtime.service.transfer import import_folder

    service = open_service(data)
    workspace = service.workspace_named(tenant)
    done = import_folder(workspace, source, actor())
    click.echo(
        f"imported into {tenant}: {len(done.flows)} flows, {len(done.suites)} test files, {len(done.files)} data files"
        + (", the environment" if done.environment else "")
    )
    if publish_all:
        failed = _publish_all(service, tenant, done.flows)
        if failed:
            sys.exit(1)


def _publish_all(service: Service, tenant: str, names: list[str]) -> int:
    """Publish flows, called flows first; how many were refused."""
    import asyncio

    from callflow.flowlang.diagnostics import SUBFLOW_NOT_FOUND
    from callflow.runtime.service.publishing import PublishRefused, publish

    workspace = service.workspace_named(tenant)
    pending, refused = list(names), 0
    while pending:
        progress = False
        for name in list(pending):
            try:
                version = asyncio.run(publish(workspace, name, "imported", actor(), force=False))
            except PublishRefused as error:
                if error.reason == "flow_has_errors" and any(d.code == SUBFLOW_NOT_FOUND for d in error.diagnostics):
                    continue  # it calls a flow not published yet: try again after the others
                click.echo(f"not published: {name}: {error}", err=True)
                refused += 1
            else:
                click.echo(f"published {name} version {version.version}")
            pending.remove(name)
            progress = True
        if not progress:
            for name in pending:
                click.echo(f"not published: {name}: it calls a flow that could not be published", err=True)
            return refused + len(pending)
    return refused


@click.command("export")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@TENANT
@click.option("--published", is_flag=True, help="Export the newest published versions instead of the drafts.")
@DATA
@_store_errors
def export_command(target: Path, tenant: str, published: bool, data: Path | None) -> None:
    """Write a tenant's flows (as `callflow fmt` writes them), tests, environment and data files into a folder."""
    from callflow.runtime.service.transfer import export_folder

    written = export_folder(open_service(data).workspace_named(tenant), target, published=published)
    click.echo(f"exported {len(written)} files to {target}")
