"""Each live call's trace, written to `DIR/<call id>.jsonl` as it happens, without a file held open per call.

A call's events are queued as JSON lines; one writer thread appends them, opening each file only for the moment
it writes (so a thousand calls cost no descriptors, and the event loop never waits for a disk). When a file cannot
be written (no descriptor left, a full disk), the lines are kept and tried again, and the failure is logged (once
a minute per kind of failure): a trace is late, never lost while the process lives.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from callflow.runtime.trace import to_json_line

log = logging.getLogger(__name__)


class _Stop:
    """Queued by `close`: write what is left, then end."""


Item = tuple[str, str] | Future[None] | _Stop
"""(call id, line) to append; a marker to resolve once everything before it is written; the end."""

RETRY_S = 0.5
"""How long the writer waits before trying a failed write again."""
REPORT_EVERY_S = 60.0


class TraceFiles:
    """The trace files of a folder, written by one thread; `close` writes what is left and stops it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._queue: queue.SimpleQueue[Item] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._reported: dict[str, float] = {}

    def sink(self, call_id: str) -> Callable[[dict[str, Any]], None]:
        """What the call's tracer hands each event to."""
        self._start()
        put = self._queue.put

        def write(event: dict[str, Any]) -> None:
            put((call_id, to_json_line(event) + "\n"))

        return write

    async def written(self) -> None:
        """Wait until every event queued so far is in its file."""
        if self._thread is None:
            return
        marker: Future[None] = Future()
        self._queue.put(marker)
        await asyncio.wrap_future(marker)

    def close(self) -> None:
        """Write what is queued (as far as it can be) and stop the writer."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(_Stop())
            thread.join()

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="trace-writer", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        pending: dict[str, list[str]] = defaultdict(list)
        markers: list[Future[None]] = []
        stopping = False
        while not stopping or pending:
            item = self._queue.get() if not pending else self._next(RETRY_S)
            while item is not None:
                if isinstance(item, _Stop):
                    stopping = True
                elif isinstance(item, Future):
                    markers.append(item)
                else:
                    pending[item[0]].append(item[1])
                item = self._next(0)
            for call_id in list(pending):
                if self._append(call_id, pending[call_id]):
                    del pending[call_id]
            if not pending or stopping:
                for marker in markers:
                    if marker.set_running_or_notify_cancel():  # False: the waiter gave up (and cancelled it)
                        marker.set_result(None)
                markers.clear()
            if stopping and pending:
                self._report("traces not written at exit", f"{len(pending)} calls' events are lost")
                return

    def _next(self, wait_s: float) -> Item | None:
        """The next queued item, or None when none comes within `wait_s`."""
        try:
            return self._queue.get(timeout=wait_s) if wait_s else self._queue.get_nowait()
        except queue.Empty:
            return None

    def _append(self, call_id: str, lines: list[str]) -> bool:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with (self.folder / f"{call_id}.jsonl").open("a", encoding="utf-8") as file:
                file.write("".join(lines))
        except OSError as error:
            self._report(type(error).__name__ + str(error.errno), f"cannot write the trace of {call_id}: {error}")
            return False
        return True

    def _report(self, kind: str, message: str) -> None:
        now = time.monotonic()
        if now - self._reported.get(kind, -REPORT_EVERY_S) >= REPORT_EVERY_S:
            self._reported[kind] = now
            log.warning("%s (kept, tried again every %g s)", message, RETRY_S)
