"""Timed caller steps (`dtmf:1@12.5`): a key, words or a hang-up at a moment after the answer, heard only if the
line listens then, as on a live line (a key during a prompt without barge-in, or between two commands, is lost)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.line import BEEP_S, COMMAND_GAP_S, DIGIT_INTERVAL_S
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import ScriptError, Step, parse_script, parse_step
from callflow.runtime.testing.replay import timed_script_from_trace
from callflow.runtime.types import Audio

AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ENVIRONMENT = 'timezone = "Asia/Shanghai"\n[mailboxes.desk]\ndescription = "The desk"\n'
FLOW = """flow t
  languages en

var number = ""

prompt welcome
  en "Welcome to the test line, where every key you press is counted."

prompt ask
  en "For news press 1. For the weather press 2. To leave a message press 3."

prompt sorry
  en "Sorry, we did not hear you."

prompt number
  en "Please enter your number."

prompt news
  en "News."

prompt weather
  en "Weather."

prompt instructions
  en "Leave your message after the tone."

welcome: say welcome -> ask
  barge_in no

ask: menu ask
  no_input     sorry
  max_no_input 1
  key 1        -> news
  key 2        -> weather
  key 3        -> message
  key 4        -> enter
  failed       -> bye

news: say news -> bye

weather: say weather -> bye

enter: collect number
  into       number
  max_digits 4
  done       -> bye
  failed     -> bye

message: voicemail desk
  prompt     instructions
  silence    3s
  terminator "#"
  saved      -> bye
  empty      -> bye

bye: hangup
"""


@pytest.fixture
def line(tmp_path: Path) -> Simulator:
    """A simulator of the test flow's folder (prompt lengths estimated)."""
    (tmp_path / "callflow.toml").write_text(ENVIRONMENT, encoding="utf-8")
    (tmp_path / "t.flow").write_text(FLOW, encoding="utf-8")
    simulator = Simulator(load_environment(tmp_path / "callflow.toml"), tmp_path)
    yield simulator  # type: ignore[misc]
    simulator.close()


def call(simulator: Simulator, *steps: str) -> Simulation:
    """One call through the test flow."""
    flow = load_file(simulator.directory / "t.flow").flow
    assert flow is not None
    return asyncio.run(simulator.call(flow, parse_script(list(steps)), at=AT))


def length(simulator: Simulator, text: str) -> float:
    return simulator.length(Audio(text, "en"))


def welcome_end(simulator: Simulator) -> float:
    """When the welcome has played: the line started it a poll after the call began."""
    return COMMAND_GAP_S + length(simulator, "Welcome to the test line, where every key you press is counted.")


def inputs(simulation: Simulation) -> list[dict[str, Any]]:
    return [e for e in simulation.events if e["event"] == "input"]


def prompt_at(simulation: Simulation, prompt: str) -> float:
    return next(e["t"] for e in simulation.events if e["event"] == "prompt" and e["prompt"] == prompt)


# -- the script ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("dtmf:#@12.5", Step("dtmf", "#", at=12.5)),
        ("dtmf:20261001#@30", Step("dtmf", "20261001#", at=30.0)),
        ("say:路灯坏了@20", Step("say", "路灯坏了", at=20.0)),
        ("say:@answer.wav@7s", Step("audio", "answer.wav", at=7.0)),
        ("say:@answer.wav", Step("audio", "answer.wav")),
        ("hangup@61", Step("hangup", at=61.0)),
        ("dtmf:1", Step("dtmf", "1")),
    ],
)
def test_a_step_may_say_when_it_happens(text: str, step: Step) -> None:
    """`@SECONDS` at the end of a key, words or hang-up step is when it happens, after the answer."""
    assert parse_step(text) == step
    assert parse_step(str(step)) == step


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (["dtmf:1@5", "dtmf:2"], "give every key, word and hang-up a time"),
        (["wait:3@5"], "only keys, words and hang-up take a time"),
        (["agent:10@5"], "only keys, words and hang-up take a time"),
        (["dtmf:2@9", "dtmf:1@5"], "keep steps in time order"),
        (["dtmf:1234@9", "dtmf:1@9.5"], "its keys are pressed until 9.9 s"),
        (["hangup@9", "dtmf:1@10"], "nothing happens after the caller hangs up"),
    ],
)
def test_a_script_that_cannot_happen_is_refused_with_the_reason(script: list[str], message: str) -> None:
    """Mixed timed and untimed steps, times out of order, and steps after a hang-up are errors that say why."""
    with pytest.raises(ScriptError, match=message):
        parse_script(script)


def test_far_side_steps_may_go_with_timed_caller_steps() -> None:
    """`agent:S` is the far side's, not the caller's: it never takes a time and mixes with timed steps."""
    assert [s.kind for s in parse_script(["dtmf:1@9", "agent:20", "agent-hangup:30", "hangup@90"])] == [
        "dtmf",
        "agent",
        "agent-hangup",
        "hangup",
    ]


# -- where keys are heard -----------------------------------------------------------------------------------------


def test_a_key_pressed_during_a_prompt_without_barge_in_is_lost(line: Simulator) -> None:
    """1 pressed during the welcome (no barge-in) is lost; the menu hears nothing and gives up."""
    result = call(line, "dtmf:1@2")
    assert inputs(result) == [{"t": 2.0, "event": "input", "node": "welcome", "dtmf": "1", "lost": "prompt"}]
    assert [e["reason"] for e in result.events if e["event"] == "menu_failed"] == ["no_input"]
    assert "news" not in [e.get("prompt") for e in result.events]


