"""Hostile values for the runtime, as hypothesis strategies, and the properties they must keep.

The tests run each property with a small, fixed number of examples (`FUZZ_EXAMPLES`) so the suite stays short;
`bench/fuzz_runtime.py` runs the same properties with many more.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
from hypothesis import strategies as st

from callflow.flowlang.bounds import MAX_INTEGER, MAX_SIZE, MIN_INTEGER, OutOfBounds, value_size
from callflow.flowlang.environment import Environment, load_environment
from callflow.flowlang.evaluation import EvaluationError, compile_expression, evaluate
from callflow.flowlang.expression import Binary, Expression, ListExpr, Literal, Unary, Variable, to_text
from callflow.flowlang.loader import load_text
from callflow.flowlang.model import Flow
from callflow.runtime.http_source import quote_value, request_url
from callflow.runtime.simulator.run import Simulator
from callflow.runtime.simulator.script import parse_script

FUZZ_EXAMPLES = 150
"""Examples per property in the test suite."""

# -- expressions ----------------------------------------------------------------------------------------------


_LARGE: dict[str, Any] = {
    "a text at the limit": "x" * MAX_SIZE,
    "a text of 40,000": "x" * 40_000,
    "a list of long texts": ["x" * 1000] * 60,
    "a number of 4,000 digits": 10**4000,
}
"""Large values, drawn by name so that hypothesis does not print them whole."""


def _large(*names: str) -> st.SearchStrategy[Any]:
    return st.sampled_from(names).map(_value_named)


def _value_named(name: str) -> Any:
    return _LARGE[name]


VALUES: st.SearchStrategy[Any] = st.one_of(
    st.integers(MIN_INTEGER, MAX_INTEGER),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.lists(st.one_of(st.text(max_size=5), st.integers(-10, 10)), max_size=5),
    st.none(),
    st.booleans(),
    st.sampled_from(["12", "1" * 30, 2**62, MAX_INTEGER, MIN_INTEGER, 1e308, 5e-324]),
    _large("a text at the limit", "a list of long texts"),
)
"""What a variable of a call can hold: every value `CallContext.set` lets through."""

CONSTANTS: st.SearchStrategy[Any] = st.one_of(
    st.integers(),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from([0, 1, 2, 10**30, float("inf"), float("nan"), "", True, None]),
    _large("a number of 4,000 digits", "a text of 40,000"),
)
"""Constants as an expression may hold them, out of range ones included (the parser's own limits aside)."""

_OPERATORS = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "startswith", "endswith"]
_OPERATORS += ["+", "-", "*", "/", "%", "and", "or"]

EXPRESSIONS: st.SearchStrategy[Expression] = st.recursive(
    st.one_of(st.builds(Literal, CONSTANTS), st.just(Variable(("x",)))),
    lambda children: st.one_of(
        st.builds(Unary, st.sampled_from(["-", "not"]), children),
        st.builds(Binary, st.sampled_from(_OPERATORS), children, children),
        st.builds(ListExpr, st.lists(children, max_size=3).map(tuple)),
    ),
    max_leaves=8,
)
"""Expressions over one variable `x`: every operator, constants of every size."""

_MADE = ("+", "-", "*", "/", "%")


def _makes_a_value(expr: Expression) -> bool:
    """Whether an expression's value is made by it (not a constant or variable passed through, nor a truth)."""
    return isinstance(expr, ListExpr) or (isinstance(expr, Unary | Binary) and expr.op in _MADE)


def evaluation_is_bounded(expr: Expression, x: Any) -> None:
    """`expr` gives a value within the limits (when it makes one) or an EvaluationError, never another error, and
    the compiled form gives the same."""
    variables = {"x": x}
    try:
        value = evaluate(expr, variables)
    except EvaluationError as error:
        try:
            compile_expression(expr)(variables.__getitem__)
        except EvaluationError as again:
            assert again.message == error.message
            return
        raise AssertionError(f"compiled, {expr} does not fail with {error.message!r}") from None
    assert repr(compile_expression(expr)(variables.__getitem__)) == repr(value)
    if _makes_a_value(expr):
        value_size(value)  # OutOfBounds fails the property


def assignment_loops_stay_bounded(expr: Expression, x: Any, rounds: int = 100) -> None:
    """`x = expr` repeated as a flow's loop repeats it: every value stays within the limits, or the loop fails
    (an EvaluationError, or a value `CallContext.set` refuses) long before growing without end."""
    run = compile_expression(expr)
    for _ in range(rounds):
        try:
            x = run({"x": x}.__getitem__)
            value_size(x)
        except (EvaluationError, OutOfBounds):
            return


