"""The environment file `callflow.toml`: loading, error messages, discovery and schedules."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator

from callflow.flowlang.environment import (
    Environment,
    EnvironmentFileError,
    find_environment,
    load_environment,
    load_environment_text,
)
from callflow.flowlang.errors import FlowError, Location

EXAMPLES = Path(__file__).parents[2] / "examples"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def hotline() -> Environment:
    """The reference hotline's environment."""
    return load_environment(EXAMPLES / "callflow.toml")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "callflow.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> EnvironmentFileError:
    path = write(tmp_path, text)
    with pytest.raises(EnvironmentFileError) as caught:
        load_environment(path)
    return caught.value


# ---------------------------------------------------------------- the example


def test_example_environment_binds_every_name_the_hotline_uses(hotline: Environment) -> None:
    """The reference environment defines the switch, destination, queues, mailbox, source and schedule."""
    assert hotline.timezone == "Asia/Shanghai"
    assert hotline.fallback == "emergency"
    assert hotline.switches["emergency"] is False
    assert hotline.destinations["emergency"].number == "01012345"
    assert {"hotline", "hotline-local"} <= hotline.names("queue")
    assert hotline.mailboxes["mayor"].max_seconds == 120
    assert "working_hours" in hotline.names("schedule")
    assert dict(hotline.voices) == {"zh-CN": "cmn", "en": "en-us"}


def test_example_source_paths_are_relative_to_the_environment_file(hotline: Environment) -> None:
    """Relative paths in a source resolve against the folder of `callflow.toml`, not the working directory."""
    tickets = hotline.sources["tickets"]
    assert tickets.kind == "sqlite"
    assert tickets.path == EXAMPLES.absolute() / "data" / "tickets.sqlite"
    assert dict(tickets.csv) == {"tickets": EXAMPLES.absolute() / "data" / "tickets.csv"}


def test_example_tickets_csv_holds_the_three_reference_cases() -> None:
    """The seed data is exactly the table in the reference flow document."""
    assert (EXAMPLES / "data" / "tickets.csv").read_text(encoding="utf-8").splitlines() == [
        "ticket,status_zh,status_en",
        "20261001,已受理,accepted",
        "20261002,处理中,in progress",
        "20261003,已办结,closed",
    ]


def test_schema_is_a_valid_2020_12_schema() -> None:
    """The environment schema itself passes the JSON Schema 2020-12 meta-schema."""
    text = resources.files("callflow.schemas").joinpath("environment.schema.json").read_text()
    Draft202012Validator.check_schema(json.loads(text))


# ---------------------------------------------------------------- resources


def test_names_lists_the_defined_names_of_each_kind(tmp_path: Path) -> None:
    """`names` answers for every resource kind a flow can refer to."""
    env = load_environment(
        write(
            tmp_path,
            'timezone = "UTC"\n'
            "[switches]\nnight = true\n"
            '[destinations.desk]\nendpoint = "PJSIP/agent100"\n'
            "[queues.q]\n[mailboxes.m]\n"
            '[sources.api]\ntype = "http"\nurl = "https://api.example.org/v1"\n'
            '[schedules.s.hours]\nsat = "10:00-14:00"\n',
        )
    )
    names = {kind: env.names(kind) for kind in ("queue", "mailbox", "destination", "source", "schedule", "switch")}
    assert names == {
        "queue": {"q"},
        "mailbox": {"m"},
        "destination": {"desk"},
        "source": {"api"},
        "schedule": {"s"},
        "switch": {"night"},
    }


def test_names_of_an_unknown_kind_is_an_error() -> None:
    """Asking for a kind that does not exist is a programming mistake, not an empty answer."""
    with pytest.raises(ValueError, match="unknown resource kind 'queues'"):
        Environment.empty().names("queues")


def test_empty_environment_defines_nothing() -> None:
    """A flow checked without `callflow.toml` sees no resources and the UTC default zone."""
    env = Environment.empty()
    assert env.path is None
    assert env.timezone == "UTC"
    assert env.fallback is None
    assert all(not env.names(kind) for kind in ("queue", "mailbox", "destination", "source", "schedule", "switch"))


