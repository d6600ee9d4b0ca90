"""Replaying a recorded call: the caller's script rebuilt from the trace, and what the caller would now live."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_text
from callflow.flowlang.model import Flow
from callflow.runtime.simulator.commands import simulate
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import Step, parse_script
from callflow.runtime.testing.flowtest import unified
from callflow.runtime.testing.replay import ReplayError, call_options, experience, read_trace, script_from_trace
from callflow.runtime.testing.replay_commands import replay

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
FRIDAY_MORNING = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
POLICY = "办理居住证请携带身份证和租房合同到所在街道办事处。"
SELF_SERVICE = "查询工单进度请按1，听取政策信息请按2，返回上级菜单请按0。"


@pytest.fixture
def hotline(tmp_path: Path) -> Path:
    """A private copy of the examples folder."""
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.sqlite", "*.test.yaml"))
    return folder


def hotline_flow(folder: Path, *changes: tuple[str, str]) -> Flow:
    """The hotline flow, with each (old, new) text change made to it."""
    text = (folder / "hotline_12345.flow").read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    flow = load_text(text, str(folder / "hotline_12345.flow"), "dsl").flow
    assert flow is not None
    return flow


def call(folder: Path, flow: Flow, steps: list[Step], **options: Any) -> Simulation:
    """One simulated call to a version of the hotline on a Friday morning."""
    simulator = Simulator(load_environment(folder / "callflow.toml"), folder)
    try:
        return simulator.run(flow, steps, at=FRIDAY_MORNING, **options)
    finally:
        simulator.close()


def recorded(folder: Path, *steps: str) -> list[dict[str, Any]]:
    """The trace of a call to the hotline, as it reads back from JSON lines."""
    events = call(folder, hotline_flow(folder), parse_script(list(steps))).events
    return read_trace("\n".join(json.dumps(e, ensure_ascii=False) for e in events))


def replayed(folder: Path, events: list[dict[str, Any]], flow: Flow) -> Simulation:
    """The recorded caller, calling a flow again."""
    return call(folder, flow, script_from_trace(events), **call_options(events))


def changed_lines(before: list[str], after: list[str]) -> list[str]:
    """The removed and added lines of a unified diff."""
    diff = unified(before, after).splitlines()[2:]
    return [line for line in diff if line[:1] in "+-"]


# -- the caller's script --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "steps",
    [
        ["dtmf:2", "dtmf:1", "dtmf:20261001#", "hangup"],
        ["wait:20", "hangup"],
        ["dtmf:7", "wait:15", "hangup"],
        ["wait:20", "dtmf:7", "wait:20", "dtmf:8", "dtmf:2", "hangup"],
        ["dtmf:21", "hangup"],
        ["dtmf:2", "dtmf:1", "dtmf:2026", "wait:10", "dtmf:1", "hangup"],
        ["dtmf:1", "agent:75", "agent-hangup:10", "hangup"],
        ["dtmf:1", "agent:20", "agent-hangup:60", "dtmf:2"],
        ["dtmf:1", "dtmf:1", "say:路灯坏了，请派人修理", "dtmf:#"],
        ["dtmf:3", "say:路灯坏了，请派人修理", "hangup"],
        ["dtmf:9", "dtmf:2", "dtmf:1", "dtmf:20261002#", "hangup"],
    ],
    ids=lambda steps: " ".join(steps),
)
def test_replay_of_a_recorded_call_on_the_same_flow_repeats_it_exactly(hotline: Path, steps: list[str]) -> None:
    """The script rebuilt from a trace makes the very same trace again: same events at the same moments."""
    events = recorded(hotline, *steps)
    assert replayed(hotline, events, hotline_flow(hotline)).events == events


def test_silence_before_an_input_becomes_a_wait(hotline: Path) -> None:
    """A caller who kept silent through the menu for 20 s before hanging up waited 20 s, counted from the menu."""
    assert script_from_trace(recorded(hotline, "wait:20", "hangup")) == [Step("wait", seconds=20.0), Step("hangup")]


def test_agents_become_far_side_steps(hotline: Path) -> None:
    """An agent who answers after 20 s and hangs up 60 s later is `agent:20` and `agent-hangup:60`."""
    script = script_from_trace(recorded(hotline, "dtmf:1", "agent:20", "agent-hangup:60", "dtmf:2"))
    assert [str(step) for step in script] == ["dtmf:1", "agent:20", "agent-hangup:60", "dtmf:2"]


def test_a_message_left_becomes_words_as_long_as_it(hotline: Path) -> None:
    """The trace keeps a message's length, not its words: the script says filler words that take as long."""
    script = script_from_trace(recorded(hotline, "dtmf:3", "say:路灯坏了，请派人修理", "dtmf:#"))
    assert [step.kind for step in script] == ["dtmf", "say", "dtmf"]


