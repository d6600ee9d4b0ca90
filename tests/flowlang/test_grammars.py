"""The parsers lark builds from the grammars, kept between processes in the user's cache."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from callflow.flowlang.grammars import CACHE_VARIABLE, parser_cache

HOTLINE = Path(__file__).parents[2] / "examples" / "hotline_12345.flow"


def test_the_parsers_are_kept_in_a_folder_only_their_user_may_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By default the built parsers go to `$XDG_CACHE_HOME/callflow`, made private: lark reads them with pickle."""
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    file = parser_cache("flow")
    assert file == str(tmp_path / "cache" / "callflow" / "flow.lark-parser")
    assert stat.S_IMODE((tmp_path / "cache" / "callflow").stat().st_mode) == 0o700


def test_the_cache_can_be_moved_or_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`CALLFLOW_PARSER_CACHE=DIR` keeps the parsers in DIR; `off` builds them in every process."""
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "parsers"))
    assert parser_cache("expression") == str(tmp_path / "parsers" / "expression.lark-parser")
    monkeypatch.setenv(CACHE_VARIABLE, "off")
    assert parser_cache("expression") is False


def test_no_cache_where_no_folder_can_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache folder that cannot be made (a file in its place) means no cache, not an error."""
    (tmp_path / "taken").write_text("a file, not a folder")
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "taken" / "parsers"))
    assert parser_cache("flow") is False


def test_a_flow_checked_with_cached_parsers_checks_as_with_fresh_ones(tmp_path: Path) -> None:
    """The first process builds the parsers and keeps them; the next loads them, and reads and checks a flow
    exactly as a process that builds its own."""

    def check(cache: str) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, CACHE_VARIABLE: cache}
        command = [sys.executable, "-c", "from callflow.flowlang.cli import main; main()", "check", "--format", "json"]
        return subprocess.run([*command, str(HOTLINE)], capture_output=True, text=True, env=environment, timeout=120)

    folder = tmp_path / "parsers"
    building = check(str(folder))
    assert sorted(p.name for p in folder.iterdir()) == ["expression.lark-parser", "flow-building.lark-parser"]
    loading = check(str(folder))
    fresh = check("off")
    assert (
        (building.returncode, building.stdout)
        == (loading.returncode, loading.stdout)
        == (
            fresh.returncode,
            fresh.stdout,
        )
    )
    assert '"errors": 0' in fresh.stdout
