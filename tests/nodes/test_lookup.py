"""The `lookup` node type: read or write a data source (SQLite or HTTP)."""

from __future__ import annotations

from pathlib import Path

from flowtools import FlowTools

from callflow.flowlang.check import check_flow
from callflow.flowlang.environment import load_environment
from callflow.flowlang.registry import Registry
from callflow.nodes import collect, hangup, lookup

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (lookup, collect, hangup)})
EXAMPLES = Path(__file__).parents[2] / "examples"


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

var ticket
var status

prompt enter
  en "Please enter your case number."

get: collect enter
  into   ticket
  done   -> case_lookup
  failed -> bye

case_lookup: lookup tickets
  query     "select status_en as status from tickets where ticket = :ticket"
  params    ticket = ticket
  save      status
  timeout   3s
  found     -> bye
  not_found -> get
  timeout   -> bye
  error     -> web

web: lookup crm
  path      "/cases/{ticket}"
  method    post
  params    ticket = ticket, caller = caller
  save      status
  found     -> bye
  not_found -> bye

bye: hangup
"""


def test_lookup_parses_and_round_trips() -> None:
    """An SQL lookup and an HTTP lookup load without problems and are written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_lookup_stores_params_as_expressions_and_save_as_names() -> None:
    """`params` become a JSON object of expressions, `save` a list of variable names."""
    node = load(VALID).node("web")
    assert node is not None
    assert node.params == {
        "source": "crm",
        "path": "/cases/{ticket}",
        "method": "post",
        "params": {"ticket": "ticket", "caller": "caller"},
        "save": ["status"],
    }


def test_lookup_timeout_and_error_exits_are_optional() -> None:
    """Only `found` and `not_found` must be wired; `timeout` falls back to `error`."""
    text = VALID.replace("  timeout   -> bye\n  error     -> web\n", "")
    assert [code for code, _, _ in problems(text)] == ["W201"]  # `web` is no longer reached
    assert REGISTRY["lookup"].exit("timeout").otherwise == "error"


def test_lookup_without_not_found_is_reported() -> None:
    """A lookup must say where the call goes when nothing is found."""
    text = VALID.replace("  not_found -> get\n", "")
    assert problems(text) == [
        ("E109", "exit `not_found` of `case_lookup` leads nowhere; add `not_found -> node_id`", 15),
    ]


def test_lookup_needs_a_query_or_a_path() -> None:
    """A lookup without `query` or `path` does not say what to read."""
    text = VALID.replace('  path      "/cases/{ticket}"\n', "")
    assert problems(text) == [
        ("E103", "a lookup needs `query` (for an SQLite source) or `path` (for an HTTP source)", 25),
    ]


def test_lookup_with_both_query_and_path_is_reported() -> None:
    """A lookup reads an SQLite source or an HTTP source, not both."""
    text = VALID.replace('  path      "/cases/{ticket}"\n', '  path      "/cases/{ticket}"\n  query "select 1"\n')
    assert problems(text) == [
        ("E103", "a lookup has `query` (for an SQLite source) or `path` (for an HTTP source), not both", 26),
    ]


def test_lookup_query_inserting_values_is_reported() -> None:
    """Values reach SQL only through `params`, never by `{...}` in the query text."""
    text = VALID.replace("where ticket = :ticket", "where ticket = {ticket}")
    message = (
        "`query` must not insert values with `{...}`, which would let callers inject SQL; "
        "write `:name` in the query and give `params name = expression`"
    )
    assert problems(text) == [("E103", message, 16)]


def test_lookup_path_reading_an_undeclared_variable_is_reported() -> None:
    """A `{variable}` in the path must be declared or built in."""
    text = VALID.replace('"/cases/{ticket}"', '"/cases/{tiket}/{call.id}"')
    assert problems(text) == [("E303", "`web` reads `tiket`, which is not declared; add `var tiket`", 26)]


def test_lookup_path_with_an_unclosed_brace_is_reported() -> None:
    """The path is a template; a lone `{` is a mistake."""
    text = VALID.replace('"/cases/{ticket}"', '"/cases/{ticket"')
    assert problems(text) == [("E103", "`path`: unclosed `{`; write `{{` for a literal brace", 26)]


def test_lookup_method_is_one_of_four() -> None:
    """The HTTP method is get, post, put or delete."""
    text = VALID.replace("method    post", "method    patch")
    assert problems(text) == [("E103", "expected one of get, post, put, delete; found `patch`", 27)]


def test_lookup_timeout_out_of_range_is_reported() -> None:
    """A lookup waits between 100ms and 30s."""
    text = VALID.replace("timeout   3s", "timeout   50ms")
    assert problems(text) == [("E105", "`timeout` must be between 100ms and 30s, not 50ms", 19)]


def test_lookup_source_is_checked_against_the_environment() -> None:
    """The data source must be defined in `callflow.toml`."""
    environment = load_environment(EXAMPLES / "callflow.toml")
    found = check_flow(load(VALID), registry=REGISTRY, environment=environment)
    message = "`web` uses source `crm`, which `callflow.toml` does not define; add [sources.crm] to the environment"
    assert [(p.code.id, p.message, p.location.line) for p in found] == [("E401", message, 25)]


def test_lookup_fields_and_optional_round_trip() -> None:
    """`fields` (JSON paths) and `optional` load without problems and are written back unchanged."""
    text = VALID.replace(
        "  save      status\n  found     -> bye\n  not_found -> bye",
        '  save      status, ticket\n  fields    status = "case.state[0]"\n  optional  ticket\n'
        "  found     -> bye\n  not_found -> bye",
    )
    assert problems(text) == []
    assert_round_trips(text)
    web = load(text).node("web")
    assert web.params["fields"] == {"status": "case.state[0]"}
    assert web.params["optional"] == ["ticket"]


def test_lookup_optional_names_a_saved_variable() -> None:
    """`optional` only loosens variables that `save` stores."""
    text = VALID.replace(
        "  save      status\n  found     -> bye\n  not_found -> bye",
        "  save status\n  optional ticket\n  found -> bye\n  not_found -> bye",
    )
    assert problems(text) == [("E103", "`optional` names `ticket`, which `save` does not store; add it to `save`", 30)]


def test_lookup_fields_of_an_sql_lookup_are_reported() -> None:
    """`fields` read JSON; an SQL lookup names its columns with `as`."""
    text = VALID.replace(
        "  save      status\n  timeout   3s", '  save      status\n  fields status = "a.b"\n  timeout   3s'
    )
    message = "`fields` finds values in an HTTP source's JSON answer; in SQL, name the column with `as`"
    assert problems(text) == [("E103", message, 19)]


def test_lookup_reads_each_source_the_way_its_kind_needs() -> None:
    """With the environment at hand, `query` on an HTTP source and `path` on an SQLite source are errors."""
    environment = load_environment(EXAMPLES / "callflow.toml")
    flow = load(VALID.replace("lookup crm", "lookup tickets"))
    found = [(p.code.id, p.message) for p in check_flow(flow, environment=environment, registry=REGISTRY)]
    assert ("E103", "`tickets` is an SQLite source: look it up with `query`, not `path`") in found
