"""The reference hotline end to end over AMI: Callflow's driver serves calls, a phone plays the caller.

Each scenario runs against the AMI test server and, marked `live`, against a real Asterisk (`CALLFLOW_AMI_URL`).
The rules come from `shared/reference-flows/hotline-12345.md`; the simulator's tests cover every rule in detail
(`tests/runtime/test_hotline.py`), these prove the same engine keeps them on a line.
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from backends import backend
from line import SATURDAY_10, Line, line

from callflow.flowlang.environment import Environment, load_environment

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(kind: str, prompts: Path, tmp_path: Path, scenario: Callable[[Line], Awaitable[None]], **options: Any) -> None:
    async def go() -> None:
        async with backend(kind, prompts) as where, line(where, tmp_path, **options) as hotline:
            await scenario(hotline)

    asyncio.run(go())


def events(trace: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in trace if e["event"] == name]


def said(trace: list[dict[str, Any]]) -> list[str]:
    return [e["text"] for e in events(trace, "prompt")]


def test_a_caller_checks_a_case_by_keypad(kind: str, prompts: Path, tmp_path: Path) -> None:
    """Greeting, main menu 2, self-service 1, case number 20261001#: the status is read out of SQLite."""

    async def scenario(hotline: Line) -> None:
        call = await hotline.call()
        await call.hears(hotline.file("main_menu"))
        await call.press("2")
        await call.hears(hotline.file("self_service"))
        await call.press("1")
        await call.hears(hotline.file("case_number"))
        await call.press("20261001#")
        await call.hears(hotline.file("case_status", ticket="20261001", status="已受理"))
        await call.hang_up()
        await call.wait_ended()
        trace = await hotline.ended_trace(call)
        assert said(trace)[:4] == [
            "您好，欢迎致电12345市民服务热线。",
            "人工服务请按1，自助查询请按2，给市长信箱留言请按3，For English press 9。",
            "查询工单进度请按1，听取政策信息请按2，返回上级菜单请按0。",
            "请输入8位工单号，以井号键结束。",
        ]
        assert events(trace, "lookup")[0]["result"] == "found"
        assert "".join(e["dtmf"] for e in events(trace, "input")) == "21" + "20261001"
        assert trace[-1]["event"] == "end" and trace[-1]["reason"] == "hangup" and trace[-1]["by"] == "caller"

    run(kind, prompts, tmp_path, scenario)


def test_english_is_one_key_away(kind: str, prompts: Path, tmp_path: Path) -> None:
    """9 in the main menu: the menu again, in English."""

    async def scenario(hotline: Line) -> None:
        call = await hotline.call()
        await call.hears(hotline.file("main_menu"))
        await call.press("9")
        await call.hears(hotline.file("main_menu", "en"))
        await call.hang_up()
        await call.wait_ended()

    run(kind, prompts, tmp_path, scenario)


def test_a_message_for_the_mayor_is_recorded_and_kept(kind: str, prompts: Path, tmp_path: Path) -> None:
    """Main menu 3: the caller leaves a message ended by #; it is in SQLite before the goodbye plays."""

    async def scenario(hotline: Line) -> None:
        call = await hotline.call()
        await call.hears(hotline.file("main_menu"))
        await call.press("3")
        await call.until(lambda command: command.startswith("RECORD FILE"))
        await hotline.pause(0.5)
        await call.press("#")
        await call.hears(hotline.file("message_received"))
        await call.wait_ended()
        trace = await hotline.ended_trace(call)
        (voicemail,) = events(trace, "voicemail")
        assert voicemail["mailbox"] == "mayor" and voicemail["ended_by"] == "key"
        assert trace[-1]["reason"] == "hangup" and trace[-1]["by"] == "flow"
        record = call.commands.index(next(c for c in call.commands if c.startswith("RECORD FILE")))
        beep = str(hotline.backend.prompts / "callflow-beep")
        played = [c for c in call.commands[:record] if c.startswith("STREAM FILE")]
        assert played[-1] == f'STREAM FILE {beep} ""'  # Callflow's own beep: no sound of Asterisk's needed
        assert call.commands[record].endswith(' wav "#" 120000 0 s=5')

    run(kind, prompts, tmp_path, scenario)


def test_after_hours_callers_hear_closed_and_go_to_the_mailbox(kind: str, prompts: Path, tmp_path: Path) -> None:
    """Saturday: the closed notice, then the mailbox; a caller who hangs up while recording ends the call."""

    async def scenario(hotline: Line) -> None:
        call = await hotline.call()
        await call.hears(hotline.file("closed"))
        await call.hears(hotline.file("leave_message"))
        await call.until(lambda command: command.startswith("RECORD FILE"))
        await call.hang_up()
        await call.wait_ended()
        trace = await hotline.ended_trace(call)
        assert events(trace, "schedule")[0]["state"] == "closed"
        assert events(trace, "voicemail")[0]["ended_by"] == "hangup"
        assert trace[-1]["reason"] == "hangup" and trace[-1]["by"] == "caller"

    run(kind, prompts, tmp_path, scenario, start_at=SATURDAY_10)


