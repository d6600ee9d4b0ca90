"""The dialplan that `callflow asterisk-config` prints keeps callers out of dead air when Callflow is gone.

Only a real Asterisk runs a dialplan, so these run live (`CALLFLOW_AMI_URL`, with the `--test` configuration).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from backends import backend
from line import crash, line
from phone import Phone
from queue_flows import write_flows

from callflow.flowlang.environment import load_environment
from callflow.runtime.asterisk.dialplan import FALLBACK_CONTEXT

pytestmark = pytest.mark.live


def test_a_call_whose_driver_vanished_reaches_the_fallback(live: str, prompts: Path, tmp_path: Path) -> None:
    """Callflow dies mid-call and does not come back: the per-call guard (`TIMEOUT(absolute)`) fires and the
    caller hears the apology and is put through to the fallback destination."""

    async def go() -> None:
        async with backend(live, prompts) as where, line(where, tmp_path) as hotline:
            call = await hotline.call()
            await call.hears(hotline.file("main_menu"))
            await crash(hotline.driver)
            await call.reaches(FALLBACK_CONTEXT, "Playback", timeout_s=60)
            await call.reaches(FALLBACK_CONTEXT, "Dial", timeout_s=30)
            await call.wait_ended(timeout_s=30)

    asyncio.run(go())


def test_a_caller_waiting_in_a_queue_when_callflow_vanished_reaches_the_fallback(
    live: str, prompts: Path, tmp_path: Path
) -> None:
    """The guard is lifted while Queue runs (an agent's conversation may be long) and queued right behind it: when
    the queue's wait ends and nobody drives the call any more, the guard fires and the caller gets the fallback."""
    flows = write_flows(tmp_path / "flows")

    async def go() -> None:
        environment = load_environment(flows / "callflow.toml")
        async with backend(live, prompts) as where, line(where, tmp_path, flows=flows, environment=environment) as q:
            call = await q.phone.call("7103")
            await call.until(lambda command: command.startswith("EXEC Queue nobody"))
            await crash(q.driver)
            await call.reaches(FALLBACK_CONTEXT, "Playback", timeout_s=60)  # 8 s in the queue, then 15 s of guard
            assert call.commands[-1] == "SET VARIABLE TIMEOUT(absolute) 15"  # run by Asterisk after Queue, alone
            await call.wait_ended(timeout_s=30)

    asyncio.run(go())


def test_calls_arriving_while_callflow_is_down_go_straight_to_the_fallback(live: str, prompts: Path) -> None:
    """With no heartbeat for longer than the dialplan allows, a new call never waits in AsyncAGI."""

    async def go() -> None:
        async with backend(live, prompts) as where, Phone(where.address, caller_context=where.caller_context) as phone:
            await asyncio.sleep(7)  # older than the 6 s the dialplan allows
            call = await phone.call("12345")
            await call.reaches(FALLBACK_CONTEXT, "Playback", timeout_s=10)
            assert call.commands == []
            await call.wait_ended(timeout_s=30)

    asyncio.run(go())
