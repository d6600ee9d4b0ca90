"""What a lookup makes of an answer, against a real HTTP service and a real SQLite file: a field `save` needs that
is missing makes it `not_found` (unless `optional`), `fields` reads nested fields and arrays (JMESPath), the
statuses map to exits, `params` go in the query (GET) or a JSON body (POST), and a source's headers are sent,
their values never traced."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from http_services import Scripted, service

from callflow.flowlang.environment import EnvironmentFileError, load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import parse_script

AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ACCOUNT = {"holder": {"name": "王芳", "nickname": None}, "accounts": [{"balance": 12580.5}, {"balance": 3.2}]}

FLOW = """flow t
  languages en

var owner = ""
var balance = ""
var nickname = ""
var outcome = ""

find: lookup bank
LOOKUP
  found     -> found
  not_found -> not_found
  error     -> failed
  timeout   -> failed

found: set outcome = "found"
  next -> bye

not_found: set outcome = "not_found"
  next -> bye

failed: set outcome = "error"
  next -> bye

bye: hangup
"""


def run(tmp_path: Path, environment: str, lookup: str, **variables: str) -> Simulation:
    """One call through a flow whose first node is `lookup bank` with the given lines."""
    (tmp_path / "callflow.toml").write_text(environment, encoding="utf-8")
    (tmp_path / "t.flow").write_text(FLOW.replace("LOOKUP", lookup), encoding="utf-8")
    loaded = load_file(tmp_path / "t.flow")
    assert loaded.ok and loaded.flow is not None, [p.render() for p in loaded.problems]
    simulator = Simulator(load_environment(tmp_path / "callflow.toml", variables), tmp_path)
    try:
        return asyncio.run(simulator.call(loaded.flow, parse_script([]), at=AT))
    finally:
        simulator.close()


def lookup_event(simulation: Simulation) -> dict[str, Any]:
    (event,) = [e for e in simulation.events if e["event"] == "lookup"]
    return event


def http(url: str, extra: str = "") -> str:
    return f'[sources.bank]\ntype = "http"\nurl = "{url}"\n{extra}'


# -- missing fields -----------------------------------------------------------------------------------------------


def test_a_field_missing_from_the_answer_is_not_found_and_the_trace_names_it(tmp_path: Path) -> None:
    """`save balance` with an answer that has no `balance` takes `not_found` (it used to take `found` and set
    null: a caller heard an empty balance); the trace says which field; the variable keeps its value."""
    with service(Scripted) as bank:
        bank.answers["/accounts/1"] = (200, json.dumps({"owner": "王芳"}).encode())
        call = run(tmp_path, http(bank.url), '  path "/accounts/1"\n  save owner, balance')
    event = lookup_event(call)
    assert (event["result"], event["missing"]) == ("not_found", ["balance"])
    assert event["detail"] == "the answer has no `balance`"
    assert call.variables["outcome"] == "not_found"
    assert call.variables["balance"] == "" and call.variables["owner"] == ""
    assert call.variables["lookup.status"] == "not_found"


def test_a_null_field_is_missing_too(tmp_path: Path) -> None:
    """`"balance": null` is no balance: `not_found`, as for an absent field."""
    with service(Scripted) as bank:
        bank.answers["/accounts/1"] = (200, b'{"balance": null}')
        call = run(tmp_path, http(bank.url), '  path "/accounts/1"\n  save balance')
    assert (lookup_event(call)["result"], lookup_event(call)["missing"]) == ("not_found", ["balance"])


def test_an_optional_field_may_be_missing_and_is_then_null(tmp_path: Path) -> None:
    """`optional nickname`: the answer without one is `found`, with `nickname` set to null."""
    with service(Scripted) as bank:
        bank.answers["/accounts/1"] = (200, json.dumps({"owner": "王芳"}).encode())
        call = run(tmp_path, http(bank.url), '  path "/accounts/1"\n  save owner, nickname\n  optional nickname')
    assert lookup_event(call)["result"] == "found"
    assert (call.variables["owner"], call.variables["nickname"]) == ("王芳", None)


def test_a_null_sqlite_column_is_missing_unless_optional(tmp_path: Path) -> None:
    """The same rule for SQLite: a NULL column `save` reads is `not_found`, or null when it is optional."""
    sqlite = '[sources.bank]\ntype = "sqlite"\npath = "bank.sqlite"\n'
    query = "  query \"select 'W' as owner, null as nickname\"\n  save owner, nickname"
    missing = run(tmp_path, sqlite, query)
    assert (lookup_event(missing)["result"], lookup_event(missing)["missing"]) == ("not_found", ["nickname"])
    optional = run(tmp_path, sqlite, query + "\n  optional nickname")
    assert optional.variables["outcome"] == "found" and optional.variables["nickname"] is None


# -- JSON paths ---------------------------------------------------------------------------------------------------


def test_fields_read_nested_fields_and_array_items(tmp_path: Path) -> None:
    """`fields owner = "holder.name", balance = "accounts[0].balance"` store the nested values."""
    with service(Scripted) as bank:
        bank.answers["/accounts/1"] = (200, json.dumps(ACCOUNT).encode())
        call = run(
            tmp_path,
            http(bank.url),
            '  path "/accounts/1"\n  save owner, balance\n'
            '  fields owner = "holder.name", balance = "accounts[-1].balance"',
        )
    assert lookup_event(call)["result"] == "found"
    assert (call.variables["owner"], call.variables["balance"]) == ("王芳", 3.2)


def test_a_path_that_finds_nothing_is_a_missing_field_named_by_its_path(tmp_path: Path) -> None:
    """A path through a null (`holder.nickname`) or past the end of an array finds nothing: `not_found`, and the
    detail names the path and the variable."""
    with service(Scripted) as bank:
        bank.answers["/accounts/1"] = (200, json.dumps(ACCOUNT).encode())
        call = run(
            tmp_path,
            http(bank.url),
            '  path "/accounts/1"\n  save nickname, balance\n'
            '  fields nickname = "holder.nickname", balance = "accounts[5].balance"',
        )
    event = lookup_event(call)
    assert event["missing"] == ["nickname", "balance"]
    assert event["detail"] == (
        "the answer has no `holder.nickname` (for `nickname`), `accounts[5].balance` (for `balance`)"
    )


# -- statuses and how values are sent -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "outcome"),
    [(200, {"owner": "W"}, "found"), (404, None, "not_found"), (500, None, "error"), (302, None, "error")],
)
def test_statuses_choose_the_exit_and_the_trace_keeps_the_status(
    tmp_path: Path, status: int, body: Any, outcome: str
) -> None:
    """2xx is `found`, 404 `not_found`, anything else (a redirect too: none is followed) `error`."""
    with service(Scripted) as bank:
        bank.answers["/accounts/1"] = (status, json.dumps(body).encode() if body else b"")
        call = run(tmp_path, http(bank.url), '  path "/accounts/1"\n  save owner')
    assert call.variables["outcome"] == outcome
    assert lookup_event(call)["http_status"] == status


def test_get_sends_params_in_the_query_and_post_as_a_json_body(tmp_path: Path) -> None:
    """`params` are query values for GET and a JSON object for POST."""
    with service(Scripted) as bank:
        bank.answers["/cards/block"] = (200, b'{"owner": "W"}')
        run(tmp_path, http(bank.url), '  path "/cards/block"\n  params card = "6222", why = "lost"\n  save owner')
        run(tmp_path, http(bank.url), '  path "/cards/block"\n  method post\n  params card = "6222"\n  save owner')
    get, post = bank.requests
    assert (get["method"], get["target"], get["body"]) == ("GET", "/cards/block?card=6222&why=lost", b"")
    assert (post["method"], post["target"], json.loads(post["body"])) == ("POST", "/cards/block", {"card": "6222"})


# -- headers ------------------------------------------------------------------------------------------------------


def test_a_sources_headers_are_sent_and_the_trace_masks_their_values(tmp_path: Path) -> None:
    """`[sources.bank.headers] Authorization = "Bearer ${BANK_TOKEN}"` reaches the service; the trace shows the
    header's name with its value masked, and the token appears nowhere in it."""
    headers = '[sources.bank.headers]\nAuthorization = "Bearer ${BANK_TOKEN}"\nX-Channel = "ivr"\n'
    with service(Scripted) as bank:
        bank.answers["/accounts/1"] = (200, b'{"owner": "W"}')
        call = run(tmp_path, http(bank.url, headers), '  path "/accounts/1"\n  save owner', BANK_TOKEN="t0k3n-s3cret")
    (request,) = bank.requests
    assert request["headers"]["Authorization"] == "Bearer t0k3n-s3cret"
    assert request["headers"]["X-Channel"] == "ivr"
    assert request["headers"]["Accept"] == "application/json"
    assert lookup_event(call)["headers"] == {"Authorization": "***", "X-Channel": "***"}
    assert "t0k3n" not in json.dumps(call.events, ensure_ascii=False)


