"""Exploring a flow: its distinct paths, and test skeletons for the exits no test takes."""

from __future__ import annotations

import asyncio
import json
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from callflow.flowlang.environment import Environment
from callflow.flowlang.loader import load_file, load_text
from callflow.flowlang.model import Flow
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import parse_script
from callflow.runtime.testing.explore import Path as FlowPath
from callflow.runtime.testing.explore import needs_person, paths, skeleton_for, wired_exits
from callflow.runtime.testing.flowtest import check_expectations, read_test_file, run_test_file
from callflow.runtime.testing.replay_commands import explore

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
MORNING = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("UTC"))

MENU_WITH_REPEAT = """\
flow t
  languages en

prompt main
  en "Press 1 for sales, 2 for support, 0 to hear this again."

prompt bye
  en "Goodbye."

choose: menu main
  key 1  -> sales
  key 2  -> support
  key 0  -> choose
  failed -> goodbye

sales: say bye -> goodbye

support: say bye -> goodbye

goodbye: hangup
"""

TINY = """\
flow tiny
  languages en

var account = ""

prompt closed
  en "We are closed tonight."

prompt main
  en "For sales press 1, for support press 2."

prompt support
  en "For billing press 1, for anything else press 2."

prompt number
  en "Enter your account number, then hash."

prompt thanks
  en "Thank you."

start: branch
  when switch.night -> closed
  else              -> main

closed: say closed -> goodbye

main: menu main
  key 1  -> sales
  key 2  -> support
  failed -> goodbye

support: menu support
  key 1  -> billing
  key 2  -> goodbye
  failed -> goodbye

billing: collect number
  into       account
  max_digits 6
  terminator "#"
  done       -> thanks
  failed     -> goodbye

sales: say thanks -> goodbye

thanks: say thanks -> goodbye

goodbye: hangup
"""


def load(text: str) -> Flow:
    """A flow from DSL text, which must load without errors."""
    loaded = load_text(text, "t.flow", "dsl")
    assert loaded.ok and loaded.flow is not None, [p.render() for p in loaded.problems]
    return loaded.flow


def run(flow: Flow, steps: list[str], switches: dict[str, bool] | None = None) -> Simulation:
    """One simulated call through a flow that needs no environment."""
    simulator = Simulator(Environment.empty(), Path("."))
    try:
        return simulator.run(flow, parse_script(steps), at=MORNING, switches=switches or {})
    finally:
        simulator.close()


# -- paths ----------------------------------------------------------------------------------------------------


def test_a_straight_flow_has_one_path() -> None:
    """A flow without choices has exactly one path, ending at the node with no exit."""
    flow = load('flow t\n  languages en\n\nprompt hi\n  en "Hi."\n\ngreet: say hi -> bye\n\nbye: hangup\n')
    assert paths(flow) == [FlowPath((("greet", "next"),), "bye")]


def test_a_menu_that_repeats_itself_is_counted_to_the_loop_bound() -> None:
    """Key 0 plays the menu again: with two visits allowed, the repeat adds its own three paths and one cut loop."""
    found = paths(load(MENU_WITH_REPEAT), max_visits=2)
    assert len(found) == 7
    assert [p.steps for p in found if p.looped] == [(("choose", "key 0"), ("choose", "key 0"))]
    assert found[0] == FlowPath((("choose", "key 1"), ("sales", "next")), "goodbye")


@pytest.mark.parametrize(("max_visits", "count"), [(1, 4), (2, 7), (3, 10)])
def test_each_visit_allowed_adds_one_round_of_the_loop(max_visits: int, count: int) -> None:
    """Every extra visit a path may make lets the repeat key lead to the three other exits once more."""
    assert len(paths(load(MENU_WITH_REPEAT), max_visits=max_visits)) == count


def test_a_loop_without_the_caller_ends_at_the_bound() -> None:
    """Two says that lead to each other give one path, cut when a node would be entered a third time."""
    text = 'flow t\n  languages en\n\nprompt hi\n  en "Hi."\n\na: say hi -> b\n\nb: say hi -> a\n'
    (only,) = paths(load(text), max_visits=2)
    assert only.looped and only.end == "a" and len(only.steps) == 4


def test_the_limit_caps_the_paths_returned() -> None:
    """No more paths than the limit are enumerated."""
    assert len(paths(load(MENU_WITH_REPEAT), max_visits=5, limit=3)) == 3


def test_every_way_to_the_end_is_a_path_even_where_branches_meet_again() -> None:
    """Closed; sales; main's failed; support's key 2 and failed; billing's done and failed: 7 paths, though all
    of them end at `goodbye`. Exits are listed in the order the flow wires them."""
    flow = load(TINY)
    assert len(paths(flow)) == 7
    assert {p.end for p in paths(flow)} == {"goodbye"}
    assert wired_exits(flow)[:3] == [("start", "when switch.night"), ("start", "else"), ("closed", "next")]


# -- skeletons ------------------------------------------------------------------------------------------------


def test_skeleton_presses_the_keys_of_the_shortest_route() -> None:
    """The caller of a skeleton presses each menu key on the way, and expects the exit's target."""
    skeleton = skeleton_for(load(TINY), "support", "key 1")
    assert skeleton["name"] == "reach support -> key 1"
    assert skeleton["input"] == ["dtmf:2", "dtmf:1"]
    assert skeleton["switches"] == {"night": False}
    assert skeleton["expect"] == {"reached": ["billing"]}
    assert not needs_person(skeleton)


