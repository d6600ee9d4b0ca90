"""`kill -9` of `callflow run --data` itself, over the AMI test server: no finished call is lost, the call in
progress is kept unfinished with its events so far, and both SQLite files pass `PRAGMA integrity_check`.

The process runs for real (a subprocess, as an operator starts it); every wait is on what it writes (the records'
file read between its commits, the phone's events), with deadlines stretched by the measured slowdown.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
import slowdown
from ami_server import AmiServer
from phone import Phone, PhoneCall
from queue_flows import CALLFLOW, QUIET, SECRET
from store_data import make_store

from callflow.runtime.asterisk.address import AmiAddress
from callflow.runtime.asterisk.service import trace_lines
from callflow.runtime.service.core import Service
from callflow.runtime.service.drafts import DSL, save_draft
from callflow.runtime.service.environment import save as save_environment
from callflow.runtime.service.publishing import publish
from callflow.runtime.store import call_reads
from callflow.runtime.store.audit import Actor
from callflow.runtime.store.recordings import named_folders

WAITING = QUIET.format(name="waiting", max_wait=600)
CLINIC_ENVIRONMENT = """\
timezone = "Asia/Shanghai"

[numbers]
7300 = "front_desk"
7201 = "waiting"

[queues.nobody]
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`store_data.make_store`'s folder, the clinic also serving 7201: a queue nobody answers (a call that stays)."""
    data = tmp_path_factory.mktemp("crash") / "data"
    make_store(data)
    service = Service(data)
    workspace = service.workspace_named("clinic")
    revision = service.folder.environments.current(workspace.tenant.id).revision
    save_environment(workspace, CLINIC_ENVIRONMENT, revision, Actor("test"))
    save_draft(workspace, "waiting", WAITING, DSL, None, Actor("test"))
    asyncio.run(publish(workspace, "waiting", "first", Actor("test"), force=False))
    service.records.close()
    service.folder.close()
    return data


def read_records(data: Path) -> sqlite3.Connection:
    """The records' file as a reader beside the running process sees it (only what it committed)."""
    return sqlite3.connect(f"file:{data / 'records.db'}?mode=ro", uri=True, timeout=30)


def stored(data: Path, call_id: str) -> dict[str, Any] | None:
    """A call's record as committed now, or None."""
    connection = read_records(data)
    try:
        return (
            call_reads.call(connection, "clinic", call_id) if call_reads.exists(connection, "clinic", call_id) else None
        )
    finally:
        connection.close()


def traced(traces: Path, call_id: str) -> list[dict[str, Any]]:
    """The call's trace file as written so far (complete lines)."""
    path = traces / f"{call_id}.jsonl"
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text[: text.rfind("\n") + 1].splitlines() if line]


async def committed(data: Path, traces: Path, call_id: str, done: Any, timeout_s: float = 30) -> None:
    """Wait until the call's committed record satisfies `done`, and its trace file holds as many events."""

    async def wait() -> None:
        while True:
            record = stored(data, call_id)
            if record is not None and done(record) and len(traced(traces, call_id)) >= len(record["events"]):
                return
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), slowdown.seconds(timeout_s))


def ivr_id(call: PhoneCall) -> str:
    """The call id Callflow gives a phone call (its half's unique id)."""
    return f"{call.uniqueid}-ivr"