def test_masked_keys_cannot_be_replayed() -> None:
    """A PIN masked in the trace cannot be typed again: the replay says so instead of guessing."""
    events = [
        {"t": 0.0, "event": "start", "node": None, "caller": "1", "called": "2"},
        {"t": 1.0, "event": "input", "node": "pin", "dtmf": "***"},
    ]
    with pytest.raises(ReplayError, match="masked"):
        script_from_trace(events)


def test_a_trace_must_be_json_lines_starting_with_start() -> None:
    """A transcript printed without --json is refused with the line that is not JSON."""
    with pytest.raises(ReplayError, match=r"call.txt:1: not a JSON event"):
        read_trace("    0.00  start (flow=hotline_12345)\n", "call.txt")
    with pytest.raises(ReplayError, match="starts with a `start` event"):
        read_trace('{"t": 0, "event": "prompt", "node": "a"}\n')


START = '{"t": 0, "event": "start", "node": null, "caller": "1", "called": "2"}'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param(
            '{"t": 1, "event": "input", "node": "m", "dtmf": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "trace:2: not a JSON event (nested more than 16 deep)",
            id="deep",
        ),
        pytest.param(
            '{"t": ' + "9" * 5000 + ', "event": "input"}',
            "trace:2: not a JSON event (the number 9999999999…",
            id="huge",
        ),
        pytest.param('{"t": NaN, "event": "input"}', "trace:2: not a JSON event (`NaN` is not a number", id="nan"),
        pytest.param('{"t": "1", "event": "input"}', "trace:2: `t`: '1' is not of type 'number'", id="t-text"),
        pytest.param('{"t": 1, "event": "input", "dtmf": 5}', "trace:2: `dtmf`: 5 is not of type 'string'", id="dtmf"),
        pytest.param('{"t": 1, "event": "input", "dtmf": "abc"}', "trace:2: `dtmf`: 'abc' does not match", id="keys"),
        pytest.param(
            '{"t": 1, "event": "queue", "position": "x"}', "trace:2: `position`: 'x' is not of type", id="pos"
        ),
        pytest.param('{"t": 1, "event": "agent"}', "trace:2: `the event`: 'answered_after' is a required", id="agent"),
        pytest.param(
            '{"t": 2, "event": "x"}\n{"t": 1, "event": "y"}',
            "trace:3: this event comes before the one above",
            id="order",
        ),
    ],
)
def test_a_trace_that_a_replay_cannot_use_is_an_error_naming_its_line(line: str, message: str) -> None:
    """Deep nesting (RecursionError in `callflow replay`), huge numbers and fields of the wrong type are errors that
    name the line, before any of the trace is used."""
    with pytest.raises(ReplayError) as caught:
        read_trace(START + "\n" + line + "\n")
    assert str(caught.value).startswith(message)


def test_a_trace_line_may_hold_a_line_separator_in_a_text() -> None:
    """JSON lines end at line feeds: a prompt text with U+2028, as `json.dumps` writes it, stays on its line."""
    prompt = json.dumps({"t": 1, "event": "prompt", "node": "a", "text": "a\u2028b"}, ensure_ascii=False)
    assert "\u2028" in prompt
    assert read_trace(START + "\n" + prompt)[1]["text"] == "a\u2028b"


# -- the caller's experience ----------------------------------------------------------------------------------


def test_experience_is_what_the_caller_hears_does_and_how_the_call_ends(hotline: Path) -> None:
    """Prompts heard, keys pressed, queues, agents and the end, without internal events or times."""
    lines = experience(recorded(hotline, "dtmf:1", "agent:20", "agent-hangup:60", "dtmf:2"))
    assert lines[2:] == [
        "presses 1",
        "waits in queue hotline",
        "hears 您前面还有1位来电。",
        "an agent answers",
        "the agent hangs up",
        "leaves queue hotline: done",
        "hears 请对本次服务进行评价，满意请按1，一般请按2，不满意请按3。",
        "presses 2",
        "hears 感谢您的评价，再见。",
        "call ends: flow hangs up",
    ]


