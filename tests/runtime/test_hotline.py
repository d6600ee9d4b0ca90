"""The reference hotline (shared/reference-flows/hotline-12345.md), rule by rule, through the simulator."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.line import COMMAND_GAP_S
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import parse_script

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY_MORNING = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)

GREETING = "您好，欢迎致电12345市民服务热线。"
MENU_ZH = "人工服务请按1，自助查询请按2，给市长信箱留言请按3，For English press 9。"
MENU_EN = "For an agent press 1. For self-service press 2. To leave a message for the mayor press 3."
NO_INPUT = "对不起，没有听到您的选择。"
INVALID = "对不起，您的输入有误。"
TO_AGENT = "正在为您转接人工服务。"
CLOSED = "现在是非工作时间，我们将在工作时间内回复您的留言。"
LEAVE_MESSAGE = "请在提示音后留言，按井号键结束。"
RECEIVED = "留言已收到，谢谢您的来电，再见。"
SELF_SERVICE = "查询工单进度请按1，听取政策信息请按2，返回上级菜单请按0。"
CASE_NUMBER = "请输入8位工单号，以井号键结束。"
NOT_FOUND = "未找到该工单，请核对后重试。"
BUSY = "系统繁忙，正在为您转接人工服务。"
SURVEY = "请对本次服务进行评价，满意请按1，一般请按2，不满意请按3。"
SURVEY_THANKS = "感谢您的评价，再见。"


@pytest.fixture
def hotline(tmp_path: Path) -> Path:
    """A private copy of the examples folder, so that tests may break its data source."""
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.sqlite"))
    return folder


def call(folder: Path, *steps: str, at: datetime = FRIDAY_MORNING, **options: Any) -> Simulation:
    """One simulated call to the hotline in `folder`."""
    flow = load_file(folder / "hotline_12345.flow").flow
    assert flow is not None
    simulator = Simulator(load_environment(folder / "callflow.toml"), folder)
    try:
        return asyncio.run(simulator.call(flow, parse_script(list(steps)), at=at, **options))
    finally:
        simulator.close()


def events(simulation: Simulation, kind: str) -> list[dict[str, Any]]:
    """The events of one kind."""
    return [e for e in simulation.events if e["event"] == kind]


# 1. Emergency switch


def test_emergency_switch_sends_every_call_to_the_emergency_line(hotline: Path) -> None:
    """With the emergency switch on, the caller hears the notice and is transferred to `emergency`."""
    result = call(hotline, "agent:5", switches={"emergency": True})
    assert result.said() == ["系统维护中，正在为您转接应急坐席。"]
    assert result.end == {**result.end, "reason": "transferred", "destination": "emergency"}


# 2. Greeting and hours


def test_greeting_then_main_menu_in_working_hours(hotline: Path) -> None:
    """At 09:00:00 on a weekday the hotline is open: greeting, then the main menu."""
    result = call(hotline, "hangup", at=datetime(2026, 11, 20, 9, 0, 0, tzinfo=SHANGHAI))
    assert result.said()[:2] == [GREETING, MENU_ZH]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 20, 17, 30, 0, tzinfo=SHANGHAI),
        datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI),
        datetime(2026, 10, 3, 10, 0, tzinfo=SHANGHAI),
        datetime(2027, 2, 18, 10, 0, tzinfo=SHANGHAI),
    ],
    ids=["friday-17:30", "saturday", "national-day", "spring-festival"],
)
def test_closed_hours_and_holidays_go_to_the_mayors_mailbox(hotline: Path, moment: datetime) -> None:
    """Outside working hours or on a holiday the caller hears the closed notice and may leave a message."""
    result = call(hotline, "say:请尽快修路", at=moment)
    assert result.said()[:2] == [CLOSED, LEAVE_MESSAGE]
    assert events(result, "voicemail")[0]["mailbox"] == "mayor"


def test_time_in_utc_is_read_in_shanghai(hotline: Path) -> None:
    """01:00 UTC is 09:00 in Shanghai: open."""
    result = call(hotline, "hangup", at=datetime.fromisoformat("2026-11-20T01:00:00+00:00"))
    assert events(result, "schedule")[0]["state"] == "open"


# 3. Main menu


def test_key_9_switches_to_english_and_replays_the_menu(hotline: Path) -> None:
    """Pressing 9 replays the menu in English, and every later prompt is English."""
    result = call(hotline, "dtmf:9", "dtmf:2", "hangup")
    assert result.said()[1:4] == [
        MENU_ZH,
        MENU_EN,
        "To check a case press 1. For policy information press 2. To go back press 0.",
    ]


@pytest.mark.parametrize("key", ["0", "*"])
def test_zero_and_star_repeat_the_menu(hotline: Path, key: str) -> None:
    """0 and * play the main menu again."""
    result = call(hotline, f"dtmf:{key}", "hangup")
    assert result.said()[1:3] == [MENU_ZH, MENU_ZH]


def test_silence_plays_sorry_and_the_menu_again(hotline: Path) -> None:
    """No key for 5 s: the no-input apology, then the menu."""
    result = call(hotline, "wait:40", "hangup")
    assert result.said()[1:4] == [MENU_ZH, NO_INPUT, MENU_ZH]


def test_invalid_key_plays_sorry_and_the_menu_again(hotline: Path) -> None:
    """A key that is not offered: the invalid-choice apology, then the menu."""
    result = call(hotline, "dtmf:7", "wait:15", "hangup")
    assert result.said()[1:4] == [MENU_ZH, INVALID, MENU_ZH]


def test_third_silence_goes_to_an_agent(hotline: Path) -> None:
    """The third time nothing is pressed, the caller is transferred to an agent."""
    result = call(hotline, "wait:40", "wait:40", "wait:40", "hangup")
    assert result.said()[1:7] == [MENU_ZH, NO_INPUT, MENU_ZH, NO_INPUT, MENU_ZH, TO_AGENT]
    assert events(result, "queue")[0]["queue"] == "hotline"


def test_silences_and_invalid_keys_are_counted_apart(hotline: Path) -> None:
    """Two silences and two invalid keys do not reach either limit of three."""
    result = call(hotline, "wait:40", "dtmf:7", "wait:40", "dtmf:8", "dtmf:2", "hangup")
    assert TO_AGENT not in result.said()
    assert result.said()[-1] == SELF_SERVICE


def test_third_invalid_key_goes_to_an_agent(hotline: Path) -> None:
    """The third invalid key sends the caller to an agent."""
    result = call(hotline, "dtmf:7", "dtmf:7", "dtmf:7", "hangup")
    assert result.said().count(INVALID) == 2
    assert TO_AGENT in result.said()


def test_a_key_interrupts_the_greeting_and_counts(hotline: Path) -> None:
    """A key pressed during the menu prompt stops it and is the caller's choice (barge-in)."""
    result = call(hotline, "dtmf:2", "hangup")
    menu_start = next(e["t"] for e in result.events if e["event"] == "prompt" and e["text"] == MENU_ZH)
    key_time = events(result, "input")[0]["t"]
    assert key_time - menu_start < 2
    assert result.said()[-1] == SELF_SERVICE


