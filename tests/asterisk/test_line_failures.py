"""When things break on a live line: the AMI connection drops, Callflow restarts, Asterisk restarts, 200 callers.

No caller is left in dead air and no call is lost. Scenarios that can be caused from Callflow's side run against
the test server and a real Asterisk; an Asterisk restart and the load test run against the test server.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
import slowdown
from backends import backend
from line import EXAMPLES, Line, crash, line
from phone import Phone
from waiting import eventually


def test_a_dropped_ami_connection_does_not_drop_the_call(kind: str, prompts: Path, tmp_path: Path) -> None:
    """The connection breaks while the menu plays; the driver logs in again and the caller goes on."""

    async def go() -> None:
        async with backend(kind, prompts) as where, line(where, tmp_path) as hotline:
            call = await hotline.call()
            await call.hears(hotline.file("main_menu"))
            hotline.driver.connection.abort()
            await _reconnected(hotline)
            await call.press("2")
            await call.hears(hotline.file("self_service"), timeout_s=30)
            await call.hang_up()
            await call.wait_ended()
            trace = await hotline.ended_trace(call)
            assert trace[-1]["event"] == "end" and trace[-1]["by"] == "caller"
            assert [e["dtmf"] for e in trace if e["event"] == "input"] == ["2"]

    asyncio.run(go())


def test_a_flow_with_errors_is_reported_at_start_and_its_callers_reach_the_fallback(
    kind: str, prompts: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every flow is read before the first call: a broken one is reported then (the others are ready), and a
    call to its number is handed to the dialplan's fallback instead of waiting in silence."""
    flows = tmp_path / "flows"
    shutil.copytree(EXAMPLES, flows)
    hotline_file = flows / "hotline_12345.flow"
    hotline_file.write_text(hotline_file.read_text(encoding="utf-8") + "\nnot a node at all\n", encoding="utf-8")

    async def go() -> None:
        with caplog.at_level(logging.ERROR, logger="callflow.runtime.asterisk.service"):
            async with backend(kind, prompts) as where, line(where, tmp_path, flows=flows) as hotline:
                assert any("hotline_12345.flow has errors" in r.getMessage() for r in caplog.records)
                library = hotline.driver.service.flows.source
                assert library.cached("post_call_survey") is not None  # read and planned before any call
                assert library.cached("hotline_12345") is None
                call = await hotline.call()
                await call.until(lambda command: command == "ASYNCAGI BREAK", timeout_s=30)
                assert "SET VARIABLE CALLFLOW_ROUTE fallback" in call.commands
                await call.wait_ended(timeout_s=60)
                assert list((await hotline.served(1)).values()) == ["fallback"]

    asyncio.run(go())


async def _reconnected(hotline: Line) -> None:
    connection = hotline.driver.connection
    await eventually(lambda: connection.reconnects >= 1 and connection.connected.is_set(), what="a new login")


def test_calls_left_by_a_crashed_callflow_go_to_the_fallback(kind: str, prompts: Path, tmp_path: Path) -> None:
    """Callflow dies mid-call; when it starts again it finds the call parked in AsyncAGI and hands it to the
    dialplan's fallback (`CALLFLOW_ROUTE=fallback`, `ASYNCAGI BREAK`)."""

    async def go() -> None:
        async with backend(kind, prompts) as where, line(where, tmp_path / "first") as first:
            call = await first.call()
            await call.hears(first.file("main_menu"))
            await crash(first.driver)
            async with line(where, tmp_path / "second") as second:
                await call.until(lambda command: command == "ASYNCAGI BREAK", timeout_s=40)
                assert "SET VARIABLE CALLFLOW_ROUTE fallback" in call.commands
                await call.wait_ended(timeout_s=60)
                assert list((await second.served(1)).values()) == ["fallback"]  # the orphan was handed over, once

    asyncio.run(go())


def test_callflow_comes_back_after_asterisk_restarts(prompts: Path, tmp_path: Path) -> None:
    """The test server restarts (connections closed, calls gone); the driver logs in again and serves new calls."""

    async def go() -> None:
        async with backend("server", prompts) as where, line(where, tmp_path) as hotline:
            assert where.server is not None
            await where.server.restart()
            await _reconnected(hotline)
            await asyncio.wait_for(hotline.phone.connection.connected.wait(), slowdown.seconds(15))
            call = await hotline.call()
            await call.hears(hotline.file("main_menu"))
            await call.hang_up()
            await call.wait_ended()

    asyncio.run(go())


@pytest.mark.parametrize("calls", [200])
def test_two_hundred_simultaneous_calls_are_all_served(calls: int, prompts: Path, tmp_path: Path) -> None:
    """200 callers at once choose self-service, then policy information, then hang up: every call is served to
    its end and every trace is complete. The callers are spread over ten phones (ten AMI sessions)."""

    async def one(hotline: Line, phone: Phone, number: int) -> dict[str, Any]:
        call = await phone.call("12345", f"1390000{number:04d}")
        await call.hears(hotline.file("main_menu"), timeout_s=120)
        await call.press("2")
        await call.hears(hotline.file("self_service"), timeout_s=120)
        await call.press("2")
        await call.hears(hotline.file("policy"), timeout_s=120)
        await call.hang_up()
        await call.wait_ended(timeout_s=120)
        return (await hotline.ended_trace(call))[-1]

    async def go() -> list[dict[str, Any]]:
        # the test server's model time stands still while the process is busy with them (ami_clock)
        async with backend("server", prompts) as where, line(where, tmp_path) as hotline:
            phones = [Phone(where.address, caller_context=where.caller_context) for _ in range(10)]
            for phone in phones:
                await phone.connection.start()
            try:
                ends = await asyncio.gather(*(one(hotline, phones[n % 10], n) for n in range(calls)))
            finally:
                for phone in phones:
                    await phone.connection.close()
            assert len(hotline.driver.service.finished) == calls
            return list(ends)

    ends = asyncio.run(go())
    assert [(e["event"], e["reason"], e["by"]) for e in ends] == [("end", "hangup", "caller")] * calls