def test_a_key_pressed_between_two_commands_is_lost(line: Simulator) -> None:
    """A key that comes after the welcome ends but before the line starts the menu is lost (nothing listens)."""
    moment = round(welcome_end(line) + COMMAND_GAP_S / 2, 3)
    result = call(line, f"dtmf:1@{moment}")
    assert inputs(result)[0]["lost"] == "pause"
    assert "news" not in [e.get("prompt") for e in result.events]


def test_a_key_pressed_while_the_menu_plays_cuts_it_at_that_moment(line: Simulator) -> None:
    """A key during the menu prompt (barge-in) is heard when pressed, and the next node starts then."""
    moment = round(welcome_end(line) + COMMAND_GAP_S + 2.0, 3)
    result = call(line, f"dtmf:1@{moment}")
    assert inputs(result) == [{"t": moment, "event": "input", "node": "ask", "dtmf": "1"}]
    assert prompt_at(result, "news") == moment


def test_a_key_pressed_after_the_menu_while_it_waits_is_heard(line: Simulator) -> None:
    """A key after the menu prompt, before its timeout, is the choice."""
    asked = welcome_end(line) + COMMAND_GAP_S
    menu = length(line, "For news press 1. For the weather press 2. To leave a message press 3.")
    moment = round(asked + menu + COMMAND_GAP_S + 3.0, 3)
    result = call(line, f"dtmf:2@{moment}")
    assert inputs(result)[0] == {"t": moment, "event": "input", "node": "ask", "dtmf": "2"}
    assert prompt_at(result, "weather") == moment


def test_the_keys_of_one_step_come_one_after_another(line: Simulator) -> None:
    """`dtmf:41234@T`: each key `DIGIT_INTERVAL_S` after the last, the first cutting the menu, the rest collected."""
    moment = round(welcome_end(line) + COMMAND_GAP_S + 1.0, 3)
    result = call(line, f"dtmf:41234@{moment}")
    times = [e["t"] for e in inputs(result)]
    assert times == pytest.approx([moment + i * DIGIT_INTERVAL_S for i in range(5)])
    assert not [e for e in inputs(result) if e.get("lost")]
    assert result.variables["number"] == "1234"


def test_a_hang_up_ends_the_call_where_it_comes_even_during_a_prompt_without_barge_in(line: Simulator) -> None:
    """`hangup@3` during the welcome ends the call at 3 s, by the caller."""
    result = call(line, "hangup@3")
    assert result.end == {**result.end, "t": 3.0, "reason": "hangup", "by": "caller"}


def test_words_said_when_nobody_records_are_lost_and_heard_in_a_recording(line: Simulator) -> None:
    """Words under the beep are lost; words once the recording runs are the message, ended by #."""
    asked = welcome_end(line) + COMMAND_GAP_S
    pressed = round(asked + COMMAND_GAP_S + 1.0, 3)
    instructions = length(line, "Leave your message after the tone.")
    recording = pressed + COMMAND_GAP_S + instructions + COMMAND_GAP_S + BEEP_S
    under_beep = round(recording - BEEP_S / 2, 3)
    said = round(recording + 1.0, 3)
    result = call(line, f"dtmf:3@{pressed}", f"say:hello@{under_beep}", f"say:my message@{said}", f"dtmf:#@{said + 2}")
    assert [(e.get("dtmf"), e.get("lost")) for e in inputs(result)] == [("3", None), (None, "beep"), ("#", None)]
    (voicemail,) = [e for e in result.events if e["event"] == "voicemail"]
    assert voicemail["ended_by"] == "key" and voicemail["seconds"] > 0


def test_a_call_replayed_at_its_own_moments_is_the_same_call(line: Simulator) -> None:
    """An untimed call's trace, made into timed steps, gives the same prompts, nodes and outcome again."""
    for script in (["dtmf:4", "dtmf:1234"], ["wait:30", "dtmf:1"], ["dtmf:3", "say:hello there", "dtmf:#"]):
        first = call(line, *script)
        timed = [str(step) for step in timed_script_from_trace(first.events)]
        again = call(line, *timed)
        assert again.said() == first.said(), timed
        assert again.nodes() == first.nodes(), timed
        assert (again.end["reason"], again.end.get("by")) == (first.end["reason"], first.end.get("by"))


def test_keys_under_the_beep_are_lost_even_the_terminator(line: Simulator) -> None:
    """5 and # pressed while the beep plays are lost: the recording has not started; a # once it runs ends it."""
    asked = welcome_end(line) + COMMAND_GAP_S
    pressed = round(asked + COMMAND_GAP_S + 1.0, 3)
    instructions = length(line, "Leave your message after the tone.")
    beep = pressed + COMMAND_GAP_S + instructions + COMMAND_GAP_S
    under = [f"dtmf:5@{round(beep + 0.1, 3)}", f"dtmf:#@{round(beep + 0.2, 3)}"]
    result = call(line, f"dtmf:3@{pressed}", *under, f"dtmf:#@{round(beep + BEEP_S + 1.0, 3)}")
    lost = [(e["dtmf"], e.get("lost")) for e in inputs(result)]
    assert lost == [("3", None), ("5", "beep"), ("#", "beep"), ("#", None)]
    (voicemail,) = [e for e in result.events if e["event"] == "voicemail"]
    assert voicemail["ended_by"] == "key"