def test_keys_typed_ahead_are_kept(hotline: Path) -> None:
    """Keys pressed together ("21") choose self-service and then case lookup without waiting."""
    result = call(hotline, "dtmf:21", "hangup")
    assert result.said()[-2:] == [SELF_SERVICE, CASE_NUMBER]


# 4. Agent queue


@pytest.mark.parametrize(
    ("caller", "queue"),
    [("057187654321", "hotline-local"), ("+8657187654321", "hotline-local"), ("01012345678", "hotline")],
)
def test_local_callers_wait_in_the_local_queue(hotline: Path, caller: str, queue: str) -> None:
    """Numbers starting 0571 or +86571 wait in hotline-local; all others in hotline."""
    result = call(hotline, "dtmf:1", "hangup", caller=caller)
    assert events(result, "queue")[0]["queue"] == queue


def test_position_is_announced_on_entry_and_every_30_seconds(hotline: Path) -> None:
    """The caller hears the position on entry, and again every 30 s."""
    result = call(hotline, "dtmf:1", "agent:75", "agent-hangup:10", queue_position=4)
    announcements = [e for e in result.events if e["event"] == "prompt" and "位来电" in (e.get("text") or "")]
    assert [a["text"] for a in announcements] == ["您前面还有4位来电。", "您前面还有3位来电。", "您前面还有2位来电。"]
    assert [round(b["t"] - a["t"]) for a, b in pairwise(announcements)] == [30, 30]