def test_http_source_allows_its_own_host_and_has_a_default_timeout(tmp_path: Path) -> None:
    """Without `allow_hosts` an HTTP source may reach only the host of its URL."""
    env = load_environment(write(tmp_path, '[sources.api]\ntype = "http"\nurl = "https://API.example.org/v1"\n'))
    api = env.sources["api"]
    assert (api.kind, api.url, api.allow_hosts, api.timeout_s) == (
        "http",
        "https://API.example.org/v1",
        ("api.example.org",),
        5.0,
    )


def test_speech_models_and_numbers_are_bound(tmp_path: Path) -> None:
    """Speech models resolve like other paths; numbers map a dialled number to a flow name."""
    env = load_environment(
        write(tmp_path, '[speech.models]\nen = "models/vosk-en"\n[numbers]\n12345 = "hotline_12345"\n')
    )
    assert dict(env.speech_models) == {"en": tmp_path / "models" / "vosk-en"}
    assert dict(env.numbers) == {"12345": "hotline_12345"}


# ---------------------------------------------------------------- errors


def test_toml_syntax_error_reports_file_line_and_column(tmp_path: Path) -> None:
    """A TOML syntax error reads `file:line:col: message`, then the offending line and a caret under the place."""
    error = load_error(tmp_path, 'timezone = "UTC"\n[queues.hotline\n')
    path = str(tmp_path / "callflow.toml")
    assert str(error) == (
        f"{path}:2:16: expected ']' at the end of a table declaration\n    [queues.hotline\n                   ^"
    )
    assert error.location == Location(path, 2, 16)
    assert error.source_line == "[queues.hotline"
    assert isinstance(error, FlowError)


def test_unreadable_file_is_reported_without_a_location(tmp_path: Path) -> None:
    """A missing file is an environment error naming the file, not a bare OSError."""
    path = tmp_path / "callflow.toml"
    with pytest.raises(EnvironmentFileError) as caught:
        load_environment(path)
    assert str(caught.value) == f"{path}: cannot read file (No such file or directory)"


def test_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    """TOML is UTF-8; other bytes are an error, not a crash."""
    path = tmp_path / "callflow.toml"
    path.write_bytes('timezone = "北京"'.encode("gb18030"))
    with pytest.raises(EnvironmentFileError) as caught:
        load_environment(path)
    assert str(caught.value) == f"{path}: file is not UTF-8 text"


