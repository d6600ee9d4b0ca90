"""Process variables in `callflow.toml`: `${NAME}`, `${NAME:-default}`, `$${`, and errors at `file:line:col`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from callflow.flowlang.cli import cli
from callflow.flowlang.environment import (
    Environment,
    EnvironmentFileError,
    environment_from_text,
    load_environment_text,
)
from callflow.flowlang.errors import Location

GOLDEN = Path(__file__).parent / "golden" / "environment"
GOLDEN_FILES = sorted(GOLDEN.glob("*.toml"))
FLOW = "flow tiny\n\nbye: hangup\n"
HTTP = '[sources.bank]\ntype = "http"\n'


def load(text: str, **variables: str) -> Environment:
    return load_environment_text(text, "callflow.toml", Path("/srv"), variables)


def error_of(text: str, **variables: str) -> EnvironmentFileError:
    with pytest.raises(EnvironmentFileError) as caught:
        load_environment_text(text, "callflow.toml", Path("/srv"), variables)
    return caught.value


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=[p.name for p in GOLDEN_FILES])
def test_check_reports_the_environment_error_as_its_golden_file(
    path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`callflow check --env FILE` prints exactly the `.err` file next to the environment and exits 2."""
    for name in ("BANK_PORT", "BANK_TOKEN", "ANYTHING"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "tiny.flow").write_text(FLOW, encoding="utf-8")
    monkeypatch.chdir(GOLDEN)
    result = CliRunner().invoke(cli, ["check", "--env", path.name, str(tmp_path / "tiny.flow")])
    assert result.stderr == path.with_suffix(".err").read_text(encoding="utf-8")
    assert result.exit_code == 2


def test_a_variable_fills_a_url_port_and_a_default_stands_in_for_an_unset_one() -> None:
    """`${BANK_PORT}` reads the variable; `${HOST:-127.0.0.1}` gives its default when HOST is not set."""
    environment = load(HTTP + 'url = "http://${HOST:-127.0.0.1}:${BANK_PORT}/v1"\n', BANK_PORT="8081")
    assert environment.sources["bank"].url == "http://127.0.0.1:8081/v1"
    assert environment.sources["bank"].allow_hosts == ("127.0.0.1",)


def test_a_default_also_replaces_an_empty_variable_and_a_set_one_wins() -> None:
    """As in the shell, `${NAME:-default}` takes the default for a variable set to nothing, not for one set."""
    text = 'timezone = "${ZONE:-Asia/Shanghai}"\n'
    assert load(text, ZONE="").timezone == "Asia/Shanghai"
    assert load(text, ZONE="Europe/Paris").timezone == "Europe/Paris"


def test_a_doubled_dollar_is_a_literal_reference_and_comments_and_keys_are_not_read() -> None:
    """`$${X}` stays `${X}` in the value; a `${X}` in a comment is never looked up (X is not set here)."""
    text = '# ${NOT_SET}\n[queues.hotline]\ndescription = "costs $${X} a minute"\n'
    assert load(text).queues["hotline"].description == "costs ${X} a minute"


def test_an_unset_variable_is_an_error_at_its_line_and_column_with_a_caret() -> None:
    """The error names the variable, says how to give a default, and points at the `$`."""
    error = error_of(HTTP + 'url = "http://127.0.0.1:${BANK_PORT}/v1"\n')
    assert error.location == Location("callflow.toml", 3, 25)
    assert str(error) == (
        "callflow.toml:3:25: `${BANK_PORT}` is not set in the process environment; set BANK_PORT, or give a "
        "default: ${BANK_PORT:-…}\n"
        '    url = "http://127.0.0.1:${BANK_PORT}/v1"\n'
        "                            ^"
    )


def test_a_value_read_from_a_variable_is_not_quoted_in_an_error() -> None:
    """A schema error about a value that came from a variable (it may be a secret) does not quote that value."""
    error = error_of('[destinations.desk]\nnumber = "${DESK}"\n', DESK="s3cret-token")
    assert "s3cret" not in str(error)
    assert "the value of a process variable" in str(error)
    assert error.key == "destinations.desk.number"


def test_the_flow_service_reads_no_process_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """An environment kept by the service (read from text) cannot read the server's variables, set or not."""
    monkeypatch.setenv("BANK_PORT", "8081")
    with pytest.raises(EnvironmentFileError, match="reads no process variables") as caught:
        environment_from_text(HTTP + 'url = "http://127.0.0.1:${BANK_PORT}/v1"\n', Path("callflow.toml"))
    assert caught.value.location.line == 3


def test_a_reference_written_with_an_escape_is_reported_at_its_key() -> None:
    """A reference the text does not show as written (`\\u0024{X}`) is still an error, located by its key."""
    error = error_of('timezone = "\\u0024{ZONE}"\n')
    assert error.key == "timezone"
    assert "ZONE" in error.message
