"""`callflow run` (serve live calls from Asterisk) and `callflow asterisk-config` (what Asterisk needs)."""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from callflow.flowlang.errors import FlowError
from callflow.runtime.service.commands import DATA_VARIABLE

# The machinery (numpy, the engine, AMI, the store) is imported when a command runs, not for `callflow --help`
# (flowlang/cli.py).
if TYPE_CHECKING:
    from callflow.flowlang.environment import Environment
    from callflow.runtime.asterisk.address import AmiAddress
    from callflow.runtime.asterisk.channel import LineSettings
    from callflow.runtime.asterisk.driver import Driver
    from callflow.runtime.asterisk.store_flows import StoreFlows
    from callflow.runtime.call_record import CallOrigin
    from callflow.runtime.records import SqliteStore
    from callflow.runtime.service.records import RecordBook
    from callflow.runtime.types import Store

_env_option = click.option(
    "--env",
    "env_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The environment file (default: callflow.toml in the flows folder or above it).",
)
_flows_option = click.option(
    "--flows",
    default=Path("examples"),
    show_default=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The folder of flows; the dialled number picks one through [numbers] of the environment.",
)
_prompts_option = click.option(
    "--prompts",
    default=Path("prompts"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The prompt cache (rendered files); Asterisk must be able to read it.",
)
log = logging.getLogger(__name__)

_trunk_option = click.option(
    "--trunk",
    default="PJSIP/{number}@trunk",
    show_default=True,
    help="How numbers of the environment's destinations are dialled.",
)


def _agi_folder(folder: Path, option: str) -> Path:
    """A folder Asterisk is given in AGI commands (as an absolute path): refused now if AGI could not take it
    (a space, a quote or a backslash would split the command's arguments and send every call to the fallback)."""
    from callflow.runtime.asterisk.agi import argument

    resolved = folder.resolve()
    try:
        argument(str(resolved))
    except ValueError:
        raise click.BadParameter(
            f"{str(resolved)!r}: Asterisk's AGI commands cannot name a path with spaces, quotes or backslashes; "
            "choose a folder without them",
            param_hint=option,
        ) from None
    return resolved


def raise_descriptor_limit() -> tuple[int, int]:
    """Raise this process's soft limit of open files to its hard limit (every call needs a few for a moment:
    prompts, recordings, traces); the limits before and after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            return soft, soft
        return soft, wanted
    return soft, soft


def _environment(env_path: Path | None, flows: Path) -> Environment:
    from callflow.flowlang.environment import find_environment, load_environment

    found = env_path or find_environment(flows / "any.flow")
    if found is None:
        raise click.UsageError(f"no callflow.toml in {flows} or above it: name one with --env")
    try:
        return load_environment(found)
    except FlowError as error:
        raise click.ClickException(str(error)) from None


@click.command("run")
@click.option(
    "--ami",
    "url",
    required=True,
    envvar="CALLFLOW_AMI_URL",
    help="ami://USER:SECRET@HOST:PORT, or amis://…[?cafile=CA.pem] for TLS",
)
@_flows_option
@_env_option
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    help="Serve what is published in the flow service's data folder (each number's tenant, its environment and "
    f"the newest published version of the flow; also ${DATA_VARIABLE}). Not with --flows or --env.",
)
@click.option(
    "--traces",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each call's trace (JSON lines, as `callflow simulate --json`) to DIR/<call id>.jsonl.",
)
@_prompts_option
@click.option(
    "--recordings",
    default=Path("recordings"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where voicemail and spoken answers are recorded (Asterisk writes there).",
)
@click.option(
    "--db", default=Path("callflow.sqlite"), show_default=True, type=click.Path(dir_okay=False, path_type=Path)
)
@_trunk_option
@click.option(
    "--grace",
    "grace_s",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds the calls in progress may go on after Ctrl-C or SIGTERM before they are handed to the "
    "dialplan's fallback (a second Ctrl-C hands them over at once).",
)
@click.pass_context
def run(
    ctx: click.Context,
    url: str,
    flows: Path,
    env_path: Path | None,
    data: Path | None,
    traces: Path | None,
    prompts: Path,
    recordings: Path,
    db: Path,
    trunk: str,
    grace_s: float,
) -> None:
    """Serve every call that Asterisk hands over with AGI(agi:async), until interrupted."""
    import asyncio

    from callflow.flowlang.registry import default_registry
    from callflow.runtime.asterisk.address import AddressError, AmiAddress
    from callflow.runtime.asterisk.ami import AmiError
    from callflow.runtime.asterisk.channel import LineSettings
    from callflow.runtime.asterisk.store_flows import StoreFlows
    from callflow.runtime.recorder import RecordingStore
    from callflow.runtime.records import SqliteStore
    from callflow.runtime.service.records import RecordBook
    from callflow.runtime.store.folder import DataFolder
    from callflow.runtime.store.recordings import name_folder
    from callflow.speech.cache import PromptCache
    from callflow.speech.synthesis import Pyttsx3Synthesizer

    try:
        address = AmiAddress.parse(url)
    except AddressError as error:
        raise click.BadParameter(str(error), param_hint="--ami") from None
    prompts = _agi_folder(prompts, "--prompts")
    recordings = _agi_folder(recordings, "--recordings")
    data = _data_folder(ctx, data, env_path)
    environment = _environment(env_path, flows) if data is None else None
    if (warning := address.warning()) is not None:
        click.echo(f"warning: {warning}", err=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    before, after = raise_descriptor_limit()
    if after > before:
        log.info("open files: soft limit raised from %d to %d", before, after)
    else:
        log.info("open files: soft limit %d (the hard limit)", after)
    store = SqliteStore(db)
    # with --data, every call's record (and voicemail) also goes to the data folder's records (docs/records.md)
    book = RecordBook(data) if data is not None else None
    if book is not None:  # a pruned call's recordings go with its record (runtime/store/recordings.py)
        name_folder(book.connection(), recordings)
    origins: dict[str, CallOrigin] = {}
    recording: Store = RecordingStore(store, book, origins.get) if book is not None else store
    settings = LineSettings(recordings, trunk)
    folder = DataFolder(data) if data is not None else None
    try:
        lookup = (
            StoreFlows(folder, default_registry(), recording, PromptCache(prompts, Pyttsx3Synthesizer()))
            if folder is not None
            else None
        )
        where = f"what is published in {data}" if data is not None else f"flows in {flows}"
        records = (book, origins)
        asyncio.run(
            _serve(address, flows, environment, lookup, store, prompts, settings, traces, grace_s, where, records)
        )
    except AmiError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
        if folder is not None:
            folder.close()
        if book is not None:
            book.close()


def _data_folder(ctx: click.Context, data: Path | None, env_path: Path | None) -> Path | None:
    """The flow service's data folder to serve from (`--data`, else `$CALLFLOW_DATA` unless --flows or --env is
    given), refused beside --flows or --env and when it holds no flow service."""
    from callflow.runtime.store.folder import DATABASE

    flows_given = ctx.get_parameter_source("flows") not in (None, click.core.ParameterSource.DEFAULT)
    if data is not None and (flows_given or env_path is not None):
        raise click.UsageError(
            "--data serves what is published in the flow service, --flows and --env serve plain files: "
            "give one or the other"
        )
    if data is None and not flows_given and env_path is None and os.environ.get(DATA_VARIABLE):
        data = Path(os.environ[DATA_VARIABLE])
    if data is not None and not (data / DATABASE).is_file():
        raise click.BadParameter(
            f"{data} holds no flow service data: import flows first (callflow import examples/ --publish "
            f"--data {data})",
            param_hint="--data",
        )
    return data


async def _serve(
    address: AmiAddress,
    flows: Path,
    environment: Environment | None,
    lookup: StoreFlows | None,
    store: SqliteStore,
    prompts: Path,
    settings: LineSettings,
    traces: Path | None,
    grace_s: float,
    where: str,
    records: tuple[RecordBook | None, dict[str, CallOrigin]] = (None, {}),
) -> None:
    from callflow.runtime.asterisk.driver import start_driver
    from callflow.speech.recognition import VoskRecognizer  # vosk loads only for `run`, not for every command
    from callflow.speech.synthesis import Pyttsx3Synthesizer

    driver = await start_driver(
        address,
        flows=flows,
        environment=environment,
        store=store,
        prompts=prompts,
        synthesizer=Pyttsx3Synthesizer(),
        settings=settings,
        traces=traces,
        recognizer=VoskRecognizer.from_environment(environment),  # models load when a caller first speaks
        lookup=lookup,
        recorder=records[0],
        origins=records[1],
    )
    click.echo(f"serving calls from {address} ({where}); Ctrl-C stops after the calls in progress")
    await _until_stopped(driver, grace_s)


async def _until_stopped(driver: Driver, grace_s: float) -> None:
    """Serve until SIGINT or SIGTERM; then take no new calls and let those in progress end for `grace_s`; a second
    signal (or the end of the grace) hands the rest to the dialplan's fallback at once."""
    import asyncio

    stop, now = asyncio.Event(), asyncio.Event()
    loop = asyncio.get_running_loop()

    def signalled() -> None:
        (now if stop.is_set() else stop).set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, signalled)
    await stop.wait()
    calls = len(driver.service.calls)
    click.echo(
        f"stopping: no new calls; {calls} call(s) in progress may go on for {grace_s:g} s "
        "(Ctrl-C again hands them to the dialplan's fallback at once)"
    )
    handed = await driver.stop(grace_s, now=now)
    click.echo(f"stopped: {handed} call(s) handed to the dialplan's fallback" if handed else "stopped")


