"""The `callflow` command as a whole process: what it imports before it works, and how it ends when its reader goes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).parents[2] / "examples"
HOTLINE = EXAMPLES / "hotline_12345.flow"

PRINTING_COMMANDS = {
    "simulate": ["simulate", HOTLINE, "--at", "2026-11-20T10:00", "-i", "dtmf:2", "-i", "dtmf:1"],
    "simulate --json": ["simulate", HOTLINE, "--at", "2026-11-20T10:00", "--json"],
    "check": ["check", EXAMPLES],
    "test": ["test", EXAMPLES / "post_call_survey.test.yaml"],
    "graph": ["graph", HOTLINE],
    "schema": ["schema"],
    "reference": ["reference", "checks"],
    "explore": ["explore", EXAMPLES / "post_call_survey.flow", "--at", "2026-11-20T10:00"],
}


def callflow(*args: str | Path, **options: Any) -> subprocess.CompletedProcess[str]:
    """`callflow ARGS` run by the interpreter running the tests, as the console script runs it."""
    command = [sys.executable, "-c", "from callflow.flowlang.cli import main; main()", *map(str, args)]
    return subprocess.run(command, text=True, timeout=120, check=False, **options)


@pytest.mark.parametrize("args", PRINTING_COMMANDS.values(), ids=PRINTING_COMMANDS.keys())
def test_a_command_whose_reader_has_gone_ends_quietly_by_sigpipe(args: list[str | Path]) -> None:
    """`callflow … | head` ends as a Unix tool does: killed by SIGPIPE, with no error message and no traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    try:
        ended = callflow(*args, stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert ended.stderr == ""
    assert ended.returncode == -signal.SIGPIPE


HEAVY = ("networkx", "jsonschema", "vosk", "numpy", "httpx", "sqlite_utils", "argon2", "lark", "pyttsx3", "uvicorn")
"""Libraries a command loads when it needs them, never merely to start `callflow`."""

LOADED_AFTER = """
import sys
sys.argv = ["callflow", *sys.argv[1:]]
from callflow.flowlang.cli import main
try:
    main()
finally:
    print("LOADED", *sorted({name.split(".")[0] for name in sys.modules}), file=sys.stderr)
"""


def loaded_by(*args: str) -> set[str]:
    """The top-level modules loaded by the time `callflow ARGS` ends."""
    command = [sys.executable, "-c", LOADED_AFTER, *args]
    ended = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    line = next(line for line in ended.stderr.splitlines() if line.startswith("LOADED "))
    return set(line.split()[1:])


def test_the_command_line_starts_without_loading_any_command_machinery() -> None:
    """`callflow --help` registers every command (through the `callflow.commands` entry points) and loads none of
    the heavy libraries: commands import what they need when they run."""
    loaded = loaded_by("--help")
    assert "click" in loaded
    assert sorted(loaded & set(HEAVY)) == []


@pytest.mark.parametrize("command", ["simulate", "test", "explore", "replay", "diff", "load", "render-prompts", "run"])
def test_a_commands_help_loads_none_of_its_machinery(command: str) -> None:
    """`callflow COMMAND --help` loads none of the heavy libraries either: its options are declared without them."""
    assert sorted(loaded_by(command, "--help") & set(HEAVY)) == []


def test_checking_a_sound_flow_loads_no_graph_simulator_speech_or_network_library() -> None:
    """`callflow check` of a flow without endless loops loads what reading and checking need (lark, jsonschema for
    the environment) and not networkx (only for a loop to describe), vosk, numpy, HTTP or the store's libraries."""
    loaded = loaded_by("check", str(HOTLINE))
    assert {"lark", "jsonschema"} <= loaded  # the test would pass vacuously if `check` had not run
    assert sorted(loaded & {"networkx", "vosk", "numpy", "httpx", "sqlite_utils", "argon2", "pyttsx3"}) == []
