"""Global keys: declared once in a flow's header, they work in its menus and in the menus of the subflows it calls,
but not while digits are collected (a key there is a digit)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import parse_script

AT = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

CARDS = """\
flow cards
  languages en
  global_key 9 -> lost_card
  global_key 0 back

var pin = ""
var outcome = ""

prompt welcome
  en "For your balance press 1, for a new card press 2."

prompt lost
  en "Lost card desk."

prompt done
  en "Thank you."

main: menu welcome
  key 1  -> balance
  key 2  -> balance
  failed -> bye

balance: subflow verify
  out    pin, outcome
  done   -> bye
  cancel -> bye

lost_card: say lost -> again

again: subflow verify
  out    pin, outcome
  done   -> bye
  cancel -> bye

bye: say done -> end

end: hangup
"""

VERIFY = """\
flow verify
  languages en
  outputs   pin, outcome

var pin = ""
var outcome = ""

prompt enter
  en "Enter your PIN."

prompt confirm
  en "To confirm press 1, to cancel press 2."

collect_pin: collect enter
  into       pin
  max_digits 4
  done       -> confirm
  failed     -> cancelled

confirm: menu confirm
  key 1  -> confirmed
  key 2  -> cancelled
  failed -> cancelled

confirmed: set outcome = "confirmed" -> finish

finish: return done

cancelled: return cancel
"""


def call(tmp_path: Path, *steps: str, verify: str = VERIFY, cards: str = CARDS) -> Simulation:
    """Write both flows beside an environment and simulate one call to `cards`."""
    (tmp_path / "callflow.toml").write_text('timezone = "Asia/Shanghai"\n', encoding="utf-8")
    (tmp_path / "verify.flow").write_text(verify, encoding="utf-8")
    (tmp_path / "cards.flow").write_text(cards, encoding="utf-8")
    loaded = load_file(tmp_path / "cards.flow")
    assert loaded.ok, [p.render() for p in loaded.problems]
    assert loaded.flow is not None
    simulator = Simulator(load_environment(tmp_path / "callflow.toml"), tmp_path)
    try:
        return asyncio.run(simulator.call(loaded.flow, parse_script(list(steps)), at=AT))
    finally:
        simulator.close()


def events(result: Simulation, kind: str) -> list[dict[str, Any]]:
    """The events of one kind."""
    return [e for e in result.events if e["event"] == kind]


def test_a_callers_global_key_works_in_a_subflows_menu(tmp_path: Path) -> None:
    """9 in the called flow's confirm menu leaves the subflow for the caller's `lost_card` node; the subflow returns
    nothing, and the subflow the lost-card desk calls runs as usual."""
    result = call(tmp_path, "dtmf:1", "dtmf:1234", "dtmf:9", "dtmf:5678", "dtmf:1")
    assert [(e["action"], e["to"]) for e in events(result, "global_key")] == [("goto", "lost_card")]
    assert result.said() == [
        "For your balance press 1, for a new card press 2.",
        "Enter your PIN.",
        "To confirm press 1, to cancel press 2.",
        "Lost card desk.",
        "Enter your PIN.",
        "To confirm press 1, to cancel press 2.",
        "Thank you.",
    ]
    assert ("cards", "balance", "done") not in result.taken
    assert ("cards", "again", "done") in result.taken
    assert result.variables["pin"] == "5678"


def test_a_global_key_is_a_digit_while_digits_are_collected(tmp_path: Path) -> None:
    """While the subflow collects a PIN, 9 is one of its digits, not the lost-card key."""
    result = call(tmp_path, "dtmf:1", "dtmf:1929", "dtmf:1")
    assert events(result, "global_key") == []
    assert result.variables["pin"] == "1929"
    assert ("cards", "balance", "done") in result.taken


def test_a_subflows_own_global_key_wins_over_its_callers(tmp_path: Path) -> None:
    """A called flow that declares `global_key 9 repeat` repeats its own menu on 9 instead of leaving."""
    verify = VERIFY.replace("  outputs   pin, outcome\n", "  outputs   pin, outcome\n  global_key 9 repeat\n")
    result = call(tmp_path, "dtmf:1", "dtmf:1234", "dtmf:9", "dtmf:1", verify=verify)
    assert [e["action"] for e in events(result, "global_key")] == ["repeat"]
    assert result.said().count("To confirm press 1, to cancel press 2.") == 2
    assert ("cards", "balance", "done") in result.taken


def test_a_key_the_subflows_menu_offers_wins_over_the_callers_global_key(tmp_path: Path) -> None:
    """A menu of the called flow offering key 9 takes its own key 9."""
    verify = VERIFY.replace("  key 2  -> cancelled\n", "  key 2  -> cancelled\n  key 9  -> cancelled\n")
    result = call(tmp_path, "dtmf:1", "dtmf:1234", "dtmf:9", verify=verify)
    assert events(result, "global_key") == []
    assert ("verify", "confirm", "key 9") in result.taken
    assert ("cards", "balance", "cancel") in result.taken


def test_back_in_a_subflows_menu_goes_to_the_callers_menu_before_it(tmp_path: Path) -> None:
    """0 (`back`) in the called flow's first menu goes back to the caller's menu that led into the subflow."""
    result = call(tmp_path, "dtmf:1", "dtmf:1234", "dtmf:0", "dtmf:2", "dtmf:4321", "dtmf:1")
    assert [(e["action"], e["to"]) for e in events(result, "global_key")] == [("back", None)]
    welcome = "For your balance press 1, for a new card press 2."
    assert [s for s in result.said() if s == welcome] == [welcome] * 2
    assert ("cards", "main", "key 2") in result.taken
    assert result.variables["pin"] == "4321"
