"""Fuzzing environments: `callflow.toml` files changed in hostile ways are refused with an `EnvironmentFileError`
or load into an environment whose Asterisk configuration cannot carry an injected channel, option, line or
section (`make fuzz` runs many more examples than the suite)."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from mutants import FUZZ, HUGE_DIGITS, any_text, text_mutant

from callflow.flowlang.check import check_flow
from callflow.flowlang.environment import Environment, EnvironmentFileError, load_environment_text
from callflow.flowlang.errors import FlowError
from callflow.flowlang.loader import load_text
from callflow.runtime.asterisk.dialplan import SAFE_DIAL, AsteriskSetup, extensions, queues

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [
    path.read_text(encoding="utf-8")
    for path in sorted([*ROOT.glob("examples/**/*.toml"), *ROOT.glob("tests/flowlang/golden/*/callflow.toml")])
]
HOTLINE = load_text((ROOT / "examples" / "hotline_12345.flow").read_text(encoding="utf-8"), "h.flow", "dsl").flow

ODD_TOML = [
    '"PJSIP/a&PJSIP/b,60,U(x)"',
    '"PJSIP/a"',
    '"123\\n"',
    '"+86 10"',
    '"a\\nb"',
    '"a\\n[evil]\\nmember => x"',
    '"a\\u0000b"',
    '"http://[::1/v1"',
    '"http://h:99999/"',
    '"http://u@/x"',
    '"https://api.example.org/v1"',
    '"Asia"',
    '"Asia/Shanghai"',
    '"' + "a" * 5000 + '"',
    HUGE_DIGITS,
    "inf",
    "nan",
    "1e400",
    "-1",
    "0",
    "30",
    "[" * 100 + "]" * 100,
    "[" * 10000 + "]" * 10000,
    "{}",
    "[]",
    "true",
    "1979-05-27",
    '""',
    "{a = 1}",
    '"x"',
    '"../x"',
    '"sqlite"',
    '"http"',
    "[destinations.x]\nendpoint = ",
    '[queues."q\\n"]',
    "[queues.a]\ndescription = ",
    "\ud800",
    "=",
    "]",
    "[",
    "\n",
]


@st.composite
def environments(draw: st.DrawFn) -> str:
    """A seed environment with hostile changes."""
    return draw(text_mutant(draw(st.sampled_from(SEEDS)), ODD_TOML))


_QUEUE_LINE = re.compile(
    r"\[[A-Za-z][A-Za-z0-9_-]*\]|; [^\n]*|musicclass = [A-Za-z0-9_-]+|[a-z-]+ = [a-z0-9]+|; member => PJSIP/agent1 .*"
)


def assert_config_is_safe(environment: Environment) -> None:
    """What `asterisk-config` writes has the fallback's Dial with one channel and no options, and queues.conf has
    no line a value could have injected; or the writing is refused with a `FlowError`."""
    setup = AsteriskSetup(environment, ("/var/lib/callflow/prompts/sorry",))
    try:
        dialplan, queue_text = extensions(setup), queues(setup)
    except FlowError:
        return
    dials = [line for line in dialplan.split("\n") if "Dial(" in line]
    for line in dials:
        match = re.fullmatch(r" same => n,Dial\((.*),60\)", line)
        assert match is not None and SAFE_DIAL.fullmatch(match[1]), line
    for line in queue_text.split("\n"):
        assert line == "" or _QUEUE_LINE.fullmatch(line), line
    assert queue_text.count("\n[") + queue_text.startswith("[") == len(environment.queues)


@FUZZ
@given(environments())
def test_any_changed_environment_is_refused_or_safe_to_write_for_asterisk(text: str) -> None:
    """`load_environment_text` raises only `EnvironmentFileError`; what it accepts checks a flow and writes an
    Asterisk configuration without a traceback or an injected line."""
    try:
        environment = load_environment_text(text, "callflow.toml", ROOT / "examples")
    except EnvironmentFileError as error:
        assert str(error)
        return
    assert_config_is_safe(environment)
    assert HOTLINE is not None
    for problem in check_flow(HOTLINE, environment=environment, directory=ROOT / "examples"):
        problem.render()


@FUZZ
@given(any_text())
def test_any_text_at_all_is_an_environment_or_an_environment_error(text: str) -> None:
    """`load_environment_text` takes any string, whatever it holds, and raises nothing but `EnvironmentFileError`."""
    with contextlib.suppress(EnvironmentFileError):
        load_environment_text(text, "callflow.toml", ROOT)
