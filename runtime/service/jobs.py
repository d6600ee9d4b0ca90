"""Long work asked for over HTTP (a day of callers through a flow): run in a worker thread, followed by its
progress, cancelled on request, its result kept for a while."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from callflow.flowlang.errors import FlowError

WORKERS = 1
"""Jobs run one at a time: each takes a whole CPU, and the service must keep answering its editors."""

KEPT = 20
"""Finished jobs kept (oldest dropped first)."""

Progress = Callable[[float, int], None]


class Cancelled(Exception):
    """Raised inside a job's progress callback when it was cancelled."""


@dataclass
class Job:
    """One piece of long work."""

    id: str
    tenant_id: int
    kind: str
    owner: str
    flow: str | None = None
    """The flow it works on, so that a flow's page can list its jobs."""
    status: str = "queued"
    progress: float = 0.0
    calls: int = 0
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    result: Any = None
    report: Any = None
    error: str | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)

    def to_json(self, with_result: bool = True) -> dict[str, Any]:
        """As the API answers."""
        data = {
            "id": self.id,
            "kind": self.kind,
            "owner": self.owner,
            "flow": self.flow,
            "status": self.status,
            "progress": round(self.progress, 4),
            "calls": self.calls,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
            "error": self.error,
        }
        if with_result and self.status == "done":
            data["result"] = self.result
        return data


Work = Callable[[Progress], tuple[Any, Any]]
"""A job's work: given a progress callback, its JSON result and what its report is drawn from."""


class Jobs:
    """The jobs of one process."""

    def __init__(self, workers: int = WORKERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="callflow-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, tenant_id: int, kind: str, owner: str, work: Work, flow: str | None = None) -> Job:
        """Queue a job (on `flow`, when it works on one)."""
        job = Job(secrets.token_hex(8), tenant_id, kind, owner, flow)
        with self._lock:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.finished_at is not None]
            for old in finished[: max(0, len(finished) - KEPT)]:
                del self._jobs[old.id]
        self._pool.submit(self._run, job, work)
        return job

    def get(self, tenant_id: int, job_id: str) -> Job | None:
        """A job of a tenant."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.tenant_id == tenant_id else None

    def all(self, tenant_id: int) -> list[Job]:
        """A tenant's jobs, newest first."""
        with self._lock:
            return [j for j in reversed(self._jobs.values()) if j.tenant_id == tenant_id]

    def cancel(self, job: Job) -> None:
        """Ask a job to stop (it stops at its next progress report)."""
        job.cancelled.set()
        if job.status == "queued":
            job.status, job.finished_at = "cancelled", time.time()

    def close(self) -> None:
        """Stop taking jobs; cancel those queued or running."""
        with self._lock:
            for job in self._jobs.values():
                job.cancelled.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _run(job: Job, work: Work) -> None:
        if job.cancelled.is_set():
            return
        job.status = "running"

        def progress(share: float, calls: int) -> None:
            if job.cancelled.is_set():
                raise Cancelled
            job.progress, job.calls = share, calls

        try:
            job.result, job.report = work(progress)
            job.status, job.progress = "done", 1.0
        except Cancelled:
            job.status = "cancelled"
        except (FlowError, ValueError) as error:
            job.status, job.error = "failed", str(error)
        except Exception as error:  # a job's failure is its own, never the service's
            job.status, job.error = "failed", f"{type(error).__name__}: {error}"
        finally:
            job.finished_at = time.time()