def test_a_caller_with_nobody_ahead_hears_no_count(hotline: Path) -> None:
    """With nobody ahead the caller is next: the position (0) is traced, but no announcement is heard then or later
    (a live call takes no place-holder out of the line for it either)."""
    result = call(hotline, "dtmf:1", "agent:75", "agent-hangup:10", queue_position=0)
    assert [e["position"] for e in events(result, "queue") if "position" in e] == [0]
    assert not [text for text in result.said() if "位来电" in text]
    assert events(result, "agent")


def test_after_180_seconds_pressing_1_leaves_a_message(hotline: Path) -> None:
    """After 180 s in the queue the caller is offered the mailbox; pressing 1 goes there."""
    result = call(hotline, "dtmf:1", "dtmf:1", "say:我的问题还没有解决", "dtmf:#")
    offer = next(e for e in result.events if e.get("text") == "如需留言请按1。")
    joined = next(e for e in events(result, "queue") if e.get("action") == "join")
    assert offer["t"] - joined["t"] == pytest.approx(180 + COMMAND_GAP_S, abs=0.01)  # from when the line queues it
    assert events(result, "voicemail")[0] == {**events(result, "voicemail")[0], "mailbox": "mayor", "kept": True}


def test_survey_follows_the_agents_conversation(hotline: Path) -> None:
    """When the agent ends the conversation, the caller hears the survey; the answer is saved."""
    result = call(hotline, "dtmf:1", "agent:20", "agent-hangup:60", "dtmf:2")
    assert result.said()[-2:] == [SURVEY, SURVEY_THANKS]
    assert events(result, "save")[0]["values"] == {"rating": "2"}
    assert result.end["reason"] == "hangup"


# 5. Self-service


def test_case_found_tells_its_status_then_returns_to_self_service(hotline: Path) -> None:
    """A known case number: its status, then the self-service menu again."""
    result = call(hotline, "dtmf:2", "dtmf:1", "dtmf:20261003#", "hangup")
    assert result.said()[-2:] == ["您的工单20261003当前状态：已办结。", SELF_SERVICE]


def test_case_status_in_english(hotline: Path) -> None:
    """In English the status comes from the English column."""
    result = call(hotline, "dtmf:9", "dtmf:2", "dtmf:1", "dtmf:20261002#", "hangup")
    assert "Case 20261002 is: in progress." in result.said()


def test_eight_digits_end_the_case_number_without_hash(hotline: Path) -> None:
    """Eight digits are a complete case number."""
    result = call(hotline, "dtmf:2", "dtmf:1", "dtmf:20261001", "hangup")
    assert "您的工单20261001当前状态：已受理。" in result.said()


def test_unknown_case_asks_again_and_the_third_miss_goes_to_an_agent(hotline: Path) -> None:
    """A case not found is asked again; after the third miss the caller goes to an agent."""
    result = call(hotline, "dtmf:2", "dtmf:1", "dtmf:11111111", "dtmf:22222222", "dtmf:33333333", "hangup")
    assert result.said().count(NOT_FOUND) == 2
    assert result.said()[-1] == TO_AGENT or TO_AGENT in result.said()
    assert events(result, "queue")


def test_broken_data_source_goes_to_an_agent(hotline: Path) -> None:
    """When the data source fails, the caller hears that the system is busy and goes to an agent."""
    (hotline / "data" / "tickets.sqlite").write_text("this is not a database")
    (hotline / "data" / "tickets.csv").touch()
    (hotline / "data" / "tickets.sqlite").touch()
    result = call(hotline, "dtmf:2", "dtmf:1", "dtmf:20261001#", "hangup")
    assert events(result, "lookup")[0]["result"] == "error"
    assert BUSY in result.said()
    assert events(result, "queue")


def test_slow_data_source_times_out_after_3_seconds(hotline: Path) -> None:
    """A data source that does not answer within 3 s counts as busy too."""
    database = hotline / "data" / "tickets.sqlite"
    first = call(hotline, "dtmf:2", "dtmf:1", "dtmf:20261001#", "hangup")
    assert events(first, "lookup")[0]["result"] == "found"
    locker = sqlite3.connect(database, timeout=0)
    locker.execute("begin exclusive")
    try:
        result = call(hotline, "dtmf:2", "dtmf:1", "dtmf:20261001#", "hangup")
    finally:
        locker.rollback()
        locker.close()
    assert events(result, "lookup")[0]["result"] == "timeout"
    assert BUSY in result.said()


