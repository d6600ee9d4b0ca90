"""Live calls take what is published: `callflow run --data DIR` end to end over AMI (issue 12).

The examples are imported and published into a data folder with `callflow import examples/ --publish --data D`;
the driver serves calls from that folder's store (`StoreFlows`), while the test changes the store through the flow
service's HTTP API (Starlette's TestClient, run in a worker thread so that the calls go on meanwhile): a publish,
a rollback and a switch flip are taken by the next call, and a call in progress keeps the version it started with.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from backends import backend
from line import Line, line
from starlette.testclient import TestClient
from store_data import CLINIC_ENVIRONMENT, make_store

from callflow.flowlang.environment import Environment, load_environment_text
from callflow.flowlang.registry import default_registry
from callflow.runtime.asterisk.store_flows import StoreFlows
from callflow.runtime.records import SqliteStore
from callflow.runtime.store.folder import DataFolder
from callflow.server import create_app
from callflow.speech.cache import PromptCache
from callflow.speech.synthesis import Pyttsx3Synthesizer
from callflow.speech.voices import voice_for

V1_MENU = "For an agent press 1. For self-service press 2. To leave a message for the mayor press 3."
V2_MENU = "For an agent press 1. For self-service press 2. For the mayor's mailbox press 3."


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The data folder of `store_data.make_store` and an admin's token, made once for the module."""
    data = tmp_path_factory.mktemp("store") / "data"
    return data, make_store(data)


class Api:
    """The flow service's HTTP API on the test's data folder, as an admin of tenant `default`."""

    def __init__(self, data: Path, token: str) -> None:
        self.client = TestClient(create_app(data), base_url="http://testserver")
        self.client.headers["Authorization"] = f"Bearer {token}"

    def publish_menu(self, old: str, new: str) -> int:
        """Change a prompt of the hotline's draft and publish it (forced: its tests name the old text)."""
        got = self.client.get("/api/flows/hotline_12345", headers={"Accept": "text/x-callflow"})
        assert got.status_code == 200, got.text
        text = got.text.replace(old, new)
        headers = {"Content-Type": "text/x-callflow", "If-Match": got.headers["ETag"]}
        put = self.client.put("/api/flows/hotline_12345", content=text.encode(), headers=headers)
        assert put.status_code == 200, put.text
        done = self.client.post("/api/flows/hotline_12345/publish", json={"comment": "v2", "force": True})
        assert done.status_code in (200, 201), done.text
        return int(done.json()["version"])

    def rollback(self, to: int) -> int:
        """Publish version `to` of the hotline again."""
        done = self.client.post("/api/flows/hotline_12345/rollback", json={"to": to})
        assert done.status_code in (200, 201), done.text
        return int(done.json()["version"])

    def flip(self, switch: str, on: bool) -> None:
        """Flip a switch of tenant `default`."""
        done = self.client.put(f"/api/environment/switches/{switch}", json={"on": on})
        assert done.status_code == 200, done.text


def run(
    kind: str,
    prompts: Path,
    tmp_path: Path,
    template: tuple[Path, str],
    scenario: Callable[[Line, Api], Awaitable[None]],
) -> None:
    """The driver serving calls from a fresh copy of the template's data folder, and the API on the same folder."""
    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    folder = DataFolder(data)

    def store_flows(store: SqliteStore) -> StoreFlows:
        return StoreFlows(folder, default_registry(), store, PromptCache(prompts, Pyttsx3Synthesizer()))

    async def go() -> None:
        async with backend(kind, prompts) as where, line(where, tmp_path, lookup=store_flows) as hotline:
            await scenario(hotline, Api(data, template[1]))

    try:
        asyncio.run(go())
    finally:
        folder.close()


async def changing(hotline: Line, change: Callable[[], Any]) -> Any:
    """Change the store through the API in a worker thread, the model's time standing still meanwhile (a call in
    its menu waits for the caller, not for the service)."""
    server = hotline.backend.server
    if server is None:
        return await asyncio.to_thread(change)
    with server.clock.held():
        return await asyncio.to_thread(change)


def english(hotline: Line, text: str, environment: Environment | None = None) -> str:
    """The file Callflow plays for an English text (in the voice of the hotline's environment, or another)."""
    cache = PromptCache(hotline.backend.prompts, Pyttsx3Synthesizer())
    voice = voice_for("en", environment or hotline.environment)
    return str(cache.path(text, voice).resolve().with_suffix(""))


def said(trace: list[dict[str, Any]]) -> list[str]:
    return [e["text"] for e in trace if e["event"] == "prompt"]


