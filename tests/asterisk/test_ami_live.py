"""What end-to-end tests use of the AMI test server: a time scale, sound files on disk, the live caller
(`caller-live,idle`) pressed and hung up over AMI, waiting for an event, dropped connections and a restart."""

from __future__ import annotations

import asyncio
import math
import time
import wave
from pathlib import Path
from urllib.parse import unquote

import pytest
from ami_client import Client
from ami_replay import SECRET, normalise
from ami_server import AmiServer
from ami_sounds import write_wav

from callflow.runtime.asterisk.protocol import Message

FAST = 0.02


def tone(samples: int, amplitude: int = 8000) -> bytes:
    """A 400 Hz tone, 16-bit 8 kHz."""
    values = [int(amplitude * math.sin(2 * math.pi * 400 * n / 8000)) for n in range(samples)]
    return b"".join(v.to_bytes(2, "little", signed=True) for v in values)


def assert_all_recorded(server: AmiServer) -> None:
    assert server.unrecorded == [] and server.unrecorded_commands == []


def test_a_call_runs_at_the_time_scale_with_the_recorded_replies() -> None:
    """At time scale 0.02 tt-monkeys plays its recorded 16.18 s of model time (the pickup's 0.1 s before it) and
    reports its recorded `endpos`; model time never runs faster than 1/scale of the wall clock."""

    async def run() -> tuple[float, float]:
        async with AmiServer(secret=SECRET, time_scale=FAST, settle_s=0) as server:
            client = await Client.login(server.port, SECRET)
            ivr = await client.originate("12345")
            assert await client.agi(ivr, "ANSWER") == "200 result=0"
            started, model = time.monotonic(), server.clock.now()
            assert await client.agi(ivr, 'STREAM FILE tt-monkeys ""') == "200 result=0 endpos=129440"
            elapsed, played = time.monotonic() - started, server.clock.now() - model
            assert_all_recorded(server)
            client.close()
            return elapsed, played

    elapsed, played = asyncio.run(run())
    assert abs(played - (0.1 + 129440 / 8000)) < 1e-9
    assert elapsed >= played * FAST


def test_the_time_scale_changes_neither_bytes_nor_order() -> None:
    """The same call at full speed and at 0.05 sends the same events in the same order (varying values aside)."""

    async def call(scale: float) -> list[Message]:
        async with AmiServer(secret=SECRET, time_scale=scale) as server:
            client = await Client.login(server.port, SECRET, events="agi,call,dialplan")
            ivr = await client.originate("12345")
            for command in ("ANSWER", 'STREAM FILE beep ""', "GET DATA beep 300 2", "HANGUP"):
                await client.agi(ivr, command)
            for _ in range(2):  # the last events of the call
                await client.until(lambda m: m.get("State") == "NOT_INUSE")
            client.close()
            return [m for m in (normalise(i) for i in client.log) if isinstance(m, Message)]

    slow, fast = asyncio.run(call(1.0)), asyncio.run(call(0.05))
    assert slow == fast


def test_prompts_on_disk_play_for_their_real_length(tmp_path: Path) -> None:
    """A WAV file in the sounds folder, or at an absolute path, reports its samples as `endpos`; a file found nowhere
    is the recorded missing file: `result=-1 endpos=0` and the AsyncAGI session ends with AGISTATUS=FAILURE."""
    write_wav(tmp_path / "welcome.wav", tone(4000))

    async def run() -> None:
        async with AmiServer(secret=SECRET, time_scale=FAST, sounds=tmp_path) as server:
            client = await Client.login(server.port, SECRET)
            ivr = await client.originate("12345")
            await client.agi(ivr, "ANSWER")
            assert await client.agi(ivr, 'STREAM FILE welcome ""') == "200 result=0 endpos=4000"
            assert await client.agi(ivr, f'STREAM FILE {tmp_path / "welcome"} "#"') == "200 result=0 endpos=4000"
            assert await client.agi(ivr, 'EXEC Playback "welcome"') == "200 result=0"
            assert await client.agi(ivr, 'STREAM FILE nowhere ""') == "200 result=-1 endpos=0"
            status = await client.until(lambda m: m.get("Variable") == "AGISTATUS")
            assert status["Value"] == "FAILURE"
            assert_all_recorded(server)
            client.close()

    asyncio.run(run())