def test_policy_information_then_back_to_self_service(hotline: Path) -> None:
    """2 in self-service plays the policy information and returns to the menu."""
    result = call(hotline, "dtmf:2", "dtmf:2", "hangup")
    assert result.said()[-2:] == ["办理居住证请携带身份证和租房合同到所在街道办事处。", SELF_SERVICE]


def test_zero_in_self_service_goes_back_to_the_main_menu(hotline: Path) -> None:
    """0 in self-service returns to the main menu."""
    result = call(hotline, "dtmf:2", "dtmf:0", "hangup")
    assert result.said()[-1] == MENU_ZH


# 6. Mayor's mailbox


def test_message_is_kept_with_caller_time_duration_language_unread(hotline: Path) -> None:
    """A message is stored in mailbox mayor with the caller, time, duration and language, unread."""
    result = call(hotline, "dtmf:3", "say:我家门口的路灯坏了两个星期了", "dtmf:#", caller="13800000000")
    message = result.store.voicemails[0]  # type: ignore[attr-defined]
    assert {k: message[k] for k in ("mailbox", "caller", "language", "unread")} == {
        "mailbox": "mayor",
        "caller": "13800000000",
        "language": "zh-CN",
        "unread": True,
    }
    assert message["seconds"] > 1
    assert datetime.fromisoformat(message["time"]) > FRIDAY_MORNING
    assert result.said()[-1] == RECEIVED
    assert result.end["reason"] == "hangup"


def test_silence_ends_the_message(hotline: Path) -> None:
    """Five seconds of silence end the recording."""
    result = call(hotline, "dtmf:3", "say:路灯坏了，请派人修理")
    voicemail = events(result, "voicemail")[0]
    assert voicemail["ended_by"] == "silence"
    assert voicemail["kept"] is True


def test_message_shorter_than_one_second_is_not_kept(hotline: Path) -> None:
    """A message under 1 s is not kept."""
    result = call(hotline, "dtmf:3", "dtmf:#")
    assert result.store.voicemails == []  # type: ignore[attr-defined]
    assert events(result, "voicemail")[0]["kept"] is False


def test_message_is_kept_when_the_caller_hangs_up_while_speaking(hotline: Path) -> None:
    """Hanging up after speaking keeps the message: no voicemail is ever lost."""
    result = call(hotline, "dtmf:3", "say:路灯坏了，请派人修理", "hangup")
    assert len(result.store.voicemails) == 1  # type: ignore[attr-defined]
    assert result.end == {**result.end, "reason": "hangup", "by": "caller"}


def test_message_stops_at_120_seconds(hotline: Path) -> None:
    """A message longer than 120 s is cut at 120 s."""
    long_speech = "say:" + "这条路的问题已经很久了" * 60
    result = call(hotline, "dtmf:3", long_speech)
    assert events(result, "voicemail")[0]["seconds"] == 120


# 7. Survey


def test_no_answer_to_the_survey_saves_nothing(hotline: Path) -> None:
    """No answer in 5 s: nothing is saved; goodbye; hang up."""
    result = call(hotline, "dtmf:1", "agent:10", "agent-hangup:30", "wait:20")
    assert events(result, "save") == []
    assert result.said()[-2:] == [SURVEY, SURVEY_THANKS]
    assert result.end["reason"] == "hangup"


def test_invalid_survey_key_saves_nothing(hotline: Path) -> None:
    """An invalid key in the survey: nothing is saved; goodbye."""
    result = call(hotline, "dtmf:1", "agent:10", "agent-hangup:30", "dtmf:7")
    assert events(result, "save") == []
    assert result.said()[-1] == SURVEY_THANKS


def test_caller_may_hang_up_while_waiting_in_the_queue(hotline: Path) -> None:
    """A caller who gives up waiting hangs up in the queue (the call is not held until the time limit)."""
    result = call(hotline, "dtmf:1", "wait:10", "hangup")
    assert result.end == {**result.end, "reason": "hangup", "by": "caller"}
    assert result.end["t"] < 20