def test_a_header_a_request_sets_itself_cannot_be_given(tmp_path: Path) -> None:
    """`Host` or `Content-Length` in a source's headers is an error at that key."""
    (tmp_path / "callflow.toml").write_text(http("http://127.0.0.1:1", '[sources.bank.headers]\nHost = "x"\n'))
    with pytest.raises(EnvironmentFileError) as caught:
        load_environment(tmp_path / "callflow.toml")
    assert caught.value.key == "sources.bank.headers.Host"
    assert "set by every request itself" in caught.value.message


@pytest.mark.parametrize("value", ['"Bearer a\\nX-Admin: 1"', '"Bearer 密钥"'])
def test_a_header_value_is_printable_ascii_on_one_line(tmp_path: Path, value: str) -> None:
    """A line break (which would add a header) or a character HTTP headers cannot carry is an error at the key."""
    (tmp_path / "callflow.toml").write_text(
        http("http://127.0.0.1:1", f"[sources.bank.headers]\nAuthorization = {value}\n"), encoding="utf-8"
    )
    with pytest.raises(EnvironmentFileError) as caught:
        load_environment(tmp_path / "callflow.toml")
    assert caught.value.key == "sources.bank.headers.Authorization"
    assert "printable ASCII" in caught.value.message


def test_a_header_value_from_a_variable_is_not_quoted_when_it_is_wrong(tmp_path: Path) -> None:
    """A token read from the process environment that cannot be a header value is refused without quoting it."""
    (tmp_path / "callflow.toml").write_text(
        http("http://127.0.0.1:1", '[sources.bank.headers]\nAuthorization = "Bearer ${TOKEN}"\n'), encoding="utf-8"
    )
    with pytest.raises(EnvironmentFileError) as caught:
        load_environment(tmp_path / "callflow.toml", {"TOKEN": "s3cret\n"})
    assert "s3cret" not in str(caught.value)
