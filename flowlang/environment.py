"""The environment file `callflow.toml`: flows name resources, the environment binds them."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import urlsplit

from callflow.flowlang.environment_schema import KeyPath, document_order, schema_errors
from callflow.flowlang.envvars import interpolate
from callflow.flowlang.errors import FlowError, Location, render_error
from callflow.flowlang.hours import HoursError, check_timezone, parse_schedule
from callflow.flowlang.hours import Schedule as Schedule  # re-exported: part of the environment's API
from callflow.flowlang.tomltext import TomlTextError, read_toml

FILENAME = "callflow.toml"
DEFAULT_TIMEZONE = "UTC"
DEFAULT_HTTP_TIMEOUT_S = 5.0
DEFAULT_MAX_RESPONSE_BYTES = 1_048_576
"""The largest answer an HTTP source may give (1 MiB) unless its `max_response_bytes` says otherwise."""
RESERVED_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "accept-encoding", "content-type", "accept"}
)
"""Headers a lookup's request sets itself (an HTTP source's `headers` cannot)."""


class EnvironmentFileError(FlowError):
    """A `callflow.toml` that cannot be read, is not TOML, or does not describe a valid environment."""

    def __init__(
        self, message: str, location: Location, key: str | None = None, source_line: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.key = key
        self.source_line = source_line

    def __str__(self) -> str:
        if self.location.line is not None:  # `file:line:col: message`, the line and a caret under the place
            return render_error(self.message, self.location, self.source_line, label="")
        where = f" at {self.key}" if self.key else ""
        return f"{self.location.file}: {self.message}{where}"


@dataclass(frozen=True)
class Destination:
    """A transfer target on the allow-list: a phone `number` or a channel `endpoint`, never both."""

    name: str
    number: str | None = None
    endpoint: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Queue:
    """A call queue; settings left as None are decided by the queue node."""

    name: str
    description: str | None = None
    announce_every_s: float | None = None
    max_wait_s: float | None = None
    music: str | None = None


@dataclass(frozen=True)
class Mailbox:
    """A voicemail box."""

    name: str
    description: str | None = None
    max_seconds: float | None = None
    email: str | None = None


@dataclass(frozen=True)
class DataSource:
    """A place to look data up: an SQLite file (seeded from CSV tables) or an HTTP service."""

    name: str
    kind: Literal["sqlite", "http"]
    description: str | None = None
    path: Path | None = None
    csv: Mapping[str, Path] = field(default_factory=lambda: MappingProxyType({}))
    url: str | None = None
    timeout_s: float | None = None
    allow_hosts: tuple[str, ...] = ()
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Headers sent with every request to an HTTP source (their values may be secrets: never traced)."""


BUILT_IN_APOLOGY: Mapping[str, str] = MappingProxyType(
    {
        "zh-CN": "抱歉，系统出现故障，正在为您转接人工服务。",
        "en": "Sorry, something went wrong. Transferring you to an agent.",
    }
)
"""What a caller hears before the fallback when the environment's `[apology]` has nothing in the call's language:
in Mandarin or English only (English for any other language)."""