def test_a_key_pressed_when_a_prompt_starts_cuts_it_on_a_frame(tmp_path: Path) -> None:
    """`wait_for` the AGIExecStart of a STREAM FILE, then PlayDTMF on the `;1` half: the prompt ends with the digit
    and an `endpos` of whole 20 ms frames."""
    write_wav(tmp_path / "menu.wav", tone(16000))

    async def run() -> str:
        async with AmiServer(secret=SECRET, time_scale=FAST, sounds=tmp_path) as server:
            client = await Client.login(server.port, SECRET)
            ivr = await client.originate("12345")
            await client.agi(ivr, "ANSWER")
            started = asyncio.create_task(
                server.wait_for(lambda e: e.get("Event") == "AGIExecStart" and "menu" in e.get("Command", ""))
            )
            client.send(Action="AGI", Channel=ivr, Command='STREAM FILE menu "123"', CommandID="menu")
            await started
            client.send(Action="PlayDTMF", ActionID="p", Channel=ivr.replace(";2", ";1"), Digit="2", Duration="100")
            done = await client.until(lambda m: m.get("Event") == "AsyncAGIExec" and m["CommandId"] == "menu")
            assert_all_recorded(server)
            client.close()
            return unquote(done["Result"])

    reply = asyncio.run(run())
    assert reply.startswith("200 result=50 endpos=")
    endpos = int(reply.removesuffix("\n").rsplit("=", 1)[1])
    assert endpos % 160 == 0 and 0 < endpos < 16000


def test_a_recording_holds_what_the_caller_played(tmp_path: Path) -> None:
    """RECORD FILE ended by `#` writes the caller's audio (less the last 200 ms) as an 8 kHz 16-bit mono WAV of
    `endpos` samples, and STREAM FILE of it plays that many. The caller's Playback of a WAV file sends all but its
    last 22 samples (spoken-answer.txt): 11978 of 12000."""
    speech = tone(12000)
    write_wav(tmp_path / "speech.wav", speech)
    script = ("Wait(1)", f"Playback({tmp_path / 'speech'})", "SendDTMF(#)", "Wait(5)", "Hangup()")

    async def run() -> None:
        from ami_channels import CallScript

        scripts = {("caller-sim", "talk-wav"): CallScript.of(*script)}
        async with AmiServer(secret=SECRET, time_scale=FAST, call_scripts=scripts) as server:
            client = await Client.login(server.port, SECRET)
            ivr = await client.originate("5551000", "caller-sim", "talk-wav")
            await client.agi(ivr, "ANSWER")
            target = tmp_path / "out" / "message"
            target.parent.mkdir()  # Asterisk writes into a folder that exists (record-file-failures.txt)
            reply = await client.agi(ivr, f'RECORD FILE {target} wav "#" 20000')
            assert reply == "200 result=35 (dtmf) endpos=10378"
            with wave.open(str(target) + ".wav") as recorded:
                assert (recorded.getframerate(), recorded.getsampwidth(), recorded.getnchannels()) == (8000, 2, 1)
                assert recorded.readframes(recorded.getnframes()) == speech[: 2 * 10378]
            assert await client.agi(ivr, f'STREAM FILE {target} ""') == "200 result=0 endpos=10378"
            assert_all_recorded(server)
            client.close()

    asyncio.run(run())