@pytest.mark.parametrize(
    ("text", "message", "pointer"),
    [
        pytest.param(
            '[queues.hotline]\nmusik = "default"\n',
            "unknown key (did you mean 'music'?) at queues.hotline.musik",
            "/queues/hotline/musik",
            id="unknown-key-suggests-the-closest",
        ),
        pytest.param(
            '[switches]\nemergency = "no"\n',
            "expected true or false, got a string at switches.emergency",
            "/switches/emergency",
            id="switch-must-be-boolean",
        ),
        pytest.param(
            '[sources.tickets]\ntype = "sqlite"\n',
            "missing key 'path' at sources.tickets",
            "/sources/tickets",
            id="sqlite-source-needs-path",
        ),
        pytest.param(
            '[sources.tickets]\ntype = "ftp"\n',
            "expected 'sqlite' or 'http', got 'ftp' at sources.tickets.type",
            "/sources/tickets/type",
            id="source-type-is-sqlite-or-http",
        ),
        pytest.param(
            '[destinations.desk]\nnumber = "01012345"\nendpoint = "PJSIP/agent100"\n',
            "expected exactly one of 'number' or 'endpoint' at destinations.desk",
            "/destinations/desk",
            id="destination-has-one-target",
        ),
        pytest.param(
            '[destinations.desk]\nnumber = "010-12345"\n',
            "expected a phone number of digits, optionally starting with '+', got '010-12345'"
            " at destinations.desk.number",
            "/destinations/desk/number",
            id="number-is-digits",
        ),
        pytest.param(
            "[mailboxes.mayor]\nmax_seconds = 0\n",
            "expected a number greater than 0, got 0 at mailboxes.mayor.max_seconds",
            "/mailboxes/mayor/max_seconds",
            id="durations-are-positive",
        ),
        pytest.param(
            "[queues.hotline]\nannounce_every_s = 5\n",
            "5 is less than the minimum of 10 at queues.hotline.announce_every_s",
            "/queues/hotline/announce_every_s",
            id="announcements-as-the-queue-node-allows",
        ),
        pytest.param(
            '[voices]\n"zh CN" = "cmn"\n',
            "invalid key, expected a language tag such as 'zh-CN' or 'en' at voices.\"zh CN\"",
            "/voices/zh CN",
            id="voice-key-is-a-language-tag",
        ),
        pytest.param(
            'timezone = "Asia/Beijing"\n',
            "unknown time zone 'Asia/Beijing' at timezone",
            "/timezone",
            id="time-zone-must-exist",
        ),
        pytest.param(
            'fallback = "operator"\n[destinations.emergency]\nnumber = "01012345"\n',
            "no destination named 'operator' at fallback",
            "/fallback",
            id="fallback-names-a-destination",
        ),
        pytest.param(
            '[sources.api]\ntype = "http"\nurl = "https://a.example.org"\nallow_hosts = ["b.example.org"]\n',
            "host 'a.example.org' is not in allow_hosts at sources.api.url",
            "/sources/api/url",
            id="http-url-host-must-be-allowed",
        ),
        pytest.param(
            '[schedules.working_hours.hours]\nmon-fri = "09:00-17:30"\n',
            "missing key 'timezone' (there is no top-level timezone) at schedules.working_hours",
            "/schedules/working_hours",
            id="schedule-needs-a-time-zone",
        ),
        pytest.param(
            'timezone = "UTC"\n[schedules.working_hours.hours]\nMon-Fri = "09:00-17:30"\n',
            "invalid key, expected a day or day range such as 'mon' or 'mon-fri'"
            " at schedules.working_hours.hours.Mon-Fri",
            "/schedules/working_hours/hours/Mon-Fri",
            id="hours-key-is-a-day-range",
        ),
        pytest.param(
            'timezone = "UTC"\n[schedules.working_hours.hours]\nmon-fri = "9:00-17:30"\n',
            "expected hours such as '09:00-17:30' or '09:00-12:00, 13:00-17:30', got '9:00-17:30'"
            " at schedules.working_hours.hours.mon-fri",
            "/schedules/working_hours/hours/mon-fri",
            id="hours-are-hh-mm-ranges",
        ),
        pytest.param(
            'timezone = "UTC"\n[schedules.working_hours.hours]\nmon-fri = "09:00-25:00"\n',
            "expected a time HH:MM between 00:00 and 24:00, got '25:00' at schedules.working_hours.hours.mon-fri",
            "/schedules/working_hours/hours/mon-fri",
            id="times-are-on-the-clock",
        ),
        pytest.param(
            'timezone = "UTC"\n[schedules.working_hours.hours]\nmon-fri = "17:30-09:00"\n',
            "hours '17:30-09:00' end before they start at schedules.working_hours.hours.mon-fri",
            "/schedules/working_hours/hours/mon-fri",
            id="hours-start-before-they-end",
        ),
        pytest.param(
            'timezone = "UTC"\n[schedules.working_hours.hours]\nmon = "09:00-12:00, 11:00-13:00"\n',
            "hours '09:00-12:00' and '11:00-13:00' overlap at schedules.working_hours.hours.mon",
            "/schedules/working_hours/hours/mon",
            id="hours-do-not-overlap",
        ),
        pytest.param(
            'timezone = "UTC"\n[schedules.working_hours.hours]\nmon-fri = "09:00-17:30"\nwed = "10:00-12:00"\n',
            "day 'wed' is already given by 'mon-fri' at schedules.working_hours.hours.wed",
            "/schedules/working_hours/hours/wed",
            id="each-day-is-given-once",
        ),
        pytest.param(
            'timezone = "UTC"\n[schedules.working_hours.hours]\nfri-mon = "09:00-17:30"\n',
            "day range 'fri-mon' goes backwards; write the days from mon to sun"
            " at schedules.working_hours.hours.fri-mon",
            "/schedules/working_hours/hours/fri-mon",
            id="day-ranges-go-forwards",
        ),
        pytest.param(
            'timezone = "UTC"\n[schedules.working_hours]\nhours = {}\n'
            'holidays = ["2027-01-01", "2026-10-07..2026-10-01"]\n',
            "holiday range '2026-10-07..2026-10-01' ends before it starts at schedules.working_hours.holidays[1]",
            "/schedules/working_hours/holidays/1",
            id="holiday-ranges-are-ordered",
        ),
        pytest.param(
            'timezone = "UTC"\n[schedules.working_hours]\nhours = {}\nholidays = ["2027-02-30"]\n',
            "expected a date YYYY-MM-DD, got '2027-02-30' at schedules.working_hours.holidays[0]",
            "/schedules/working_hours/holidays/0",
            id="holidays-are-real-dates",
        ),
        pytest.param(
            'timezone = "UTC"\n[schedules.working_hours]\nhours = {}\nholidays = [2027-01-01]\n',
            "expected a string, got a date (put it in quotes) at schedules.working_hours.holidays[0]",
            "/schedules/working_hours/holidays/0",
            id="holidays-are-quoted",
        ),
        pytest.param(
            '[apology]\nen = "Sorry.\\nReally."\n',
            "expected one line of text to say, without control characters, got 'Sorry.\\nReally.' at apology.en",
            "/apology/en",
            id="an-apology-is-one-line",
        ),
        pytest.param(
            '[apology]\n"en us" = "Sorry."\n',
            "invalid key, expected a language tag such as 'zh-CN' or 'en' at apology.\"en us\"",
            "/apology/en us",
            id="an-apology-is-per-language",
        ),
    ],
)
def test_invalid_environment_names_the_key_at_fault(tmp_path: Path, text: str, message: str, pointer: str) -> None:
    """A schema or meaning error reads `file: message at dotted.key` and carries a JSON Pointer."""
    error = load_error(tmp_path, text)
    path = str(tmp_path / "callflow.toml")
    assert str(error) == f"{path}: {message}"
    assert error.location == Location(path, pointer=pointer)