@dataclass(frozen=True)
class Environment:
    """Everything a flow may refer to by name, as bound by one `callflow.toml`."""

    path: Path | None
    timezone: str
    fallback: str | None
    switches: Mapping[str, bool]
    destinations: Mapping[str, Destination]
    queues: Mapping[str, Queue]
    mailboxes: Mapping[str, Mailbox]
    sources: Mapping[str, DataSource]
    schedules: Mapping[str, Schedule]
    voices: Mapping[str, str]
    speech_models: Mapping[str, Path]
    numbers: Mapping[str, str]
    apology: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """What a caller hears before the fallback, by language, as `[apology]` gives it."""

    def apology_in(self, language: str) -> tuple[str, str]:
        """The fallback's apology for a caller in `language`, and the language it is said in: the environment's
        own, else the built-in one (Mandarin or English; English, the environment's or the built-in, for any other
        language)."""
        text = self.apology.get(language) or BUILT_IN_APOLOGY.get(language)
        if text is not None:
            return text, language
        return self.apology.get("en") or BUILT_IN_APOLOGY["en"], "en"

    def apology_languages(self) -> tuple[str, ...]:
        """Every language the fallback's apology may be said in: the environment's own, then the built-in ones."""
        return tuple(dict.fromkeys([*self.apology, *BUILT_IN_APOLOGY]))

    @classmethod
    def empty(cls) -> Environment:
        """An environment with no resources, for flows checked without a `callflow.toml`."""
        return _build({}, "<environment>", Path())

    def names(self, kind: str) -> frozenset[str]:
        """The defined names of one kind: queue, mailbox, destination, source, schedule or switch."""
        tables: dict[str, Mapping[str, object]] = {
            "queue": self.queues,
            "mailbox": self.mailboxes,
            "destination": self.destinations,
            "source": self.sources,
            "schedule": self.schedules,
            "switch": self.switches,
        }
        if kind not in tables:
            raise ValueError(f"unknown resource kind {kind!r}; expected one of {', '.join(tables)}")
        return frozenset(tables[kind])


def find_environment(flow_path: Path) -> Path | None:
    """The `callflow.toml` next to the flow file or in its nearest parent folder, if there is one."""
    folder = flow_path.absolute().parent
    for candidate in (folder, *folder.parents):
        if (candidate / FILENAME).is_file():
            return candidate / FILENAME
    return None


def load_environment(path: Path, variables: Mapping[str, str] | None = None) -> Environment:
    """Read, validate and bind a `callflow.toml`; raise `EnvironmentFileError` saying where it is wrong.

    `${NAME}` in its values reads `variables` (default: the process environment, `os.environ`)."""
    file = str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise EnvironmentFileError(f"cannot read file ({error.strerror})", Location(file)) from None
    except UnicodeDecodeError:
        raise EnvironmentFileError("file is not UTF-8 text", Location(file)) from None
    return environment_from_text(text, path, os.environ if variables is None else variables)


def environment_from_text(text: str, path: Path, variables: Mapping[str, str] | None = None) -> Environment:
    """Validate and bind the text of a `callflow.toml`, as if read from `path` (relative paths resolve against its
    folder, messages name it); raise `EnvironmentFileError` saying where it is wrong. `${NAME}` reads `variables`
    (None: no process variable may be read, as in the flow service, where every tenant has its environment)."""
    return replace(load_environment_text(text, str(path), path.absolute().parent, variables), path=path)


def load_environment_text(
    text: str, file: str = "<environment>", base: Path | None = None, variables: Mapping[str, str] | None = None
) -> Environment:
    """Validate and bind the text of a `callflow.toml`; relative paths in it are relative to `base`; `${NAME}`
    and `${NAME:-default}` in its values read `variables` (None: any reference is an error).

    The errors are those of `load_environment`: any text at all gives an `Environment` or an
    `EnvironmentFileError` saying where it is wrong (naming `file`), never another exception.
    """
    try:
        interpolated = interpolate(read_toml(text), text, variables)
    except TomlTextError as error:
        if error.line is None:
            raise _error(error.message, file, error.at) from None
        where = Location(file, error.line, error.column)
        raise EnvironmentFileError(error.message, where, None, error.source_line) from None
    data = interpolated.data
    errors = sorted(schema_errors(data, interpolated.paths), key=lambda found: document_order(data, found[0]))
    if errors:
        raise _error(errors[0][1], file, errors[0][0])
    return _build(data, file, base or Path())


# ---------------------------------------------------------------- building


