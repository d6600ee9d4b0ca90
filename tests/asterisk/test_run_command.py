"""`callflow run` as an operator starts and stops it: folders checked at start, the limit of open files raised,
and SIGINT/SIGTERM that stop new calls, let the calls in progress end, and at a second signal hand them to the
dialplan's fallback at once, even while a call waits in EXEC Queue (issue 14.15).

The process runs for real (a subprocess) against the AMI test server of the test's own loop.
"""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import slowdown
from ami_server import AmiServer
from click.testing import CliRunner
from phone import Phone
from queue_flows import CALLFLOW, QUIET, SECRET

from callflow.runtime.asterisk.address import AmiAddress
from callflow.runtime.asterisk.commands import raise_descriptor_limit, run

WAITING = QUIET.format(name="waiting", max_wait=600)
ENVIRONMENT = """\
timezone = "Asia/Shanghai"

[numbers]
7201 = "waiting"

[queues.nobody]
"""


def test_folders_that_agi_cannot_name_are_refused_at_start(tmp_path: Path) -> None:
    """A space in `--prompts` or `--recordings` would split every AGI command that names it (each call would go to
    the fallback): `run` refuses to start, and says why, before it connects to anything."""
    for option in ("--prompts", "--recordings"):
        result = CliRunner().invoke(
            run, ["--ami", "ami://u:p@127.0.0.1:9", "--flows", str(tmp_path), option, str(tmp_path / "my folder")]
        )
        assert result.exit_code == 2, result.output
        assert f"Invalid value for {option}" in result.output
        assert "cannot name a path with spaces, quotes or backslashes" in result.output


def test_the_soft_limit_of_open_files_is_raised_to_the_hard_limit() -> None:
    """In a process started with a soft limit of 256 open files, `raise_descriptor_limit` lifts it to the hard one."""
    code = (
        "import resource; from callflow.runtime.asterisk.commands import raise_descriptor_limit;"
        "print(*raise_descriptor_limit(), *resource.getrlimit(resource.RLIMIT_NOFILE))"
    )
    out = subprocess.run([sys.executable, "-c", code], preexec_fn=_low_limit, capture_output=True, text=True)
    before, after, soft, hard = map(int, out.stdout.split())
    assert (before, after, soft) == (256, hard, hard)
    assert raise_descriptor_limit()[1] == resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _low_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))


class Running:
    """`callflow run` in a subprocess; its output read line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []

    async def says(self, text: str, timeout_s: float = 30) -> str:
        """The first line of its standard output that contains `text` (read until it comes)."""

        async def read() -> str:
            assert self.process.stdout is not None
            while True:
                line = (await self.process.stdout.readline()).decode()
                if not line:
                    raise AssertionError(f"callflow run ended without saying {text!r}: {self.lines}")
                self.lines.append(line)
                if text in line:
                    return line

        return await asyncio.wait_for(read(), slowdown.seconds(timeout_s))

    async def exits(self, timeout_s: float = 30) -> int:
        """Its exit code, once it has ended."""
        return await asyncio.wait_for(self.process.wait(), slowdown.seconds(timeout_s))


@asynccontextmanager
async def running(server: AmiServer, tmp_path: Path, *options: str) -> AsyncIterator[Running]:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "waiting.flow").write_text(WAITING, encoding="utf-8")
    (flows / "callflow.toml").write_text(ENVIRONMENT, encoding="utf-8")
    url = f"ami://callflow:{SECRET}@127.0.0.1:{server.port}"
    command = [str(CALLFLOW), "run", "--ami", url, "--flows", str(flows), "--prompts", str(tmp_path / "prompts")]
    command += ["--recordings", str(tmp_path / "rec"), "--db", str(tmp_path / "calls.sqlite"), *options]
    with open(tmp_path / "stderr.log", "wb") as errors:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdout=subprocess.PIPE,
            stderr=errors,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            preexec_fn=_low_limit,
        )
    started = Running(process)
    try:
        await started.says("serving calls")
        yield started
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_second_signal_hands_a_call_waiting_in_a_queue_to_the_fallback_at_once(
    stop: signal.Signals, tmp_path: Path
) -> None:
    """The first signal stops new calls (one arriving now goes straight to the fallback) while the call in EXEC
    Queue may go on; the second ends `run` at once: that call gets `CALLFLOW_ROUTE=fallback` and `ASYNCAGI BREAK`
    queued behind its Queue, which Asterisk runs when the Queue ends, with Callflow gone. The soft limit of open files
    was raised, and said so."""

    async def go() -> None:
        # 600 model seconds in the queue pass in a few seconds at this pace
        async with (
            AmiServer(secret=SECRET, time_scale=0.005) as server,
            running(server, tmp_path, "--grace", "900") as cf,
        ):
            address = AmiAddress("127.0.0.1", server.port, "callflow", SECRET)
            async with Phone(address, caller_context="caller-live") as phone:
                waiting = await phone.call("7201")
                await waiting.until(lambda command: command == "EXEC Queue nobody,c,,,600")
                cf.process.send_signal(stop)
                await cf.says("stopping: no new calls; 1 call(s) in progress may go on for 900 s")
                late = await phone.call("7201")
                await late.until(lambda command: command == "ASYNCAGI BREAK")
                cf.process.send_signal(stop)
                await cf.says("stopped: 1 call(s) handed to the dialplan's fallback")
                assert await cf.exits() == 0
                assert waiting.commands[-1] == "EXEC Queue nobody,c,,,600"  # still waiting in the queue
                await waiting.until(lambda command: command == "ASYNCAGI BREAK", timeout_s=60)
                assert waiting.commands[-2:] == ["SET VARIABLE CALLFLOW_ROUTE fallback", "ASYNCAGI BREAK"]
                assert "SET VARIABLE CALLFLOW_ROUTE fallback" in late.commands
                await waiting.wait_ended()
            assert server.unrecorded == [] and server.unrecorded_commands == []
        log = (tmp_path / "stderr.log").read_text(encoding="utf-8")
        assert f"open files: soft limit raised from 256 to {resource.getrlimit(resource.RLIMIT_NOFILE)[1]}" in log
        assert "arrived while stopping: handed to the fallback" in log

    asyncio.run(go())


def test_after_a_signal_the_calls_in_progress_end_as_usual(tmp_path: Path) -> None:
    """SIGTERM while a call waits in the queue: `run` waits for it; the caller hangs up, and `run` ends with no
    call handed over."""

    async def go() -> None:
        async with AmiServer(secret=SECRET, time_scale=0.05) as server, running(server, tmp_path) as cf:
            address = AmiAddress("127.0.0.1", server.port, "callflow", SECRET)
            async with Phone(address, caller_context="caller-live") as phone:
                call = await phone.call("7201")
                await call.until(lambda command: command.startswith("EXEC Queue nobody"))
                with server.clock.held():
                    cf.process.send_signal(signal.SIGTERM)
                    await cf.says("stopping: no new calls; 1 call(s) in progress may go on for 30 s")
                await call.hang_up()
                await call.wait_ended()
                await cf.says("stopped")
                assert await cf.exits() == 0
            assert not any("handed" in line for line in cf.lines)

    asyncio.run(go())
