"""The service over a real socket: `callflow serve` started as a process, used as a browser and a script would."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from served import Served

from callflow.runtime.store.folder import DataFolder

PASSWORD = "a long admin password"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A fresh data folder, served."""
    server = Served(tmp_path / "data", PASSWORD)
    yield server
    server.stop()


def login(client: httpx.Client) -> None:
    answer = client.post("/api/login", json={"username": "admin", "password": PASSWORD})
    assert answer.status_code == 200, answer.text


def test_a_browser_session_over_a_real_socket(served: Served) -> None:
    """Log in, create a flow, read it as DSL, check it, publish it, log out."""
    with httpx.Client(base_url=served.url, headers={"Origin": served.url}) as client:
        login(client)
        assert client.cookies.get("callflow_session")
        created = client.post("/api/flows", json={"name": "welcome", "title": "Welcome line"})
        assert created.status_code == 201
        text = client.get("/api/flows/welcome", headers={"Accept": "text/x-callflow"}).text
        assert text.startswith("flow welcome\n")
        check = client.post("/api/flows/welcome/check", headers={"Content-Type": "application/json"})
        assert check.json()["errors"] == 0
        assert client.post("/api/flows/welcome/publish", json={"comment": "first"}).status_code == 201
        assert client.post("/api/logout", json={}).status_code == 204
        assert client.get("/api/flows").status_code == 401


def test_unknown_paths_and_methods_answer_in_json(served: Served) -> None:
    """An unknown API path is a JSON 404; a method a path does not have is a JSON 405 listing those it has."""
    with httpx.Client(base_url=served.url) as client:
        assert client.get("/api/nothing").json()["error"] == "not_found"
        wrong = client.request("PATCH", "/api/flows")
        assert wrong.status_code == 405 and set(wrong.headers["allow"].split(", ")) >= {"GET", "POST"}


def test_acknowledged_versions_survive_kill_9_during_a_burst_of_publishes(tmp_path: Path) -> None:
    """Every publish that was answered 201 is still there after `kill -9`, and the store is intact."""
    data = tmp_path / "data"
    server = Served(data, PASSWORD)
    acknowledged: list[tuple[str, int]] = []
    lock = threading.Lock()
    stop = threading.Event()
    with httpx.Client(base_url=server.url, headers={"Origin": server.url}) as client:
        login(client)
        cookies = dict(client.cookies)
        for index in range(4):
            assert client.post("/api/flows", json={"name": f"line_{index}"}).status_code == 201

    def publish(name: str) -> None:
        with httpx.Client(base_url=server.url, headers={"Origin": server.url}, cookies=cookies) as client:
            while not stop.is_set():
                try:
                    answer = client.post(f"/api/flows/{name}/publish", json={"comment": "burst"}, timeout=30)
                except httpx.TransportError:
                    return
                if answer.status_code == 201:
                    with lock:
                        acknowledged.append((name, answer.json()["version"]))

    workers = [threading.Thread(target=publish, args=(f"line_{i}",)) for i in range(4)]
    for worker in workers:
        worker.start()
    while True:
        with lock:
            if len(acknowledged) >= 40:
                break
        threading.Event().wait(0.05)
    server.kill()
    stop.set()
    for worker in workers:
        worker.join()
    folder = DataFolder(data)
    assert folder.database.integrity() == "ok"
    tenant = folder.tenants.get("default")
    for name, version in acknowledged:
        assert folder.versions.get(tenant.id, name, version).comment == "burst"
    published = {e.target for e in folder.audit.entries(tenant.id, limit=1000, action="flow.publish")}
    assert published == {name for name, _ in acknowledged}
