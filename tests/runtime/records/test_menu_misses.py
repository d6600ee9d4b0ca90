"""A menu's silences and wrong keys are counted from its own events, so a menu without sorry prompts counts them
too (they used to be counted from the sorry prompts it played)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.call_record import CallOrigin
from callflow.runtime.recorder import NullRecorder
from callflow.runtime.simulator.run import Simulator
from callflow.runtime.simulator.script import parse_script

FLOW = """flow plain
  languages en

prompt choose
  en "Press 1 or 2."

prompt bye
  en "Goodbye."

main: menu choose
  max_no_input 3
  max_no_match 3
  key 1  -> done
  key 2  -> done
  failed -> done

done: say bye -> end

end: hangup
"""


def menu_rows(tmp_path: Path, steps: list[str]) -> list[dict[str, object]]:
    """The menu rows of one call of the plain menu, its caller taking `steps`."""
    (tmp_path / "plain.flow").write_text(FLOW, encoding="utf-8")
    (tmp_path / "callflow.toml").write_text("", encoding="utf-8")
    loaded = load_file(tmp_path / "plain.flow")
    assert loaded.ok and loaded.flow is not None, [p.render() for p in loaded.problems]
    recorder = NullRecorder()
    origin = CallOrigin("default", "plain", 1, "simulated")
    simulator = Simulator(load_environment(tmp_path / "callflow.toml"), tmp_path, recorder=recorder, origin=origin)
    try:
        at = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
        asyncio.run(simulator.call(loaded.flow, parse_script(steps), at=at))
    finally:
        simulator.close()
    (record,) = recorder.ended
    return list(record["menu_choices"])


def test_a_menu_without_sorry_prompts_counts_a_silence_and_a_wrong_key(tmp_path: Path) -> None:
    """Silent once, then 7, then 1: the pass takes `key 1` with one silence and one wrong key."""
    rows = menu_rows(tmp_path, ["wait:10", "dtmf:7", "dtmf:1"])
    assert rows == [{"node": "main", "choice": "key 1", "no_input": 1, "no_match": 1}]


def test_a_menu_that_fails_counts_every_miss_including_the_last(tmp_path: Path) -> None:
    """Three wrong keys: two asked again after, the third fails the menu; all three are counted."""
    rows = menu_rows(tmp_path, ["dtmf:7", "dtmf:8", "dtmf:9"])
    assert rows == [{"node": "main", "choice": "failed", "no_input": 0, "no_match": 3}]
