"""`callflow records`, `callflow report` and `callflow voicemail`: call records, reports and the inbox of a data
folder, from the command line."""

from __future__ import annotations

import getpass
import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click

from callflow.flowlang.cli import UserError
from callflow.runtime.service.commands import DATA_VARIABLE, DEFAULT_TENANT
from callflow.runtime.service.records import RecordBook
from callflow.runtime.service.report_output import FORMATS, as_csv, as_table, check_by, scope_for, today_in
from callflow.runtime.service.reports import REPORTS
from callflow.runtime.store import call_reads
from callflow.runtime.store.errors import NotFound
from callflow.runtime.store.voicemail_inbox import STATES, Message

DATA = click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"The data folder (default: ${DATA_VARIABLE}, else ./callflow-data).",
)
TENANT = click.option("--tenant", default=DEFAULT_TENANT, show_default=True, help="The tenant.")
FORMAT = click.option("--format", "output", type=click.Choice(FORMATS), default="table", show_default=True)


def open_records(data: Path | None) -> RecordBook:
    """The records of a data folder that exists."""
    from callflow.runtime.store.folder import DATABASE, default_data_folder  # sqlite-utils: when a command runs

    folder = data or default_data_folder()
    if not (folder / DATABASE).exists() and not (folder / "records.db").exists():
        raise UserError(f"{folder} is not a data folder (no {DATABASE}); give --data DIR")
    return RecordBook(folder)


def tenant_today(data: Path | None, tenant: str) -> date:
    """Today in the tenant's time zone (its environment's), or in UTC when it has none."""
    from callflow.runtime.service.core import Service  # the service's folder only for its environment

    try:
        return today_in(Service(data or default_folder()).workspace_named(tenant).environment().timezone)
    except (NotFound, OSError, ValueError):
        return today_in("UTC")


def _period(day_from: str | None, day_to: str | None) -> None:
    """Refuse `--from` after `--to` (the API answers such a period with nothing)."""
    if day_from and day_to and day_from > day_to:
        raise UserError(f"--from ({day_from}) is after --to ({day_to})")


def _write(rows: list[dict[str, Any]], columns: list[str], output: str) -> None:
    answer = {"columns": columns, "rows": rows, "summary": {}, "by": None}
    if output == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif output == "csv":
        click.echo(as_csv(answer), nl=False)
    else:
        click.echo(as_table(answer), nl=False)


# -- callflow report --------------------------------------------------------------------------------------------


@click.command()
@click.argument("name", type=click.Choice(list(REPORTS)))
@click.option("--from", "day_from", metavar="DATE", help="The first local day (default: 29 days before --to).")
@click.option("--to", "day_to", metavar="DATE", help="The last local day, included (default: today).")
@click.option("--flow", help="Only this flow's calls.")
@click.option("--version", type=click.IntRange(0), help="Only this version of --flow (0: drafts and files).")
@click.option("--by", type=click.Choice(["hour", "day", "week", "month"]), help="One row per period.")
@click.option("--origin", type=click.Choice(["live", "simulated"]), help="Only live or only simulated calls.")
@click.option(
    "--tests",
    is_flag=True,
    help="paths: run --flow's tests on the version (default: its newest published) and add the cases through each "
    "node and exit (`tested`), and how many called nodes and exits no test takes.",
)
@DATA
@TENANT
@FORMAT
def report(
    name: str,
    day_from: str | None,
    day_to: str | None,
    flow: str | None,
    version: int | None,
    by: str | None,
    origin: str | None,
    tests: bool,
    data: Path | None,
    tenant: str,
    output: str,
) -> None:
    """Print a report on the call records: calls, ivr, menus, queues, transfers, voicemail, survey, hours, areas,
    paths (the heat map's numbers) or errors."""
    records = open_records(data)
    _period(day_from, day_to)
    try:
        today = tenant_today(data, tenant)
        scope = scope_for(
            tenant, day_from=day_from, day_to=day_to, today=today, flow=flow, version=version, origin=origin
        )
        if tests and name != "paths":
            raise UserError("--tests goes with the paths report")
        if tests:
            from callflow.runtime.service.paths_tests import paths_beside_tests  # the simulator: only when asked

            answer = paths_beside_tests(data or default_folder(), scope, records.connection())
        else:
            answer = REPORTS[name](records.connection(), scope, check_by(by))
    except ValueError as error:
        raise UserError(str(error)) from None
    if output == "json":
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
    elif output == "csv":
        click.echo(as_csv(answer), nl=False)
    else:
        version_shown = answer["scope"]["version"]
        flow_shown = f", flow {flow}" + (f" v{version_shown}" if version_shown is not None else "") if flow else ""
        click.echo(f"{name}: {scope.day_from} to {scope.day_to}{flow_shown}")
        click.echo(as_table(answer), nl=False)