def test_replay_against_a_changed_prompt_shows_only_that_prompt(hotline: Path) -> None:
    """Changing one prompt's text changes exactly the line where the caller hears it."""
    events = recorded(hotline, "dtmf:2", "dtmf:2", "hangup")
    new_text = "办理居住证请携带身份证、租房合同和照片到所在街道办事处。"
    now = replayed(hotline, events, hotline_flow(hotline, (POLICY, new_text)))
    assert changed_lines(experience(events), experience(now.events)) == [f"-hears {POLICY}", f"+hears {new_text}"]


def test_replay_against_a_moved_key_shows_where_the_caller_goes_astray(hotline: Path) -> None:
    """Self-service moved from key 2 to key 4: the caller's 2 is now invalid, and the rest of the call changes."""
    events = recorded(hotline, "dtmf:2", "dtmf:2", "hangup")
    moved = ("  key 2    -> self_service\n", "  key 4    -> self_service\n")
    now = replayed(hotline, events, hotline_flow(hotline, moved))
    assert changed_lines(experience(events), experience(now.events)) == [
        f"-hears {SELF_SERVICE}",
        "+hears 对不起，您的输入有误。",
        f"-hears {POLICY}",
        f"-hears {SELF_SERVICE}",
        "+skips 人工服务请按1，自助查询请按2，给市长信箱留言请按3，For English press 9。 (keys typed ahead)",
        "+hears 对不起，您的输入有误。",
    ]


# -- the command, end to end ----------------------------------------------------------------------------------


def record_with_cli(folder: Path, *steps: str) -> Path:
    """A call recorded with `callflow simulate --json`, saved as a trace file."""
    args = [str(folder / "hotline_12345.flow"), "--at", "2026-11-20T10:00", "--json"]
    result = CliRunner().invoke(simulate, [*args, *(f"--input={step}" for step in steps)])
    assert result.exit_code == 0, result.output
    trace = folder / "call.jsonl"
    trace.write_text(result.output, encoding="utf-8")
    return trace


def test_replay_command_reports_the_same_experience_on_the_same_flow(hotline: Path) -> None:
    """`callflow replay` of a recorded call against its own flow says nothing changed and exits 0."""
    trace = record_with_cli(hotline, "dtmf:2", "dtmf:1", "dtmf:20261001#", "wait:20", "hangup")
    env = ["--env", str(hotline / "callflow.toml"), "--at", "2026-11-20T10:00"]
    result = CliRunner().invoke(replay, [str(trace), "--flow", str(hotline / "hotline_12345.flow"), *env])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "caller's script: dtmf:2 dtmf:1 dtmf:20261001# wait:20 hangup",
        "the caller's experience is the same",
    ]


def test_replay_command_shows_the_diff_and_exits_1_when_the_flow_changed(hotline: Path) -> None:
    """`callflow replay` against a flow with a changed prompt prints a unified diff of that line and exits 1."""
    trace = record_with_cli(hotline, "dtmf:2", "dtmf:2", "hangup")
    changed = hotline / "hotline_changed.flow"
    text = (hotline / "hotline_12345.flow").read_text(encoding="utf-8")
    text = text.replace("flow hotline_12345", "flow hotline_changed").replace(POLICY, "政策有变。")
    changed.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(replay, [str(trace), "--flow", str(changed), "--at", "2026-11-20T10:00"])
    assert result.exit_code == 1, result.output
    assert "--- recorded\n+++ now\n" in result.output
    assert [line for line in result.output.splitlines() if line[:1] in "+-" and line[:3] not in ("---", "+++")] == [
        f"-hears {POLICY}",
        "+hears 政策有变。",
    ]


def test_replay_command_refuses_a_transcript_that_is_not_json(hotline: Path) -> None:
    """A readable transcript is not a trace: exit status 2 and a message saying how to record one."""
    trace = hotline / "call.txt"
    trace.write_text("    0.00  start (flow=hotline_12345)\n", encoding="utf-8")
    result = CliRunner().invoke(replay, [str(trace), "--flow", str(hotline / "hotline_12345.flow")])
    assert result.exit_code == 2
    assert "callflow simulate --json" in result.output