SILENT_LOOP = """flow t
  languages en

var x = 0

prompt ask
  en "Press 1 for help, {x}."

menu: menu ask
  max_no_input 1
  timeout      1s
  key 1        -> bye
  failed       -> grow

grow: set x = EXPRESSION -> menu

bye: hangup
"""
"""A silent caller in a menu, an assignment each time round, and a prompt that says the value."""


@cache
def _simulator() -> Simulator:
    """One simulator for the whole run (its folder holds no flows: the calls' flows come as text)."""
    return Simulator(Environment.empty(), Path(tempfile.mkdtemp(prefix="callflow-fuzz-")))


def silent_loops_end(expr: Expression, x: Any) -> None:
    """A flow that assigns `x = expr` each time a silent caller lets a menu fail, and says `x` in the menu's prompt,
    ends: at the step cap, the time limit, or in the fallback after an error; never with an exception or a hang."""
    try:
        text = SILENT_LOOP.replace("EXPRESSION", to_text(expr))
    except ValueError:  # a constant no flow can write (`inf`): nothing to run
        return
    loaded = load_text(text, "loop.flow", "dsl")
    if loaded.flow is None or not loaded.ok:  # the parser's own limits (deeply nested, very long)
        return
    start = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    call = _simulator().call(loaded.flow, parse_script([]), at=start, inputs={"x": x}, limit_s=3600)
    result = asyncio.run(call)
    assert result.end["event"] == "end" and result.end["reason"] in ("hangup", "time_limit")


# -- lookup paths ---------------------------------------------------------------------------------------------

BASES = st.sampled_from(["http://127.0.0.1:8000", "http://127.0.0.1:8000/v1", "https://crm.example.org/v1/?key=k"])

INSERTED: st.SearchStrategy[str] = st.one_of(
    st.text(),
    st.lists(st.sampled_from(["..", ".", "/", "\\", "%2e", "%2F", "%25", "?", "#", "&", "=", ";", " ", "a", "é"])).map(
        "".join
    ),
)
"""What a caller's speech or number can put into a lookup's path: any text, and texts made of what climbs paths."""


def inserted_values_stay_under_the_base(base: str, value: str) -> None:
    """A value inserted into `/cases/{value}/notes` is sent as one segment under the source's base path (it decodes
    back to itself), or the lookup is refused; it never reaches another path or host."""
    try:
        url = request_url(base, f"/cases/{quote_value(value)}/notes")
    except ValueError as error:
        assert "leaves the source's URL" in str(error)
        return
    sent = httpx.Request("GET", url).url  # what httpx sends, after its own normalisation
    base_path = urlsplit(base).path.rstrip("/")
    assert sent.host == urlsplit(base).hostname
    raw = sent.raw_path.decode("ascii").partition("?")[0]
    assert raw.startswith(f"{base_path}/cases/") and raw.endswith("/notes")
    assert unquote(raw.removeprefix(f"{base_path}/cases/").removesuffix("/notes")) == value


LOOKUP = """flow t
  languages en

var status = ""

find: lookup crm
  path      "/cases/{caller}"
  save      status
  timeout   20s
  found     -> bye
  not_found -> bye
  error     -> bye
  timeout   -> bye

bye: hangup
"""
"""A call that looks its caller up by inserting the caller's number into the path."""


@cache
def _lookup_call(url: str) -> tuple[Simulator, Flow]:
    """A simulator whose source `crm` is at `url`, and the flow that looks callers up there."""
    folder = Path(tempfile.mkdtemp(prefix="callflow-fuzz-"))
    (folder / "callflow.toml").write_text(f'[sources.crm]\ntype = "http"\nurl = "{url}"\n', encoding="utf-8")
    loaded = load_text(LOOKUP, "lookup.flow", "dsl")
    assert loaded.ok and loaded.flow is not None
    return Simulator(load_environment(folder / "callflow.toml"), folder), loaded.flow


def lookups_reach_only_the_base(url: str, targets: list[str], value: str) -> None:
    """Through the lookup node and a real service at `url` (which records the `targets` it is asked for): a caller
    whose number is `value` makes the service get exactly one path under `/cases/` holding the value, or nothing
    (a refused value, the lookup's `error`)."""
    simulator, flow = _lookup_call(url)
    targets.clear()
    start = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    result = asyncio.run(simulator.call(flow, parse_script([]), at=start, caller=value))
    (event,) = [e for e in result.events if e["event"] == "lookup"]
    if event["result"] == "error":
        assert "leaves the source's URL" in event["detail"] and targets == []
        return
    (target,) = targets
    base = urlsplit(url).path.rstrip("/")
    assert target.startswith(f"{base}/cases/") and unquote(target.removeprefix(f"{base}/cases/")) == value
