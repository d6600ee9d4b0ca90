"""Live calls over the AMI test server leave the same call records as their simulations: the same ending, the same
nodes and exits, the same menu choices, queue waits and survey answers (only times differ)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from backends import backend
from line import FRIDAY_10, Line, line
from store_data import make_store

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.flowlang.registry import default_registry
from callflow.runtime.asterisk.store_flows import StoreFlows
from callflow.runtime.call_record import CallOrigin
from callflow.runtime.recorder import NullRecorder
from callflow.runtime.records import SqliteStore
from callflow.runtime.service.records import RecordBook
from callflow.runtime.simulator.run import Simulator
from callflow.runtime.simulator.script import parse_script
from callflow.runtime.store import call_reads
from callflow.runtime.store.folder import DataFolder
from callflow.speech.cache import PromptCache
from callflow.speech.synthesis import Pyttsx3Synthesizer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SAME = ("outcome", "reason", "hangup_by", "end_node", "transfer_to", "path", "taken", "menu_choices", "transfers")


def same_rows(record: dict[str, Any]) -> dict[str, Any]:
    """What must not differ between a live call and its simulation."""
    rows = {k: record[k] for k in SAME}
    rows["queue_waits"] = [(q["queue"], q["result"], q["took_offer"]) for q in record["queue_waits"]]
    rows["survey_answers"] = record["survey_answers"]
    return rows


def simulated(steps: list[str]) -> dict[str, Any]:
    """The record of the same call, simulated."""
    environment = load_environment(EXAMPLES / "callflow.toml")
    flow = load_file(EXAMPLES / "hotline_12345.flow").flow
    assert flow is not None
    recorder = NullRecorder()
    origin = CallOrigin("default", "hotline_12345", 0, "live")
    simulator = Simulator(environment, EXAMPLES, recorder=recorder, origin=origin)
    try:
        simulator.run(flow, parse_script(steps), at=FRIDAY_10, caller="13800000000")
    finally:
        simulator.close()
    (record,) = recorder.ended
    return record


def test_a_self_service_call_leaves_the_same_record_live_and_simulated(prompts: Path, tmp_path: Path) -> None:
    """Main menu 2, self-service 1, a case number, hang-up while the status is read: the same rows both ways, and the
    live record lands in records.db with its whole trace."""
    book = RecordBook(tmp_path / "data")
    recorder = NullRecorder()

    class Both:
        """Hands every record to the book and keeps a copy (to compare before it is stored)."""

        def call_progress(self, *args: Any) -> None:
            book.call_progress(*args)

        def call_ended(self, origin: CallOrigin, record: dict[str, Any], events: list[dict[str, Any]]) -> None:
            recorder.call_ended(origin, record, events)
            book.call_ended(origin, record, events)

        def voicemail(self, *args: Any) -> None:
            book.voicemail(*args)

    async def scenario(hotline: Line) -> str:
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
        await hotline.ended_trace(call)
        return f"{call.uniqueid}-ivr"

    async def go() -> str:
        async with backend("server", prompts) as where, line(where, tmp_path, recorder=Both()) as hotline:
            return await scenario(hotline)

    call_id = asyncio.run(go())
    try:
        (live,) = recorder.ended
        assert live["call_id"] == call_id and live["origin"] == "live" and live["finished"] == 1
        expected = simulated(["dtmf:2@9", "dtmf:1@11", "dtmf:20261001#@14", "hangup@20"])  # during the status
        assert same_rows(live) == same_rows(expected)
        assert live["outcome"] == "self_served" and live["end_node"] == "case_status"
        assert book.flush(30)
        stored = call_reads.call(book.connection(), "default", call_id)
        assert stored["outcome"] == "self_served" and stored["finished"] == 1
        assert stored["events"][0]["event"] == "start" and stored["events"][-1]["event"] == "end"
        assert [m["choice"] for m in stored["menu_choices"]] == ["key 2", "key 1"]
        progress = [part for part in book.connection().execute("SELECT part FROM call_events")]
        assert progress == [(0,)]  # the parts written while the call ran were replaced by the whole trace
    finally:
        book.close()


def test_a_call_served_from_the_flow_service_is_recorded_under_its_tenant_and_version(
    prompts: Path, tmp_path: Path
) -> None:
    """`callflow run --data`'s way: the flow comes from what is published in the store; the call's record names
    the tenant, the flow and the published version its trace starts with."""
    data = tmp_path / "data"
    make_store(data)
    folder = DataFolder(data)
    book = RecordBook(data)

    def store_flows(store: SqliteStore) -> StoreFlows:
        return StoreFlows(folder, default_registry(), store, PromptCache(prompts, Pyttsx3Synthesizer()))

    async def go() -> str:
        async with (
            backend("server", prompts) as where,
            line(where, tmp_path, lookup=store_flows, recorder=book) as hotline,
        ):
            call = await hotline.call()
            await call.hears(hotline.file("main_menu"))
            await call.hang_up()
            await call.wait_ended()
            await hotline.ended_trace(call)
            return f"{call.uniqueid}-ivr"

    try:
        call_id = asyncio.run(go())
        assert book.flush(30)
        record = call_reads.call(book.connection(), "default", call_id)
        start = record["events"][0]
        assert (record["flow"], record["origin"], record["finished"]) == ("hotline_12345", "live", 1)
        assert record["version"] == start["version"] >= 1 and start["tenant"] == "default"
        assert record["outcome"] == "abandoned" and record["end_node"] == "main_menu"
    finally:
        book.close()
        folder.close()