def test_first_error_in_the_file_is_the_one_reported(tmp_path: Path) -> None:
    """With several mistakes, the message points at the one written first."""
    error = load_error(tmp_path, '[queues.a]\nmusik = "x"\n[mailboxes.b]\nmax_seconds = -1\n')
    assert error.location.pointer == "/queues/a/musik"


# ---------------------------------------------------------------- discovery


def test_find_environment_prefers_the_flows_own_folder(tmp_path: Path) -> None:
    """A `callflow.toml` next to the flow wins over one further up."""
    (tmp_path / "callflow.toml").touch()
    (tmp_path / "hotline").mkdir()
    (tmp_path / "hotline" / "callflow.toml").touch()
    assert find_environment(tmp_path / "hotline" / "main.flow") == tmp_path / "hotline" / "callflow.toml"


def test_find_environment_walks_up_to_the_nearest_parent(tmp_path: Path) -> None:
    """Without one next to the flow, the nearest parent folder's `callflow.toml` is used."""
    (tmp_path / "callflow.toml").touch()
    (tmp_path / "flows" / "hotline").mkdir(parents=True)
    assert find_environment(tmp_path / "flows" / "hotline" / "main.flow") == tmp_path / "callflow.toml"


def test_find_environment_ignores_a_folder_named_like_the_file(tmp_path: Path) -> None:
    """Only a file counts: a directory called `callflow.toml` is skipped."""
    (tmp_path / "callflow.toml").touch()
    (tmp_path / "flows" / "callflow.toml").mkdir(parents=True)
    assert find_environment(tmp_path / "flows" / "main.flow") == tmp_path / "callflow.toml"


def test_find_environment_gives_none_when_no_folder_has_one(tmp_path: Path) -> None:
    """A flow outside any environment's tree has no environment file."""
    if any((folder / "callflow.toml").is_file() for folder in tmp_path.parents):
        pytest.skip("a callflow.toml above the temporary folder")
    assert find_environment(tmp_path / "main.flow") is None


# ---------------------------------------------------------------- schedules


