"""A flow whose values grow in a loop (a silent caller in a menu) cannot stall or exhaust the runtime: the node that
passes a limit takes its error path, and then the fallback, as any failure does."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from runtime_fuzz import EXPRESSIONS, FUZZ_EXAMPLES, VALUES, silent_loops_end

from callflow.flowlang.bounds import MAX_SIZE
from callflow.flowlang.environment import load_environment
from callflow.flowlang.expression import Expression
from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import parse_script
from callflow.runtime.trace import MAX_TRACE_SIZE

APOLOGY = "Sorry, something went wrong. Transferring you to an agent."
AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ENVIRONMENT = 'fallback = "operator"\n\n[destinations.operator]\nnumber = "100"\n'


def run(tmp_path: Path, flow_text: str, *steps: str, **options: Any) -> Simulation:
    """Simulate one call of a flow; the fallback destination answers (the caller reaches a person)."""
    (tmp_path / "callflow.toml").write_text(ENVIRONMENT, encoding="utf-8")
    (tmp_path / "t.flow").write_text(flow_text, encoding="utf-8")
    loaded = load_file(tmp_path / "t.flow")
    assert loaded.ok and loaded.flow is not None, [p.render() for p in loaded.problems]
    simulator = Simulator(load_environment(tmp_path / "callflow.toml"), tmp_path)
    try:
        return asyncio.run(simulator.call(loaded.flow, parse_script([*steps, "agent:1"]), at=AT, **options))
    finally:
        simulator.close()


def kinds(simulation: Simulation, kind: str) -> list[dict[str, Any]]:
    """The events of one kind."""
    return [e for e in simulation.events if e["event"] == kind]


SILENT_LOOP = """flow t
  languages en

var v = START

prompt ask
  en "Press 1 for help."

menu: menu ask
  max_no_input 1
  timeout      1s
  key 1        -> bye
  failed       -> grow

grow: set v = GROWTH -> menu

bye: hangup
"""


def silent_loop(start: str, growth: str) -> str:
    return SILENT_LOOP.replace("START", start).replace("GROWTH", growth)


def test_squaring_a_number_in_a_silent_menu_loop_ends_in_the_fallback(tmp_path: Path) -> None:
    """`set n = n * n` each time round: the 6th squaring leaves 64 bits, an error, and the caller gets a person
    (this loop used to run on, with numbers of thousands of digits after 15 rounds; after 40 it never ended)."""
    result = run(tmp_path, silent_loop("2", "v * v"), limit_s=40)  # 15 rounds: no more, or it would never end
    (error,) = kinds(result, "error")
    assert "the result of `*` is a whole number outside the 64-bit range" in error["message"]
    assert [e["value"] for e in kinds(result, "set")] == [4, 16, 256, 65536, 2**32]
    assert kinds(result, "fallback")[0]["reason"] == "exit `error` leads nowhere"
    assert result.said()[-1] == APOLOGY
    assert result.end["reason"] == "transferred"


def test_doubling_a_text_in_a_silent_menu_loop_ends_in_the_fallback(tmp_path: Path) -> None:
    """`set s = s + s` each time round: an error before the text passes the limit, then the fallback."""
    result = run(tmp_path, silent_loop('"ab"', "v + v"), limit_s=50)  # 19 rounds
    (error,) = kinds(result, "error")
    assert f"past the limit of {MAX_SIZE:,}" in error["message"]
    assert len(kinds(result, "set")[-1]["value"]) == MAX_SIZE
    assert result.said()[-1] == APOLOGY


def test_a_wired_error_exit_handles_a_value_past_the_limits(tmp_path: Path) -> None:
    """The node that passes a limit takes its `error` exit when one is wired, like any other failure."""
    flow = silent_loop("2", "v * v").replace(
        "grow: set v = v * v -> menu", "grow: set v = v * v -> menu\n  error -> bye"
    )
    result = run(tmp_path, flow, limit_s=40)
    assert kinds(result, "fallback") == []
    assert result.end == {**result.end, "reason": "hangup", "by": "flow", "node": "bye"}


def test_a_call_whose_trace_fills_up_takes_the_error_path(tmp_path: Path) -> None:
    """Copying a 64 KB text into a variable each time round fills the trace's room; the `set` that would pass it
    fails, and the trace stays within its limit plus the small events of the fallback."""
    result = run(tmp_path, _filling_flow(), limit_s=3600)
    (error,) = kinds(result, "error")
    assert "the call's trace is full" in error["message"]
    copies = [e for e in kinds(result, "set") if e["name"] == "copy"]
    doubling = sum(16 * 2**k for k in range(1, 13))  # the texts the doubling set took room as well
    assert len(copies) == (MAX_TRACE_SIZE - doubling) // MAX_SIZE == 13
    assert result.said()[-1] == APOLOGY
    assert len(json.dumps(result.events)) < MAX_TRACE_SIZE + 20_000


def _filling_flow() -> str:
    """A flow that makes a 65,536-character text, then copies it into a variable each time a silent menu fails."""
    doublings = "\n\n".join(
        f"double{i}: set big = big + big -> double{i + 1}" for i in range(12)
    )  # 16 characters doubled 12 times
    return f"""flow t
  languages en

var big = "0123456789abcdef"
var copy = ""

prompt ask
  en "Press 1 for help."

{doublings}

double12: set copy = big -> menu

menu: menu ask
  max_no_input 1
  timeout      1s
  key 1        -> bye
  failed       -> double12

bye: hangup
"""


def test_the_trace_of_a_long_call_is_far_from_its_limit(tmp_path: Path) -> None:
    """The limit leaves room for long calls: a silent caller kept in a menu loop until the step cap, a counter set
    each time round, is recorded whole."""
    result = run(tmp_path, silent_loop("0", "v + 1"), limit_s=86_400)
    assert [e["message"] for e in kinds(result, "error")] == ["the call passed through 1000 nodes without ending"]
    assert [e["value"] for e in kinds(result, "set")] == list(range(1, 501))  # 1,000 nodes: 500 rounds


@settings(max_examples=FUZZ_EXAMPLES // 3, deadline=None)
@given(EXPRESSIONS, VALUES)
def test_any_assignment_in_a_silent_menu_loop_ends_the_call(expr: Expression, x: object) -> None:
    """Whatever a flow assigns each time round a loop, starting from any value a variable can hold, the call ends:
    at the step cap, at the time limit or in the fallback, never with an exception and never stalling."""
    silent_loops_end(expr, x)