# -- callflow records -------------------------------------------------------------------------------------------


@click.group()
def records() -> None:
    """Call records: list them, show one, prune old ones, set a tenant's retention."""


LIST_COLUMNS = ["call_id", "start", "flow", "version", "caller", "called", "outcome", "end_node", "duration_s"]


@records.command("list")
@click.option("--from", "day_from", metavar="DATE")
@click.option("--to", "day_to", metavar="DATE")
@click.option("--flow")
@click.option(
    "--outcome",
    type=click.Choice(["self_served", "agent", "voicemail", "transferred", "abandoned", "fallback", "unfinished"]),
)
@click.option("--node", help="Only calls that passed this node.")
@click.option("--limit", type=click.IntRange(1, 100000), default=50, show_default=True)
@DATA
@TENANT
@FORMAT
def list_records(
    day_from: str | None,
    day_to: str | None,
    flow: str | None,
    outcome: str | None,
    node: str | None,
    limit: int,
    data: Path | None,
    tenant: str,
    output: str,
) -> None:
    """List call records, newest first."""
    book = open_records(data)
    try:
        scope = scope_for(tenant, day_from=day_from, day_to=day_to, today=tenant_today(data, tenant), flow=flow)
    except ValueError as error:
        raise UserError(str(error)) from None
    found = call_reads.calls(book.connection(), scope, outcome=outcome, node=node, limit=limit)
    _write(found, LIST_COLUMNS, output)


@records.command("show")
@click.argument("call_id")
@DATA
@TENANT
def show_record(call_id: str, data: Path | None, tenant: str) -> None:
    """Print one call's record with its trace, as JSON."""
    try:
        record = call_reads.call(open_records(data).connection(), tenant, call_id)
    except NotFound as error:
        raise UserError(error.message) from None
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))


@records.command("prune")
@click.option(
    "--before", metavar="DATE", help="Remove calls of local days before this date (default: each tenant's retention)."
)
@click.option("--tenant", default=None, help="Only this tenant's records (default: every tenant's).")
@DATA
def prune(before: str | None, tenant: str | None, data: Path | None) -> None:
    """Remove old call records with their rows, tallies and voicemail messages (audio included)."""
    from callflow.runtime.service.retention import prune_lock, prune_tenant, utc_now
    from callflow.runtime.store.pruning import prune_before

    book = open_records(data)
    connection = book.connection()
    if before is not None:
        try:
            date.fromisoformat(before)
        except ValueError:
            raise click.BadParameter(f"{before!r} is not a date such as 2026-01-01", param_hint="--before") from None
        plans = [(tenant, before)]
    else:
        kept = call_reads.retention(connection)
        if tenant is not None:
            kept = {t: d for t, d in kept.items() if t == tenant}
        if not kept:
            raise UserError("no --before date and no retention set; set one with `callflow records retention`")
        plans = [(t, (tenant_today(data, t) - timedelta(days=days)).isoformat()) for t, days in kept.items()]
    with prune_lock(book.data, wait=True):  # after a scheduled prune under way (`callflow serve`) ends
        for which, day in plans:
            if which is None:
                pruned = prune_before(connection, book.data, day)
                removed, messages, files = pruned.calls, pruned.messages, pruned.files
            else:
                run = prune_tenant(book, which, day, utc_now())
                removed, messages, files = run.calls, run.messages, run.files
            who = f"tenant {which}" if which else "every tenant"
            click.echo(
                f"{who}: removed {removed} call record(s) before {day}, {messages} voicemail message(s) "
                f"and {files} audio file(s)"
            )


@records.command("retention")
@click.argument("days", type=click.IntRange(1), required=False)
@click.option("--forever", is_flag=True, help="Keep the tenant's records for ever.")
@DATA
@TENANT
def retention(days: int | None, forever: bool, data: Path | None, tenant: str) -> None:
    """Show or set how many days a tenant's records are kept (`callflow serve` applies it daily, and
    `callflow records prune`)."""
    connection = open_records(data).connection()
    if days is not None or forever:
        call_reads.set_retention(connection, tenant, None if forever else days)
    kept = call_reads.retention(connection).get(tenant)
    click.echo(f"tenant {tenant}: " + (f"records kept {kept} days" if kept else "records kept for ever"))


