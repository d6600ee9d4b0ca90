"""Flows that wait in queue `nobody` (its one member rings and never answers), for the live-queue tests: two callers
hearing position announcements (`first`, `second`) and one waiting quietly (`quiet`); `callflow run`'s own tests
start the program (`CALLFLOW`) with the AMI test server's `SECRET`."""

from __future__ import annotations

import sys
from pathlib import Path

SECRET = "run-secret"
CALLFLOW = Path(sys.executable).parent / "callflow"

FLOW = """\
flow {name}
  languages en

prompt ahead
  en "{{queue.position}} ahead."

prompt leave_message
  en "To leave a message instead, press 1."

prompt sorry
  en "Nobody could take your call. Goodbye."

waiting: queue nobody
  position       ahead
  announce_every 10s
  offer          leave_message
  offer_after    {offer_after}s
  max_wait       {max_wait}s
  done           -> bye
  offer          -> bye
  timeout        -> bye

bye: say sorry -> end

end: hangup
"""
ENVIRONMENT = """\
timezone = "Asia/Shanghai"

[numbers]
7101 = "first"
7102 = "second"
7103 = "quiet"

[queues.nobody]
"""
QUIET = """\
flow {name}
  languages en

prompt sorry
  en "Nobody could take your call. Goodbye."

waiting: queue nobody
  max_wait {max_wait}s
  done     -> bye
  timeout  -> bye

bye: say sorry -> end

end: hangup
"""
"""A caller waiting quietly in queue `nobody` (no announcements) for `max_wait` seconds, then told goodbye."""
AHEAD = "{} ahead."
"""Short: the test server's model time runs on while the driver measures a prompt in real time (see TIME_SCALE)."""


def write_flows(folder: Path) -> Path:
    folder.mkdir()
    # first: at the head of the line (its member rings 15 s, and again after the 2 s retry), gives up after 18 s,
    # before its offer; second: one caller ahead until then
    (folder / "first.flow").write_text(FLOW.format(name="first", offer_after=60, max_wait=18), encoding="utf-8")
    (folder / "second.flow").write_text(FLOW.format(name="second", offer_after=25, max_wait=40), encoding="utf-8")
    # quiet: no announcements, 8 s in the queue
    (folder / "quiet.flow").write_text(QUIET.format(name="quiet", max_wait=8), encoding="utf-8")
    (folder / "callflow.toml").write_text(ENVIRONMENT, encoding="utf-8")
    return folder