def test_a_publish_reaches_the_next_call_while_the_call_in_progress_keeps_its_version(
    kind: str, prompts: Path, tmp_path: Path, template: tuple[Path, str]
) -> None:
    """Version 2 is published while a call of version 1 is in its menu: that call goes on with version 1 to its
    end, the next call runs version 2, and after a rollback the one after runs version 1 again (as version 3);
    each call's trace `start` names its tenant, flow and version."""

    async def scenario(hotline: Line, api: Api) -> None:
        first = await hotline.call()
        await first.hears(hotline.file("main_menu"))
        assert await changing(hotline, lambda: api.publish_menu(V1_MENU, V2_MENU)) == 2
        await first.press("9")
        await first.hears(english(hotline, V1_MENU))
        await first.hang_up()
        await first.wait_ended()

        second = await hotline.call()
        await second.hears(hotline.file("main_menu"))
        await second.press("9")
        await second.hears(english(hotline, V2_MENU))
        await second.hang_up()
        await second.wait_ended()

        assert await changing(hotline, lambda: api.rollback(1)) == 3
        third = await hotline.call()
        await third.hears(hotline.file("main_menu"))
        await third.press("9")
        await third.hears(english(hotline, V1_MENU))
        await third.hang_up()
        await third.wait_ended()

        traces = [await hotline.ended_trace(call) for call in (first, second, third)]
        starts = [(t[0]["event"], t[0]["tenant"], t[0]["flow"], t[0]["version"]) for t in traces]
        assert starts == [("start", "default", "hotline_12345", v) for v in (1, 2, 3)]
        assert V1_MENU in said(traces[0]) and V2_MENU not in said(traces[0])
        assert V2_MENU in said(traces[1]) and V1_MENU not in said(traces[1])
        assert V1_MENU in said(traces[2])

    run(kind, prompts, tmp_path, template, scenario)


def test_the_emergency_switch_flipped_through_the_api_sends_the_next_call_to_the_emergency_line(
    kind: str, prompts: Path, tmp_path: Path, template: tuple[Path, str]
) -> None:
    """`PUT /api/environment/switches/emergency {"on": true}` while Callflow runs: the next call hears the emergency
    notice and is transferred to the emergency destination, with no restart; turned off, calls are served again."""

    async def scenario(hotline: Line, api: Api) -> None:
        before = await hotline.call()
        await before.hears(hotline.file("main_menu"))
        await before.hang_up()
        await before.wait_ended()

        await changing(hotline, lambda: api.flip("emergency", True))
        during = await hotline.call()
        await during.hears(hotline.file("emergency"))
        dial = await during.until(lambda command: command.startswith("EXEC Dial"))
        assert dial == "EXEC Dial Local/01012345@callflow-test-agents,30"
        await during.wait_ended()
        trace = await hotline.ended_trace(during)
        assert trace[0]["switches"]["emergency"] is True and trace[0]["tenant"] == "default"
        assert trace[-1]["event"] == "end" and trace[-1]["reason"] == "transferred"

        await changing(hotline, lambda: api.flip("emergency", False))
        after = await hotline.call()
        await after.hears(hotline.file("main_menu"))
        await after.hang_up()
        await after.wait_ended()
        assert (await hotline.ended_trace(after))[0]["switches"]["emergency"] is False

    run(kind, prompts, tmp_path, template, scenario)


def test_a_number_no_tenant_claims_goes_to_the_fallback(
    kind: str, prompts: Path, tmp_path: Path, template: tuple[Path, str]
) -> None:
    """A call to a number no tenant's environment claims runs no flow: it is handed to the dialplan's fallback."""

    async def scenario(hotline: Line, api: Api) -> None:
        call = await hotline.call("99999")
        await call.until(lambda command: command == "ASYNCAGI BREAK", timeout_s=30)
        assert "SET VARIABLE CALLFLOW_ROUTE fallback" in call.commands
        assert not [c for c in call.commands if c.startswith(("STREAM FILE", "EXEC Dial"))]
        await call.wait_ended(timeout_s=60)
        trace = await hotline.ended_trace(call)
        assert [e["event"] for e in trace] == ["start", "error", "end"]
        assert "tenant" not in trace[0] and trace[-1]["reason"] == "fallback"

    run(kind, prompts, tmp_path, template, scenario)


def test_a_second_tenant_serves_its_own_number_and_an_unpublished_flow_goes_to_the_fallback(
    kind: str, prompts: Path, tmp_path: Path, template: tuple[Path, str]
) -> None:
    """Tenant `clinic` claims 7300 and 7301: a call to 7300 runs the clinic's published `front_desk` with the
    clinic's environment; 7301 is bound to a flow that has only a draft, which never reaches callers: fallback."""

    async def scenario(hotline: Line, api: Api) -> None:
        clinic = await hotline.call("7300")
        clinic_environment = load_environment_text(CLINIC_ENVIRONMENT)
        await clinic.hears(english(hotline, "Welcome to the clinic. Goodbye.", clinic_environment))
        await clinic.wait_ended()
        trace = await hotline.ended_trace(clinic)
        assert (trace[0]["tenant"], trace[0]["flow"], trace[0]["version"]) == ("clinic", "front_desk", 1)
        assert trace[0]["switches"] == {}  # the clinic's environment, not the default tenant's
        assert trace[-1]["reason"] == "hangup" and trace[-1]["by"] == "flow"

        draft_only = await hotline.call("7301")
        await draft_only.until(lambda command: command == "ASYNCAGI BREAK", timeout_s=30)
        assert not [c for c in draft_only.commands if c.startswith("STREAM FILE")]
        await draft_only.wait_ended(timeout_s=60)
        trace = await hotline.ended_trace(draft_only)
        assert (trace[0]["tenant"], trace[0]["flow"]) == ("clinic", "not_published")
        assert trace[1]["event"] == "error" and trace[-1]["reason"] == "fallback"

    run(kind, prompts, tmp_path, template, scenario)