def _build(data: Mapping[str, Any], file: str, base: Path) -> Environment:
    """The environment described by schema-valid `data`, checking what the schema cannot express."""
    timezone = data.get("timezone")
    if timezone is not None:
        try:
            check_timezone(timezone)
        except HoursError as error:
            raise _error(error.message, file, ("timezone",)) from None
    fallback = data.get("fallback")
    destinations = _table(data, "destinations", lambda name, d: Destination(name, **d))
    if fallback is not None and fallback not in destinations:
        raise _error(f"no destination named {fallback!r}", file, ("fallback",))
    return Environment(
        path=None,
        timezone=timezone or DEFAULT_TIMEZONE,
        fallback=fallback,
        switches=_table(data, "switches", lambda _, value: bool(value)),
        destinations=destinations,
        queues=_table(data, "queues", lambda name, q: Queue(name, **q)),
        mailboxes=_table(data, "mailboxes", lambda name, m: Mailbox(name, **m)),
        sources=_table(data, "sources", lambda name, s: _source(name, s, base, file)),
        schedules=_table(data, "schedules", lambda name, s: _schedule(name, s, timezone, file)),
        voices=_table(data, "voices", lambda _, voice: str(voice)),
        speech_models=_table(data.get("speech", {}), "models", lambda _, model: base / model),
        numbers=_table(data, "numbers", lambda _, flow: str(flow)),
        apology=_table(data, "apology", lambda _, text: str(text)),
    )


def _table(data: Mapping[str, Any], key: str, make: Callable[[str, Any], Any]) -> Mapping[str, Any]:
    return MappingProxyType({name: make(name, value) for name, value in data.get(key, {}).items()})


def _source(name: str, spec: Mapping[str, Any], base: Path, file: str) -> DataSource:
    if spec["type"] == "sqlite":
        csv = {table: base / csv_path for table, csv_path in spec.get("csv", {}).items()}
        return DataSource(name, "sqlite", spec.get("description"), base / spec["path"], csv=MappingProxyType(csv))
    host = _url_host(spec["url"], file, ("sources", name, "url"))
    allow_hosts = tuple(h.lower() for h in spec.get("allow_hosts", [host]))
    if host not in allow_hosts:
        raise _error(f"host {host!r} is not in allow_hosts", file, ("sources", name, "url"))
    timeout_s = float(spec.get("timeout_s", DEFAULT_HTTP_TIMEOUT_S))
    max_bytes = int(spec.get("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES))
    headers = spec.get("headers", {})
    for header in headers:
        if header.lower() in RESERVED_HEADERS:
            message = f"the header {header} is set by every request itself and cannot be given"
            raise _error(message, file, ("sources", name, "headers", header))
    return DataSource(
        name,
        "http",
        spec.get("description"),
        url=spec["url"],
        timeout_s=timeout_s,
        allow_hosts=allow_hosts,
        max_response_bytes=max_bytes,
        headers=MappingProxyType(dict(headers)),
    )


def _url_host(url: str, file: str, at: KeyPath) -> str:
    """The host of an HTTP source's URL, which must be one that a request can be made to."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # reading the port checks it
    except ValueError as error:  # `http://[::1/v1`, `http://host:99999/`
        raise _error(f"not a URL a request can be made to ({error})", file, at) from None
    if not parts.hostname:
        raise _error("the URL names no host", file, at)
    return parts.hostname.lower()


def _schedule(name: str, spec: Mapping[str, Any], default_timezone: str | None, file: str) -> Schedule:
    try:
        return parse_schedule(name, spec, default_timezone)
    except HoursError as error:
        raise _error(error.message, file, ("schedules", name, *error.at)) from None


# ---------------------------------------------------------------- errors


def _error(message: str, file: str, at: KeyPath) -> EnvironmentFileError:
    pointer = "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in at)
    return EnvironmentFileError(message, Location(file, pointer=pointer), _dotted(at))


def _dotted(at: KeyPath) -> str:
    text = ""
    for part in at:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else json.dumps(part, ensure_ascii=False)
            text += f".{key}" if text else key
    return text
