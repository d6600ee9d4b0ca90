"""The flow library: flows by name from a folder, read once and again only when their file changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from callflow.flowlang.registry import default_registry
from callflow.runtime.flows import FlowLibrary
from callflow.runtime.signals import RuntimeFailure

GREETING = """flow greeting
  languages en

var outcome = "hello"

start: set outcome = "hello" -> done

done: return ok
"""


def library(folder: Path) -> FlowLibrary:
    return FlowLibrary(folder, default_registry())


def test_every_flow_of_the_folder_is_named_once(tmp_path: Path) -> None:
    (tmp_path / "greeting.flow").write_text(GREETING, encoding="utf-8")
    (tmp_path / "other.flow.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a flow", encoding="utf-8")
    assert library(tmp_path).names() == ["greeting", "other"]


def test_cached_never_parses_and_sees_a_changed_file(tmp_path: Path) -> None:
    path = tmp_path / "greeting.flow"
    path.write_text(GREETING, encoding="utf-8")
    flows = library(tmp_path)
    assert flows.cached("greeting") is None  # not read yet
    first = flows.get("greeting")
    assert flows.cached("greeting") is first
    path.write_text(GREETING.replace('"hello"', '"hi"'), encoding="utf-8")
    later = path.stat().st_mtime_ns + 1_000_000
    os.utime(path, ns=(later, later))
    assert flows.cached("greeting") is None  # changed since: the next `get` reads it again
    assert flows.get("greeting") is not first
    assert flows.cached("missing") is None


def test_a_missing_flow_is_a_runtime_failure(tmp_path: Path) -> None:
    with pytest.raises(RuntimeFailure, match="there is no flow `missing`"):
        library(tmp_path).get("missing")