def test_kill_9_of_callflow_run_loses_no_finished_call_and_keeps_the_call_in_progress(
    template: Path, tmp_path: Path
) -> None:
    """`callflow run --data` serves three calls that end by themselves and one whose caller hangs up in the queue,
    each committed once it ended; a fifth waits in the queue, its events so far committed. Then `kill -9`: every
    finished call's record is there whole (its trace as the trace file has it, its queue wait), the waiting one is
    `unfinished` with its start and queue entry and no end, and both SQLite files are intact."""
    data = tmp_path / "data"
    shutil.copytree(template, data)
    traces = tmp_path / "traces"

    async def go() -> tuple[list[str], str]:
        async with AmiServer(secret=SECRET, time_scale=0.05) as server:
            url = f"ami://callflow:{SECRET}@127.0.0.1:{server.port}"
            command = [str(CALLFLOW), "run", "--ami", url, "--data", str(data), "--traces", str(traces)]
            command += ["--prompts", str(tmp_path / "prompts"), "--recordings", str(tmp_path / "rec")]
            command += ["--db", str(tmp_path / "calls.sqlite")]
            with open(tmp_path / "stderr.log", "wb") as errors:
                process = await asyncio.create_subprocess_exec(
                    *command, stdout=subprocess.PIPE, stderr=errors, env={**os.environ, "PYTHONUNBUFFERED": "1"}
                )
            try:
                assert process.stdout is not None
                first = await asyncio.wait_for(process.stdout.readline(), slowdown.seconds(60))
                assert "serving calls" in first.decode()
                address = AmiAddress("127.0.0.1", server.port, "callflow", SECRET)
                async with Phone(address, caller_context="caller-live") as phone:
                    ended: list[PhoneCall] = []
                    for _ in range(3):
                        call = await phone.call("7300")
                        await call.wait_ended(timeout_s=60)
                        ended.append(call)
                    leaving = await phone.call("7201")
                    await leaving.until(lambda c: c.startswith("EXEC Queue nobody"), timeout_s=60)
                    await leaving.hang_up()
                    await leaving.wait_ended(timeout_s=60)
                    ended.append(leaving)
                    waiting = await phone.call("7201")
                    await waiting.until(lambda c: c.startswith("EXEC Queue nobody"), timeout_s=60)
                    with server.clock.held():  # the queue's wait does not run out meanwhile
                        for call in ended:  # each committed after its end
                            await committed(data, traces, ivr_id(call), lambda r: r["finished"])
                        joined = lambda r: any(e.get("action") == "join" for e in r["events"])  # noqa: E731
                        await committed(data, traces, ivr_id(waiting), joined)
                        process.kill()
                        assert await asyncio.wait_for(process.wait(), slowdown.seconds(30)) == -9
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
            return [ivr_id(call) for call in ended], ivr_id(waiting)

    finished, in_progress = asyncio.run(go())
    connection = read_records(data)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # its recordings folder named, so that a prune removes a pruned call's recordings (test_record_store.py)
        assert named_folders(connection) == [(tmp_path / "rec").resolve()]
        for call_id in finished:
            record = call_reads.call(connection, "clinic", call_id)
            assert record["finished"] == 1 and record["end"] is not None and record["duration_s"] is not None
            assert record["events"] == trace_lines(traces / f"{call_id}.jsonl"), call_id
            assert record["events"][0]["event"] == "start" and record["events"][-1]["event"] == "end"
        front_desk = [call_reads.call(connection, "clinic", call_id) for call_id in finished[:3]]
        assert {(r["flow"], r["version"], r["outcome"]) for r in front_desk} == {("front_desk", 1, "self_served")}
        left = call_reads.call(connection, "clinic", finished[3])
        assert (left["flow"], left["outcome"], left["hangup_by"], left["end_node"]) == (
            "waiting", "abandoned", "caller", "waiting"
        )  # fmt: skip
        assert [(w["queue"], w["result"]) for w in left["queue_waits"]] == [("nobody", "abandoned")]
        cut = call_reads.call(connection, "clinic", in_progress)
        assert (cut["finished"], cut["outcome"], cut["end"]) == (0, "unfinished", None)
        kinds = [(e["event"], e.get("action")) for e in cut["events"]]
        assert kinds[0] == ("start", None) and ("queue", "join") in kinds
        assert "end" not in [kind for kind, _ in kinds]
        assert cut["events"] == trace_lines(traces / f"{in_progress}.jsonl")[: len(cut["events"])]
        tallied = connection.execute("SELECT sum(n) FROM tallies WHERE tenant = 'clinic' AND kind = 'call'")
        assert tallied.fetchone()[0] == 4  # the finished calls, each counted once; the unfinished one not yet
    finally:
        connection.close()
    service_db = sqlite3.connect(data / "callflow.db")
    try:
        assert service_db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        service_db.close()