def test_silence_in_the_main_menu_leads_to_an_agent(kind: str, prompts: Path, tmp_path: Path) -> None:
    """No key three times: the no-input prompt twice, then "transferring you to an agent", the queue, an agent,
    and the survey."""

    async def scenario(hotline: Line) -> None:
        call = await hotline.call()
        await call.hears(hotline.file("to_agent"), timeout_s=90)
        count = await call.until(lambda command: "QUEUE_WAITING_COUNT" in command)
        assert count == "GET FULL VARIABLE ${QUEUE_WAITING_COUNT(hotline)}"
        # nobody waiting: the caller joins at the head, hears no count, and waits until the offer is due
        queue = await call.until(lambda command: command.startswith("EXEC Queue"))
        assert queue == "EXEC Queue hotline,c,,,180,,,,1"
        await call.hears(hotline.file("survey"), timeout_s=60)  # the agent talked and hung up
        await call.hang_up()
        await call.wait_ended()
        trace = await hotline.ended_trace(call)
        assert said(trace).count("对不起，没有听到您的选择。") == 2
        assert [e["by"] for e in events(trace, "hangup")] == ["agent"]
        assert [e.get("position") for e in events(trace, "queue")] == [None, 0, None]  # join, nobody ahead, leave
        assert not [text for text in said(trace) if "位来电" in text]
        assert trace[-1]["reason"] == "hangup" and trace[-1]["by"] == "caller"

    run(kind, prompts, tmp_path, scenario)


def emergency() -> Environment:
    environment = load_environment(EXAMPLES / "callflow.toml")
    return dataclasses.replace(environment, switches={**environment.switches, "emergency": True})


def test_the_emergency_switch_is_decided_by_the_flow_and_callers_hear_the_notice(
    kind: str, prompts: Path, tmp_path: Path
) -> None:
    """`emergency = true`: the flow runs as in the simulator, its `start` branch reads the switch, the caller hears
    the notice and is transferred to the emergency line (an agent answers and hangs up)."""

    async def scenario(hotline: Line) -> None:
        call = await hotline.call()
        await call.hears(hotline.file("emergency"))
        dial = await call.until(lambda command: command.startswith("EXEC Dial"))
        assert dial == "EXEC Dial Local/01012345@callflow-test-agents,30"
        await call.wait_ended()
        trace = await hotline.ended_trace(call)
        assert trace[0]["event"] == "start" and trace[0]["switches"]["emergency"] is True
        assert [(e["node"], e["text"]) for e in events(trace, "prompt")] == [
            ("emergency_notice", "系统维护中，正在为您转接应急坐席。")
        ]
        assert trace[-1]["event"] == "end" and trace[-1]["reason"] == "transferred"

    run(kind, prompts, tmp_path, scenario, environment=emergency())


def test_without_a_flow_the_emergency_switch_still_reaches_the_emergency_line(
    kind: str, prompts: Path, tmp_path: Path
) -> None:
    """The flow cannot be loaded while `emergency = true`: the driver itself dials the emergency destination, and
    the trace still runs from `start` to `end`."""
    flows = tmp_path / "flows"
    shutil.copytree(EXAMPLES, flows)
    (flows / "hotline_12345.flow").write_text("flow hotline_12345\nnot a node\n", encoding="utf-8")

    async def scenario(hotline: Line) -> None:
        call = await hotline.call()
        dial = await call.until(lambda command: command.startswith("EXEC Dial"))
        assert dial == "EXEC Dial Local/01012345@callflow-test-agents,60"
        await call.wait_ended()
        trace = await hotline.ended_trace(call)
        assert [e["event"] for e in trace] == ["start", "error", "transfer", "end"]
        assert trace[0]["flow"] == "hotline_12345" and trace[0]["switches"]["emergency"] is True
        assert trace[-1]["reason"] == "transferred" and trace[-1]["destination"] == "emergency"

    run(kind, prompts, tmp_path, scenario, environment=emergency(), flows=flows)


def test_a_wrong_key_is_not_a_choice(kind: str, prompts: Path, tmp_path: Path) -> None:
    """7 in the main menu: "that is not a valid choice", and the menu again."""

    async def scenario(hotline: Line) -> None:
        call = await hotline.call()
        await call.hears(hotline.file("main_menu"))
        await call.press("7")
        await call.hears(hotline.file("invalid"))
        await call.hears(hotline.file("main_menu"))
        await call.hang_up()
        await call.wait_ended()
        assert said(await hotline.ended_trace(call)).count("对不起，您的输入有误。") == 1

    run(kind, prompts, tmp_path, scenario)


def test_callers_from_the_local_area_wait_in_their_own_queue(kind: str, prompts: Path, tmp_path: Path) -> None:
    """A 0571 number choosing an agent joins `hotline-local`; after the agent, the survey's answer is saved."""

    async def scenario(hotline: Line) -> None:
        call = await hotline.call(caller_id="057188886666")
        await call.hears(hotline.file("main_menu"))
        await call.press("1")
        queue = await call.until(lambda command: command.startswith("EXEC Queue"))
        assert queue == "EXEC Queue hotline-local,c,,,180,,,,1"
        await call.hears(hotline.file("survey"), timeout_s=60)
        await call.press("2")
        await call.hears(hotline.file("survey_thanks"))
        await call.wait_ended()
        trace = await hotline.ended_trace(call)
        assert trace[-1]["reason"] == "hangup" and trace[-1]["by"] == "flow"
        assert hotline.store.values(f"{call.uniqueid}-ivr") == {"rating": "2"}  # the call id is the Uniqueid

    run(kind, prompts, tmp_path, scenario)