@pytest.mark.parametrize(
    ("moment", "state"),
    [
        pytest.param(datetime(2026, 10, 9, 17, 29, 59, tzinfo=SHANGHAI), "open", id="fri-17:29:59-open"),
        pytest.param(datetime(2026, 10, 9, 17, 30, 0, tzinfo=SHANGHAI), "closed", id="fri-17:30:00-closed"),
        pytest.param(datetime(2026, 10, 9, 9, 0, 0, tzinfo=SHANGHAI), "open", id="fri-09:00:00-open"),
        pytest.param(datetime(2026, 10, 9, 8, 59, 59, tzinfo=SHANGHAI), "closed", id="fri-08:59:59-closed"),
        pytest.param(datetime(2026, 10, 10, 10, 0, tzinfo=SHANGHAI), "closed", id="sat-closed"),
        pytest.param(datetime(2026, 10, 3, 10, 0, tzinfo=SHANGHAI), "holiday", id="2026-10-03-holiday"),
        pytest.param(datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI), "holiday", id="2026-10-01-thu-holiday"),
        pytest.param(datetime(2027, 1, 1, 10, 0, tzinfo=SHANGHAI), "holiday", id="2027-01-01-fri-holiday"),
        pytest.param(datetime(2027, 2, 22, 23, 59, tzinfo=SHANGHAI), "holiday", id="last-holiday-day-included"),
        pytest.param(datetime(2027, 2, 23, 10, 0, tzinfo=SHANGHAI), "open", id="day-after-holidays-open"),
    ],
)
def test_working_hours_state_at_reference_boundaries(hotline: Environment, moment: datetime, state: str) -> None:
    """Working hours are Mon-Fri 09:00 to 17:30 exclusive, and a holiday wins over the weekly hours."""
    assert hotline.schedules["working_hours"].state_at(moment) == state


def test_working_hours_convert_utc_to_the_schedule_zone(hotline: Environment) -> None:
    """A moment in UTC is judged by the wall clock in Asia/Shanghai (UTC+8)."""
    schedule = hotline.schedules["working_hours"]
    assert schedule.state_at(datetime(2026, 10, 9, 1, 0, tzinfo=UTC)) == "open"  # 09:00 in Shanghai
    assert schedule.state_at(datetime(2026, 10, 9, 9, 30, tzinfo=UTC)) == "closed"  # 17:30 in Shanghai
    assert schedule.state_at(datetime(2026, 9, 30, 16, 0, tzinfo=UTC)) == "holiday"  # 2026-10-01 00:00


def test_naive_moment_is_wall_clock_time_in_the_schedule_zone(hotline: Environment) -> None:
    """A moment without a zone is read as local time where the schedule is, not on this machine."""
    schedule = hotline.schedules["working_hours"]
    assert schedule.state_at(datetime(2026, 10, 9, 9, 0)) == "open"
    assert schedule.state_at(datetime(2026, 10, 9, 17, 30)) == "closed"


def test_split_day_and_24_00_end(tmp_path: Path) -> None:
    """Several ranges may share a day, and `24:00` closes at midnight."""
    env = load_environment(write(tmp_path, 'timezone = "UTC"\n[schedules.s.hours]\nmon = "09:00-12:00, 13:00-24:00"\n'))
    schedule = env.schedules["s"]
    # 2026-10-05 is a Monday.
    assert schedule.state_at(datetime(2026, 10, 5, 12, 30, tzinfo=UTC)) == "closed"
    assert schedule.state_at(datetime(2026, 10, 5, 23, 59, 59, tzinfo=UTC)) == "open"
    assert schedule.state_at(datetime(2026, 10, 6, 0, 0, tzinfo=UTC)) == "closed"


def test_schedule_zone_overrides_the_top_level_zone(tmp_path: Path) -> None:
    """A schedule's own `timezone` wins over the file's default."""
    env = load_environment(
        write(
            tmp_path,
            'timezone = "Asia/Shanghai"\n[schedules.s]\ntimezone = "Europe/London"\nhours = { mon = "09:00-10:00" }\n',
        )
    )
    assert env.schedules["s"].timezone == "Europe/London"
    assert env.schedules["s"].state_at(datetime(2026, 10, 5, 8, 30, tzinfo=UTC)) == "open"  # 09:30 BST