def test_the_live_caller_presses_keys_and_hangs_up_over_ami() -> None:
    """`Local/<dnis>@callflow` to `caller-live,idle`: AsyncAGIStart's Env names the dnis as the extension (`agi_dnid`
    stays `unknown`, as recorded for `_X.`); PlayDTMF on `;1` is read by WAIT FOR DIGIT, on a missing channel it is
    `Channel not found`; the AMI Hangup action on `;1` ends both halves."""

    async def run() -> None:
        async with AmiServer(secret=SECRET, time_scale=FAST) as server:
            client = await Client.login(server.port, SECRET)
            client.send(Action="Originate", Channel="Local/12345@callflow", Context="caller-live", Exten="idle",
                        Async="true", CallerID='"Lab Caller" <01088886666>')  # fmt: skip
            start = await client.until(lambda m: m.get("Event") == "AsyncAGIStart")
            env = unquote(start["Env"])
            assert "agi_extension: 12345\n" in env and "agi_dnid: unknown\n" in env
            assert "agi_callerid: 01088886666\n" in env
            ivr, caller = start["Channel"], start["Channel"].replace(";2", ";1")
            await client.agi(ivr, "ANSWER")
            client.send(Action="AGI", Channel=ivr, Command="WAIT FOR DIGIT 5000", CommandID="w")
            await server.wait_for(lambda e: e.get("Event") == "AGIExecStart")
            client.send(Action="PlayDTMF", ActionID="d", Channel=caller, Digit="#", Duration="150")
            assert (await client.until(lambda m: m.get("ActionID") == "d"))["Message"] == "DTMF successfully queued"
            done = await client.until(lambda m: m.get("Event") == "AsyncAGIExec")
            assert unquote(done["Result"]) == "200 result=35\n"
            client.send(Action="PlayDTMF", ActionID="x", Channel="Local/none-00000000;1", Digit="1")
            assert (await client.until(lambda m: m.get("ActionID") == "x"))["Message"] == "Channel not found"
            client.send(Action="Hangup", ActionID="h", Channel=caller)
            assert (await client.until(lambda m: m.get("ActionID") == "h"))["Message"] == "Channel Hungup"
            await client.until(lambda m: m.get("Event") == "Hangup" and m["Channel"] == ivr)
            assert_all_recorded(server)
            client.close()

    asyncio.run(run())


def test_killed_sessions_leave_the_calls_running() -> None:
    """`kill_sessions` resets every connection; the running command plays on and its AsyncAGIExec reaches the next
    session, which can hang the call up (facts 37, 38)."""

    async def run() -> None:
        async with AmiServer(secret=SECRET, time_scale=FAST) as server:
            first = await Client.login(server.port, SECRET)
            ivr = await first.originate("12345")
            await first.agi(ivr, "ANSWER")
            first.send(Action="AGI", Channel=ivr, Command='STREAM FILE tt-monkeys ""', CommandID="monkeys")
            await server.wait_for(lambda e: e.get("Event") == "AGIExecStart")
            server.kill_sessions()
            with pytest.raises(ConnectionError):
                await first.until(lambda m: False)
            first.close()
            second = await Client.login(server.port, SECRET)
            done = await second.until(lambda m: m.get("Event") == "AsyncAGIExec")
            assert done["CommandId"] == "monkeys" and unquote(done["Result"]) == "200 result=0 endpos=129440\n"
            assert await second.agi(ivr, "HANGUP") == "200 result=1"
            assert_all_recorded(server)
            second.close()

    asyncio.run(run())


def test_a_restart_closes_everything_and_listens_again_on_the_same_port() -> None:
    """`restart`: connections close, calls are gone, nothing listens for a while, then a fresh Asterisk answers on
    the same port (Local channels numbered from 0 again)."""

    async def run() -> None:
        async with AmiServer(secret=SECRET, time_scale=FAST) as server:
            port = server.port
            client = await Client.login(server.port, SECRET)
            ivr = await client.originate("12345")
            assert ivr == "Local/12345@callflow-00000000;2"
            restarting = asyncio.create_task(server.restart(down_s=10))  # 0.2 s at this scale
            with pytest.raises(ConnectionError):
                await client.until(lambda m: False)
            client.close()
            with pytest.raises(OSError):
                await asyncio.open_connection("127.0.0.1", port)
            await restarting
            assert server.port == port and server.calls == []
            again = await Client.login(port, SECRET)
            assert await again.originate("12345") == "Local/12345@callflow-00000000;2"
            again.close()

    asyncio.run(run())