def test_a_key_that_starts_a_longer_key_is_followed_by_a_pause() -> None:
    """With keys 1 and 12, pressing 1 alone needs a pause longer than the inter-digit timeout, and takes key 1."""
    flow = load(MENU_WITH_REPEAT.replace("key 2  -> support", "key 12 -> support"))
    skeleton = skeleton_for(flow, "choose", "key 1")
    assert skeleton["input"] == ["dtmf:1", "wait:4"]
    assert ("t", "choose", "key 1") in run(flow, skeleton["input"]).taken


def test_skeleton_for_failed_is_silence_for_every_attempt() -> None:
    """A menu gives up after its three silences, so the skeleton keeps silent three times."""
    assert skeleton_for(load(TINY), "main", "failed")["input"] == ["wait:20", "wait:20", "wait:20"]


def test_skeleton_for_collect_types_placeholder_digits() -> None:
    """`done` of a collect node takes placeholder digits, up to its maximum, with its terminator."""
    skeleton = skeleton_for(load(TINY), "billing", "done")
    assert skeleton["input"] == ["dtmf:2", "dtmf:1", "dtmf:123456#"]
    assert skeleton["step_comments"][-1] == "placeholder: any 6 digits take `done`"


def test_skeleton_sets_the_switch_a_branch_needs() -> None:
    """A `when switch.NAME` exit is reached by turning the switch on."""
    assert skeleton_for(load(TINY), "start", "when switch.night")["switches"] == {"night": True}


def test_skeleton_marks_what_only_a_person_can_settle() -> None:
    """A condition on the caller's number cannot be scripted: the skeleton names it in a TODO."""
    text = TINY.replace("when switch.night", 'when caller startswith "0571"')
    skeleton = skeleton_for(load(text), "start", 'when caller startswith "0571"')
    assert needs_person(skeleton)
    assert skeleton["comments"] == ['TODO: make `caller startswith "0571"` hold at `start`']


@pytest.mark.parametrize("exit_step", wired_exits(load(TINY)), ids=lambda e: f"{e[0]}->{e[1]}")
def test_every_skeleton_without_todo_takes_its_exit(exit_step: tuple[str, str]) -> None:
    """Run as written, a skeleton's caller takes the exit it is named for and meets its expectation."""
    flow = load(TINY)
    skeleton = skeleton_for(flow, *exit_step)
    assert not needs_person(skeleton)
    simulation = run(flow, skeleton["input"], skeleton.get("switches"))
    assert ("tiny", *exit_step) in simulation.taken
    assert list(check_expectations(skeleton["expect"], simulation)) == []


# -- the command, end to end ----------------------------------------------------------------------------------


@pytest.fixture
def hotline(tmp_path: Path) -> Path:
    """A private copy of the examples folder, with a test file of two cases."""
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.sqlite", "*.test.yaml"))
    (folder / "hotline_12345.test.yaml").write_text(
        "at: 2026-11-20T10:00\n"
        "cases:\n"
        "  - name: self-service\n"
        "    input: [dtmf:2, hangup]\n"
        "    expect: {reached: [self_service]}\n"
        "  - name: mailbox\n"
        "    input: [dtmf:3, dtmf:#]\n"
        "    expect: {reached: [mailbox]}\n",
        encoding="utf-8",
    )
    return folder


def marked_todo(text: str) -> set[str]:
    """The names of the cases of a skeleton file that carry a TODO comment."""
    marked, name = set(), ""
    for line in text.splitlines():
        if line.startswith("  - name: "):
            name = json.loads(line.removeprefix("  - name: "))
        elif line.strip().startswith("# TODO") and name:
            marked.add(name)
    return marked


def test_explore_counts_paths_marks_coverage_and_writes_runnable_skeletons(hotline: Path) -> None:
    """On the hotline, `explore` counts its paths, marks the exits the tests take, and writes skeletons whose
    cases without TODO pass as they stand."""
    flow_path = hotline / "hotline_12345.flow"
    flow = load_file(flow_path).flow
    assert flow is not None
    out = hotline / "skeletons.test.yaml"
    args = [str(flow_path), "--env", str(hotline / "callflow.toml"), "--write-skeleton", str(out)]
    result = CliRunner().invoke(explore, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"hotline_12345.flow: {len(paths(flow))} distinct paths from `start`")
    assert "  covered    main_menu -> key 2" in lines
    assert "  covered    mailbox -> empty" in lines
    assert "  uncovered  main_menu -> key 1" in lines
    skeletons = read_test_file(out)
    names = [case.name for case in skeletons.cases]
    assert "reach main_menu -> key 1" in names
    assert "reach main_menu -> key 2" not in names
    text = out.read_text(encoding="utf-8")
    assert "TODO: choose `at:`, a moment when schedule `working_hours` is closed" in text
    failing = {r.case.name for r in asyncio.run(run_test_file(skeletons)) if not r.passed}
    assert failing <= marked_todo(text)
    assert lines[-1].startswith(f"wrote {len(names)} test skeletons to {out}")


def test_explore_says_when_the_path_count_is_capped(hotline: Path) -> None:
    """With a cap lower than the number of paths, `explore` says that it stopped counting."""
    result = CliRunner().invoke(explore, [str(hotline / "hotline_12345.flow"), "--max-paths", "10"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("hotline_12345.flow: at least 10 (stopped counting at --max-paths) distinct paths")