# ---------------------------------------------------------------- hostile environments (issue 14, item 11)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            '[destinations.desk]\nendpoint = "PJSIP/a&PJSIP/b,60,U(x)"\n',
            "expected a channel endpoint such as 'PJSIP/agent100'",
            id="endpoint-with-more-channels-and-options",
        ),
        pytest.param(
            '[destinations.desk]\nnumber = "01012345\\n"\n',
            "expected a phone number of digits, optionally starting with '+', got '01012345\\n'",
            id="number-ending-in-a-newline",
        ),
        pytest.param(
            '[queues.q]\ndescription = "Agents\\n[evil]\\nmember => PJSIP/x"\n',
            "expected one line of text, without control characters",
            id="description-with-lines",
        ),
        pytest.param('[queues."q\\n"]\n', "invalid key, expected a name", id="queue-name-ending-in-a-newline"),
        pytest.param(
            '[sources.api]\ntype = "http"\nurl = "http://[::1/v1"\n',
            "not a URL a request can be made to (Invalid IPv6 URL) at sources.api.url",
            id="malformed-url",
        ),
        pytest.param(
            '[sources.api]\ntype = "http"\nurl = "http://api.example.org:99999/v1"\n',
            "not a URL a request can be made to (Port out of range 0-65535) at sources.api.url",
            id="port-out-of-range",
        ),
        pytest.param('timezone = "Asia"\n', "unknown time zone 'Asia' at timezone", id="a-folder-of-zones"),
        pytest.param("[queues.q]\nmax_wait_s = inf\n", "inf is not a number an environment can use", id="infinity"),
        pytest.param("[queues.q]\nmax_wait_s = nan\n", "nan is not a number an environment can use", id="nan"),
        pytest.param(
            '[sources.db]\ntype = "sqlite"\npath = "a\\u0000b"\n', "expected a file path", id="path-with-a-nul"
        ),
    ],
)
def test_values_that_would_inject_or_crash_are_refused(tmp_path: Path, text: str, message: str) -> None:
    """Dial strings with extra channels or options, values ending in a newline (Python's `$` allowed one), lines in
    descriptions, malformed URLs and non-numbers are refused by the environment's own errors."""
    assert message in str(load_error(tmp_path, text))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        pytest.param("x = " + "9" * 5000 + "\n", "callflow.toml:1:5: this number is too large", id="huge-number"),
        pytest.param(
            "x = " + "[" * 100_000 + "]" * 100_000 + "\n", "callflow.toml:1:37: nested more than 32 deep", id="deep"
        ),
        pytest.param('x = "\ud800"\n', "callflow.toml:1:6: U+D800 is half of a character", id="lone-surrogate"),
    ],
)
def test_text_that_breaks_the_toml_reader_is_a_located_error(text: str, where: str) -> None:
    """5,000 digits (ValueError), deep arrays (RecursionError) and half a character are located errors."""
    with pytest.raises(EnvironmentFileError) as caught:
        load_environment_text(text, "callflow.toml")
    assert str(caught.value).startswith(where)


def test_an_environment_reads_from_text_with_a_base_folder(tmp_path: Path) -> None:
    """`load_environment_text` binds what `load_environment` binds, relative paths against the folder given."""
    text = (EXAMPLES / "callflow.toml").read_text(encoding="utf-8")
    from_text = load_environment_text(text, "callflow.toml", EXAMPLES.absolute())
    from_file = load_environment(EXAMPLES / "callflow.toml")
    assert from_text == replace(from_file, path=None)
    assert from_text.sources["tickets"].path == EXAMPLES.absolute() / "data" / "tickets.sqlite"


def test_an_environment_text_error_names_the_file_given() -> None:
    """Errors of an environment read from text name the file as the caller gave it."""
    with pytest.raises(EnvironmentFileError) as caught:
        load_environment_text('[queues.q]\nmusik = "x"\n', "request:callflow.toml")
    assert str(caught.value) == "request:callflow.toml: unknown key (did you mean 'music'?) at queues.q.musik"
