"""`callflow asterisk-config` prints a dialplan that guards every call, a least-rights manager user and queues."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from callflow.flowlang.environment import Destination, Environment, Queue
from callflow.runtime.asterisk.commands import asterisk_config
from callflow.runtime.asterisk.dialplan import AsteriskSetup, UnsafeConfigError, extensions, queues
from callflow.speech.audio import is_phone_ready

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def config(tmp_path: Path, *extra: str) -> str:
    result = CliRunner().invoke(
        asterisk_config, ["--flows", str(EXAMPLES), "--prompts", str(tmp_path / "prompts"), *extra]
    )
    assert result.exit_code == 0, result.output
    return result.output


def section(text: str, name: str) -> str:
    return text.split(f"; ===== {name} =====\n", 1)[1].split("; =====", 1)[0]


def test_dialplan_guards_calls_with_heartbeat_timeout_and_fallback(tmp_path: Path) -> None:
    dialplan = section(config(tmp_path), "extensions.conf")
    context = dialplan.split("[callflow]\n", 1)[1].split("\n\n", 1)[0].splitlines()
    steps = [line for line in context if not line.startswith(";")]
    # heartbeat check, then the guard, then AsyncAGI; anything but a hang-up ends in the fallback
    assert "CALLFLOW_HEARTBEAT" in steps[1] and "?callflow-fallback,s,1" in steps[1]
    assert steps[2] == " same => n,Set(TIMEOUT(absolute)=15)"
    assert steps[3] == " same => n,AGI(agi:async)"
    assert steps[4] == ' same => n,GotoIf($["${AGISTATUS}" = "HANGUP"]?done)'
    assert steps[5] == " same => n,Goto(callflow-fallback,s,1)"
    assert "exten => T,1,Goto(callflow-fallback,s,1)" in steps
    fallback = dialplan.split("[callflow-fallback]\n", 1)[1]
    # the environment's fallback is `emergency`, number 01012345, dialled through the trunk
    assert " same => n,Dial(PJSIP/01012345@trunk,60)" in fallback
    (playback,) = re.findall(r"Playback\(([^)]*)\)", fallback)
    files = playback.split("&")
    assert len(files) == 2  # the apology in Chinese and in English
    assert all(is_phone_ready(Path(f + ".wav")) for f in files)


def test_manager_user_has_least_rights_on_loopback(tmp_path: Path) -> None:
    manager = section(config(tmp_path), "manager.conf")
    assert "read = agi\n" in manager
    assert "write = agi,call,reporting\n" in manager
    assert "permit = 127.0.0.1/255.255.255.255" in manager and "deny = 0.0.0.0/0.0.0.0" in manager
    secret = re.search(r"secret = (\S+)", manager)
    assert secret is not None and len(secret[1]) >= 24
    assert secret[1] not in section(config(tmp_path), "manager.conf")  # a new secret each time


def test_queues_follow_the_environment(tmp_path: Path) -> None:
    queues = section(config(tmp_path), "queues.conf")
    hotline = queues.split("[hotline]\n", 1)[1].split("\n\n", 1)[0]
    assert "musicclass = default" in hotline
    assert "[clinic_desk]" in queues and "[hotline-local]" in queues
    # position announcements are the flow's, between Queue runs: Asterisk's own (which count the caller too) are off
    for block in (b for b in queues.split("\n\n") if b.startswith("[")):
        assert "announce-frequency = 0" in block and "announce-position = no" in block, block


def test_test_dialplan_adds_the_live_test_caller_and_agents(tmp_path: Path) -> None:
    text = config(tmp_path, "--test")
    dialplan = section(text, "extensions.conf")
    assert "[callflow-test-caller]\n" in dialplan and "exten => idle,1,Wait(900)" in dialplan
    caller = dialplan.split("[callflow-test-caller]\n", 1)[1].split("\n\n", 1)[0].splitlines()
    steps = [line for line in caller if not line.startswith(";")]
    # the caller a test sends here with Redirect speaks the file CALLFLOW_TEST_SAY names, then is silent (recorded)
    assert steps[2:] == [
        "exten => say,1,Playback(${CALLFLOW_TEST_SAY})",
        " same => n,Playback(silence/10)",
        " same => n,Wait(900)",
        " same => n,Hangup()",
    ]
    assert "[callflow-test-agents]\n" in dialplan
    assert " same => n,Dial(Local/01012345@callflow-test-agents,60)" in dialplan
    assert "member => Local/agent@callflow-test-agents" in section(text, "queues.conf")


def test_an_environment_that_would_inject_into_the_dialplan_is_refused(tmp_path: Path) -> None:
    """An endpoint with more channels and options, a number ending in a newline or a description of several lines
    is an error of `asterisk-config` (they were written into extensions.conf and queues.conf)."""
    flows = tmp_path / "flows"
    flows.mkdir()
    for value in (
        '[destinations.desk]\nendpoint = "PJSIP/a&PJSIP/b,60,U(x)"\n',
        '[destinations.desk]\nnumber = "01012345\\n"\n',
        '[queues.q]\ndescription = "Agents\\n[evil]\\nmember => PJSIP/x"\n',
        '[sources.api]\ntype = "http"\nurl = "http://[::1/v1"\n',
    ):
        (flows / "callflow.toml").write_text('fallback = "desk"\n' * value.startswith("[dest") + value, "utf-8")
        result = CliRunner().invoke(asterisk_config, ["--flows", str(flows), "--prompts", str(tmp_path / "p")])
        assert result.exit_code == 1, result.output
        assert "callflow.toml: expected" in result.output or "not a URL" in result.output
        assert "Dial(" not in result.output and "Traceback" not in result.output


def test_the_dialplan_refuses_a_dial_string_the_driver_would_refuse() -> None:
    """Whatever made the environment, the fallback's Dial is one channel without options, and queues.conf gets
    no line from a queue's description: anything else is an `UnsafeConfigError`, not configuration."""
    env = Environment.empty()
    unsafe = [
        replace(env, fallback="desk", destinations={"desk": Destination("desk", endpoint="PJSIP/a&PJSIP/b,60,U(x)")}),
        replace(env, fallback="desk", destinations={"desk": Destination("desk", number="1\n[evil]")}),
    ]
    for environment in unsafe:
        with pytest.raises(UnsafeConfigError, match="not one channel without options"):
            extensions(AsteriskSetup(environment, ()))
    with pytest.raises(UnsafeConfigError, match="is not a dial string with"):
        extensions(AsteriskSetup(unsafe[1], (), trunk="PJSIP/{numbr}@trunk"))
    lined = replace(env, queues={"q": Queue("q", description="Agents\n[evil]")})
    with pytest.raises(UnsafeConfigError, match="description of queue 'q' is not one line"):
        queues(AsteriskSetup(lined, ()))
