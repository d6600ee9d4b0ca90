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
