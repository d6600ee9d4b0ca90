"""What a live call needs from the machine and from Asterisk, and what happens when it is not there: file
descriptors, a flow named by the channel, a recordings folder Asterisk can write.

Each scenario runs against the AMI test server and, marked `live`, against a real Asterisk (`CALLFLOW_AMI_URL`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from backends import backend
from line import Line, line

from callflow.runtime.asterisk.dialplan import FALLBACK_CONTEXT


def run(kind: str, prompts: Path, tmp_path: Path, scenario: Any, **options: Any) -> None:
    async def go() -> None:
        async with backend(kind, prompts) as where, line(where, tmp_path, **options) as hotline:
            await scenario(hotline)

    asyncio.run(go())


def open_files() -> set[str]:
    """What this process's file descriptors point to."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            found.add(os.readlink(f"/proc/self/fd/{fd}"))
    return found


@contextlib.contextmanager
def no_descriptor_left() -> Iterator[None]:
    """Every file descriptor this process may open is taken (its soft limit lowered to what it has open)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    held: list[int] = []
    resource.setrlimit(resource.RLIMIT_NOFILE, (len(os.listdir("/proc/self/fd")) + 8, hard))
    try:
        with contextlib.suppress(OSError):
            while True:
                held.append(os.open(os.devnull, os.O_RDONLY))
        yield
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_call_in_progress_holds_no_trace_file_open(kind: str, prompts: Path, tmp_path: Path) -> None:
    """A call's trace is on disk as it goes, and no descriptor stays open on it between writes."""

    async def scenario(hotline: Line) -> None:
        call = await hotline.call()
        await call.hears(hotline.file("main_menu"))
        traces = hotline.driver.service.traces
        assert traces is not None
        await traces.written()
        path = hotline.traces / f"{call.uniqueid}-ivr.jsonl"
        assert hotline.trace(call)[0]["event"] == "start"
        assert str(path) not in open_files()
        await call.hang_up()
        await call.wait_ended()

    run(kind, prompts, tmp_path, scenario)


def test_with_no_file_descriptor_left_a_call_reaches_the_fallback_and_its_trace_is_kept(
    kind: str, prompts: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """At the process's descriptor limit no prompt can be read or made: the call is handed to the dialplan's
    fallback, with the reason in the log; its trace waits in memory and is written once descriptors are free."""

    async def scenario(hotline: Line) -> None:
        with no_descriptor_left():
            call = await hotline.call()
            await call.until(lambda command: command == "ASYNCAGI BREAK")
            assert "SET VARIABLE CALLFLOW_ROUTE fallback" in call.commands
        if hotline.backend.server is None:  # a real Asterisk's fallback: the apology, then an agent
            await call.reaches(FALLBACK_CONTEXT, "Dial", timeout_s=30)
        await call.wait_ended(timeout_s=60)
        trace = await hotline.ended_trace(call)
        assert trace[0]["event"] == "start" and trace[-1]["event"] == "end" and trace[-1]["reason"] == "fallback"
        assert any("Too many open files" in e.get("message", "") for e in trace if e["event"] == "error")

    with caplog.at_level(logging.WARNING):
        run(kind, prompts, tmp_path, scenario)
    failed = [r for r in caplog.records if "handing it to the fallback" in r.getMessage()]
    assert failed and "Too many open files" in str(failed[0].exc_info[1] if failed[0].exc_info else "")
    assert any("cannot write the trace" in r.getMessage() and "Too many open files" in r.getMessage()
               for r in caplog.records)  # fmt: skip


@pytest.mark.parametrize("named", ["/etc/passwd", "../examples/hotline_12345", "hotline_12345.flow", "no_such_flow"])
def test_callflow_flow_may_only_name_a_flow(
    named: str, kind: str, prompts: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A number bound to no flow runs the flow the channel variable `CALLFLOW_FLOW` names, if it is the name of
    one: a path, or a name no flow has, sends the caller to the fallback, logged, and reads no file."""

    async def scenario(hotline: Line) -> None:
        call = await hotline.phone.call("7788", variables={"CALLFLOW_FLOW": named})
        await call.until(lambda command: command == "ASYNCAGI BREAK")
        await call.wait_ended()
        trace = await hotline.ended_trace(call)
        assert [e["event"] for e in trace] == ["start", "error", "end"]
        assert trace[0]["flow"] == named and trace[-1]["reason"] == "fallback"

    with caplog.at_level(logging.WARNING):
        run(kind, prompts, tmp_path, scenario)
    assert any(f"CALLFLOW_FLOW={named!r} names no flow" in r.getMessage() for r in caplog.records)


def test_callflow_flow_names_the_flow_of_an_unbound_number(kind: str, prompts: Path, tmp_path: Path) -> None:
    """`CALLFLOW_FLOW=post_call_survey` on a number bound to no flow: that flow runs."""

    async def scenario(hotline: Line) -> None:
        call = await hotline.phone.call("7788", variables={"CALLFLOW_FLOW": "post_call_survey"})
        await call.until(lambda command: command.startswith("STREAM FILE"))
        await call.hang_up()
        await call.wait_ended()
        trace = await hotline.ended_trace(call)
        assert trace[0]["flow"] == "post_call_survey" and trace[-1]["by"] == "caller"

    run(kind, prompts, tmp_path, scenario)


def test_a_recording_asterisk_cannot_write_is_an_error_not_a_hang_up(kind: str, prompts: Path, tmp_path: Path) -> None:
    """RECORD FILE into a folder that is gone answers `(writefile)` and Asterisk ends AsyncAGI: the caller did not
    hang up, the dialplan has the call and goes on to its fallback (record-file-failures.txt). The trace says so."""

    async def scenario(hotline: Line) -> None:
        shutil.rmtree(tmp_path / "recordings")
        call = await hotline.call()
        await call.hears(hotline.file("main_menu"))
        await call.press("3")
        record = await call.until(lambda command: command.startswith("RECORD FILE"))
        assert record.startswith(f"RECORD FILE {tmp_path / 'recordings'}/")
        if hotline.backend.server is None:  # only a real Asterisk runs the printed fallback
            await call.reaches(FALLBACK_CONTEXT, "Playback", timeout_s=30)
            await call.hang_up()
        await call.wait_ended(timeout_s=60)
        trace = await hotline.ended_trace(call)
        (error,) = [e for e in trace if e["event"] == "error"]
        assert "(writefile)" in error["message"] and "its dialplan has the call" in error["message"]
        assert not [e for e in trace if e["event"] == "voicemail"]  # nothing was kept: nothing was recorded
        assert trace[-1]["event"] == "end" and trace[-1]["reason"] == "fallback" and "by" not in trace[-1]

    run(kind, prompts, tmp_path, scenario)