@click.command("asterisk-config")
@_flows_option
@_env_option
@_prompts_option
@_trunk_option
@click.option(
    "--test",
    is_flag=True,
    help="Also print what the live tests use: their contexts, queue members, the queue `nobody` and a manager user.",
)
@click.option("--ami-url", default="ami://callflow:SECRET@127.0.0.1:5038", show_default=True, hidden=True)
def asterisk_config(flows: Path, env_path: Path | None, prompts: Path, trunk: str, test: bool, ami_url: str) -> None:
    """Print the dialplan, the manager.conf user and the queues Asterisk needs to hand calls to Callflow.

    The fallback's apology (the environment's `[apology]`, or the built-in one) is rendered into the prompt folder, in
    every language of the environment's voices.
    """
    from callflow.runtime.asterisk import tones
    from callflow.runtime.asterisk.dialplan import (
        TEST_SILENCE_S,
        AsteriskSetup,
        extensions,
        manager,
        notes,
        queues,
        test_extensions,
    )
    from callflow.speech.cache import PromptCache
    from callflow.speech.synthesis import Pyttsx3Synthesizer
    from callflow.speech.voices import voice_for

    prompts = _agi_folder(prompts, "--prompts")
    environment = _environment(env_path, flows)
    cache = PromptCache(prompts, Pyttsx3Synthesizer())
    languages = [lang for lang in environment.apology_languages() if lang in environment.voices] or ["en"]
    try:
        rendered = [cache.render(environment.apology_in(lang)[0], voice_for(lang, environment)) for lang in languages]
        apology = tuple(str(prompt.path.resolve().with_suffix("")) for prompt in rendered)
    except FlowError as error:
        raise click.ClickException(str(error)) from None
    silence = None
    if test:
        trunk = "Local/{number}@callflow-test-agents"
        silence = str(tones.silence(prompts, TEST_SILENCE_S).with_suffix(""))
    setup = AsteriskSetup(environment, apology, trunk, test_silence_file=silence)
    sections = [
        ("extensions.conf", extensions(setup) + ("\n" + test_extensions(setup) if test else "")),
        ("manager.conf", manager(setup, test=test)),
        ("queues.conf", queues(setup, test=test)),
    ]
    for name, text in sections:
        click.echo(f"; ===== {name} =====")
        click.echo(text)
    click.echo(notes(setup, ami_url, prompts=str(prompts), test=test))
