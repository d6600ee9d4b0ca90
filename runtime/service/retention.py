"""Each tenant's retention applied on its own: `callflow serve` prunes old call records on a schedule.

The schedule is a cron expression (`croniter`), read in each tenant's time zone (its environment's): by default
`30 3 * * *`, 03:30 where the tenant's callers are, a quiet hour. Every tenant with a retention is pruned when the
service starts, then at each time the schedule names. Pruning goes in small batches (`runtime/store/pruning.py`)
so calls being recorded and reports being read never wait for it; each tenant's prune is logged and kept
(`prune_runs`) for the API.

One process prunes a data folder at a time: a prune holds an exclusive lock on `records.db.prune.lock` (`flock`),
which `callflow records prune` waits for and a second service skips (the one holding it does the work).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from croniter import croniter

from callflow.runtime.service.records import RecordBook
from callflow.runtime.store import call_reads
from callflow.runtime.store.pruning import BATCH, PAUSE_S, Pruned, PruneRun, keep_run, prune_before

if TYPE_CHECKING:
    from callflow.runtime.service.core import Service

log = logging.getLogger(__name__)

DEFAULT_SCHEDULE = "30 3 * * *"
"""When `callflow serve` prunes: every day at 03:30 in each tenant's time zone."""

LOCK_FILE = "records.db.prune.lock"

LONGEST_SLEEP_S = 3600.0
"""The scheduler wakes at least this often (a tenant given a retention meanwhile is scheduled then)."""


def check_schedule(schedule: str) -> str:
    """The schedule, or ValueError saying why it is not a cron expression."""
    if not croniter.is_valid(schedule) or len(schedule.split()) != 5:
        raise ValueError(f"{schedule!r} is not a cron expression of five fields such as `30 3 * * *`")
    return schedule


@contextlib.contextmanager
def prune_lock(data: Path, *, wait: bool) -> Iterator[bool]:
    """The data folder's prune lock: whether it is held (with `wait`, always, once the other holder is done)."""
    with (data / LOCK_FILE).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class PruneStopped(Exception):
    """The service is stopping: a prune ends after the batch it was writing (the rest is pruned next time)."""


def prune_tenant(
    book: RecordBook,
    tenant: str,
    before_day: str,
    now: datetime,
    *,
    batch: int = BATCH,
    pause: Callable[[], None] = lambda: time.sleep(PAUSE_S),
) -> PruneRun:
    """Prune one tenant's records before a local day, keep the run for the API and log it (the lock held)."""
    connection = book.connection()
    pruned: Pruned = prune_before(connection, book.data, before_day, tenant, batch=batch, pause=pause)
    at = now.astimezone(UTC).isoformat(timespec="seconds")
    run = PruneRun(tenant, at, before_day, pruned.calls, pruned.messages, pruned.files)
    keep_run(connection, run)
    log.info(
        "records of tenant %s before %s pruned: %d call(s), %d voicemail message(s), %d audio file(s)",
        tenant, before_day, pruned.calls, pruned.messages, pruned.files,
    )  # fmt: skip
    return run


class Retention:
    """The tenants' retention on a schedule: which tenants are due at a moment, and their prune."""

    def __init__(
        self,
        book: RecordBook,
        timezone_of: Callable[[str], str],
        schedule: str = DEFAULT_SCHEDULE,
        *,
        batch: int = BATCH,
        pause: Callable[[], None] = lambda: time.sleep(PAUSE_S),
    ) -> None:
        """`pause` runs between two batches (it may raise `PruneStopped`)."""
        self.book = book
        self.pause = pause
        self.timezone_of = timezone_of
        self.schedule = check_schedule(schedule)
        self.batch = batch
        self._next: dict[str, datetime] = {}
        self._started = False

    def next_after(self, tenant: str, moment: datetime) -> datetime:
        """The schedule's next time after `moment`, in the tenant's time zone."""
        local = moment.astimezone(_zone(self.timezone_of(tenant)))
        following: datetime = croniter(self.schedule, local).get_next(datetime)
        return following

    def next_due(self) -> datetime | None:
        """The earliest time a tenant is due next (None before the first pass, or with no retention set)."""
        return min(self._next.values(), default=None)

    def next_for(self, tenant: str) -> datetime | None:
        """When a tenant is due next, as this schedule knows it."""
        return self._next.get(tenant)

    def run_due(self, now: datetime) -> list[PruneRun]:
        """Prune every tenant that is due at `now`: all tenants with a retention on the first pass (the start), then
        each at its schedule's times. A tenant given a retention since is scheduled, not pruned at once."""
        kept = call_reads.retention(self.book.connection())
        first = not self._started
        self._started = True
        due = [t for t in kept if first or self._next.get(t, now + _FOREVER) <= now]
        for tenant in kept:
            if tenant not in self._next and tenant not in due:
                self._next[tenant] = self.next_after(tenant, now)
        for tenant in list(self._next):
            if tenant not in kept:
                del self._next[tenant]  # its retention was taken away: kept for ever
        if not due:
            return []
        runs: list[PruneRun] = []
        with prune_lock(self.book.data, wait=False) as held:
            if not held:
                log.info("records: another process is pruning %s; this one skips its turn", self.book.data)
            for tenant in due:
                self._next[tenant] = self.next_after(tenant, now)  # a prune that fails is tried again then
                if held:
                    today = now.astimezone(_zone(self.timezone_of(tenant))).date()
                    before = (today - timedelta(days=kept[tenant])).isoformat()
                    runs.append(prune_tenant(self.book, tenant, before, now, batch=self.batch, pause=self.pause))
        return runs


_FOREVER = timedelta(days=365_000)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, OSError):
        return ZoneInfo("UTC")


def tenant_timezone(service: Service) -> Callable[[str], str]:
    """A tenant's time zone by its name (its environment's; UTC when it has none that can be read)."""

    def timezone_of(tenant: str) -> str:
        try:
            return service.workspace_named(tenant).environment().timezone
        except Exception:  # an unknown tenant (records of a folder copied elsewhere), an environment in error
            return "UTC"

    return timezone_of


def utc_now() -> datetime:
    """The time now (UTC)."""
    return datetime.now(UTC)


class RetentionWorker:
    """A thread that runs `Retention` at its times until stopped; `now` and `wait` injectable (a virtual clock)."""

    def __init__(
        self,
        retention: Retention,
        *,
        now: Callable[[], datetime] = utc_now,
        wait: Callable[[threading.Event, float], bool] | None = None,
    ) -> None:
        self.retention = retention
        self._now = now
        self._wait = wait or (lambda stop, seconds: stop.wait(seconds))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, name="callflow-retention", daemon=True)
        between_batches = retention.pause

        def pause() -> None:
            if self._stop.is_set():
                raise PruneStopped
            between_batches()

        retention.pause = pause

    def start(self) -> None:
        """Prune the tenants with a retention now, then at the schedule's times."""
        self._thread.start()

    def run(self) -> None:
        """The loop (the thread's; a test may call it on a virtual clock)."""
        try:
            while not self._stop.is_set():
                try:
                    self.retention.run_due(self._now())
                except PruneStopped:
                    return
                except Exception:  # a full disk, a locked file: said, and tried again at the next time
                    log.exception("records: the scheduled prune failed")
                due = self.retention.next_due()
                seconds = LONGEST_SLEEP_S if due is None else (due - self._now()).total_seconds()
                if self._wait(self._stop, min(max(seconds, 1.0), LONGEST_SLEEP_S)):
                    return
        finally:
            self.retention.book.release()

    def stop(self) -> None:
        """Stop (a prune under way ends its batch first)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
