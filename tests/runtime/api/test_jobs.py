"""Capacity simulations through the API: a job that runs a day of callers through a flow, followed to its end."""

from __future__ import annotations

import time
from typing import Any

from service import Api

CALLERS = {
    "callers": [
        {"weight": 3, "input": ["dtmf:1"]},
        {"weight": 1, "input": ["dtmf:2", "dtmf:1", "dtmf:20261001#", "hangup"]},
    ]
}
DAY = {
    "calls_per_hour": 120,
    "duration": "1h",
    "start": "2026-11-23T10:00",
    "agents": {"hotline": 3, "hotline-local": 1},
    "aht": 120,
    "patience": 300,
    "callers": CALLERS,
    "seed": 7,
}
DEADLINE_S = 300.0
"""Generous: the machine may be busy with other work."""


def finished(api: Api, job_id: str) -> dict[str, Any]:
    """The job once it has ended."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        job: dict[str, Any] = api.get(f"/api/jobs/{job_id}").json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.05)
    raise TimeoutError(f"job {job_id} did not end")


def test_a_day_of_callers_runs_as_a_job_with_figures_and_a_report(api: Api) -> None:
    """The job reports its progress, ends with the day's figures, and draws them on a page."""
    started = api.post("/api/flows/hotline_12345/load", "editor", json=DAY)
    assert started.status_code == 202, started.text
    job = finished(api, started.json()["id"])
    assert job["status"] == "done", job
    result = job["result"]
    assert result["flow"] == "hotline_12345"
    assert sum(result["calls"]["outcomes"].values()) == result["calls"]["arrived"]
    assert "hotline" in result["queues"]
    page = api.get(f"/api/jobs/{job['id']}/report.html", "viewer")
    assert page.status_code == 200 and "<svg" in page.text
    listed = api.get("/api/jobs", "viewer").json()["jobs"]
    assert [(j["id"], j["flow"]) for j in listed] == [(job["id"], "hotline_12345")]


def test_the_draft_compared_with_the_published_version(api: Api) -> None:
    """The same callers through two versions, with the difference in every figure."""
    api.post("/api/flows/hotline_12345/publish", json={})
    started = api.post("/api/flows/hotline_12345/load", json={**DAY, "compare_with": 1})
    job = finished(api, started.json()["id"])
    assert job["status"] == "done", job
    assert set(job["result"]) == {"first", "second", "difference"}


def test_a_bad_day_is_refused_at_once_and_jobs_stay_in_their_tenant(api: Api) -> None:
    """A request that cannot run is a 422 before any job starts; another tenant's job is not found."""
    refused = api.post("/api/flows/hotline_12345/load", json={**DAY, "agents": {"nowhere": 3}})
    assert refused.status_code == 422
    assert api.post("/api/flows/hotline_12345/load", "viewer", json=DAY).status_code == 403
    started = api.post("/api/flows/hotline_12345/load", json=DAY).json()
    assert api.get(f"/api/jobs/{started['id']}", "other").status_code == 404
    assert api.request("DELETE", f"/api/jobs/{started['id']}").status_code == 204
    assert finished(api, started["id"])["status"] in ("cancelled", "done")