# -- callflow voicemail -----------------------------------------------------------------------------------------


@click.group()
def voicemail() -> None:
    """The voicemail inbox: list messages, play one, export them, mark them read or handled."""


MESSAGE_COLUMNS = ["id", "time", "mailbox", "caller", "seconds", "language", "state", "handled_by", "note"]


def _message(book: RecordBook, tenant: str, message_id: int) -> Message:
    try:
        return book.inbox.get(tenant, message_id)
    except NotFound as error:
        raise UserError(error.message) from None


@voicemail.command("list")
@click.option("--mailbox")
@click.option("--state", type=click.Choice(STATES))
@DATA
@TENANT
@FORMAT
def list_messages(mailbox: str | None, state: str | None, data: Path | None, tenant: str, output: str) -> None:
    """List messages, newest first."""
    found = open_records(data).inbox.messages(tenant, mailbox=mailbox, state=state)
    _write([m.to_json() for m in found], MESSAGE_COLUMNS, output)


@voicemail.command("play")
@click.argument("message_id", type=int)
@DATA
@TENANT
def play(message_id: int, data: Path | None, tenant: str) -> None:
    """Play a message (aplay, paplay or ffplay) and mark it read."""
    book = open_records(data)
    message = _message(book, tenant, message_id)
    if not message.file or not book.audio_path(message.file).is_file():
        raise UserError(f"message {message_id} has no audio here")
    player = next((p for p in ("aplay", "paplay", "ffplay") if shutil.which(p)), None)
    if player is None:
        raise UserError(f"no audio player (aplay, paplay, ffplay); the message is {book.audio_path(message.file)}")
    arguments = [player, str(book.audio_path(message.file))] + (["-nodisp", "-autoexit"] if player == "ffplay" else [])
    subprocess.run(arguments, check=False)
    if message.state == "unread":
        book.inbox.mark(tenant, message_id, "read", getpass.getuser(), _now(), None)


@voicemail.command("export")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--mailbox")
@click.option("--state", type=click.Choice(STATES))
@DATA
@TENANT
@FORMAT
def export(target: Path, mailbox: str | None, state: str | None, data: Path | None, tenant: str, output: str) -> None:
    """Copy messages' audio into TARGET, with their list (messages.csv or messages.json; a table on screen)."""
    book = open_records(data)
    found = book.inbox.messages(tenant, mailbox=mailbox, state=state, limit=1_000_000)
    target.mkdir(parents=True, exist_ok=True)
    rows = []
    for message in found:
        row = message.to_json()
        if message.file and book.audio_path(message.file).is_file():
            name = f"{message.id}-{message.mailbox}.wav"
            shutil.copyfile(book.audio_path(message.file), target / name)
            row["audio"] = name
        rows.append(row)
    if output == "json":
        (target / "messages.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        columns = [*MESSAGE_COLUMNS, "audio"]
        (target / "messages.csv").write_text(as_csv({"columns": columns, "rows": rows}), encoding="utf-8")
    click.echo(f"exported {len(rows)} message(s) to {target}")


@voicemail.command("mark")
@click.argument("message_ids", type=int, nargs=-1, required=True)
@click.option("--state", type=click.Choice(STATES), default="handled", show_default=True)
@click.option("--note", help="A note kept with the message.")
@click.option("--by", default=None, help="Who handled it (default: your user name).")
@DATA
@TENANT
@FORMAT
def mark(
    message_ids: tuple[int, ...],
    state: str,
    note: str | None,
    by: str | None,
    data: Path | None,
    tenant: str,
    output: str,
) -> None:
    """Mark messages read, unread or handled, with a note."""
    book = open_records(data)
    marked = []
    for message_id in message_ids:
        _message(book, tenant, message_id)
        marked.append(book.inbox.mark(tenant, message_id, state, by or getpass.getuser(), _now(), note).to_json())
    _write(marked, MESSAGE_COLUMNS, output)


def default_folder() -> Path:
    """The data folder when no --data is given."""
    from callflow.runtime.store.folder import default_data_folder

    return default_data_folder()


def _now() -> str:
    from callflow.runtime.store.database import now

    return now()
