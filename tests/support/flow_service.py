"""A real `callflow serve` for browser tests: a fresh data folder with the bundled examples imported, an admin,
an editor and a viewer, on a free loopback port; stopped (and its folder removed) when the test module ends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPOSITORY = Path(__file__).resolve().parents[2]
CALLFLOW = Path(sys.executable).parent / "callflow"
PASSWORDS = {"admin": "admin-password-1", "editor": "editor-password-1", "viewer": "viewer-password-1"}
START_DEADLINE_S = 60.0


@dataclass(frozen=True)
class FlowService:
    """A running service: where it answers and who can log in."""

    url: str
    data: Path
    passwords: dict[str, str]


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _callflow(data: Path, *args: str, stdin: str | None = None) -> None:
    environment = {**os.environ, "CALLFLOW_ADMIN_PASSWORD": PASSWORDS["admin"]}
    subprocess.run(
        [str(CALLFLOW), *args, "--data", str(data)],
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        env=environment,
        cwd=REPOSITORY,
    )


def _wait_until_up(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"callflow serve exited with {process.returncode}: {process.stderr.read() if process.stderr else ''}"
            )
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling for the port to open, not asserting on time
    raise RuntimeError(f"callflow serve did not answer at {url} within {START_DEADLINE_S} s")


@contextmanager
def running_service(data: Path, python_path: Path | None = None) -> Iterator[FlowService]:
    """Import the examples into `data`, add the users, serve it (with `python_path` on the server's PYTHONPATH, for
    packages installed beside Callflow); stop the server at the end."""
    _callflow(data, "import", str(REPOSITORY / "examples"))
    for role in ("editor", "viewer"):
        _callflow(data, "user", "add", role, "--role", role, "--password-stdin", stdin=PASSWORDS[role] + "\n")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(CALLFLOW), "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPOSITORY,
        env={**os.environ, "CALLFLOW_ADMIN_PASSWORD": PASSWORDS["admin"], **_python_path(python_path)},
    )
    try:
        _wait_until_up(url, process)
        yield FlowService(url, data, dict(PASSWORDS))
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _python_path(extra: Path | None) -> dict[str, str]:
    """The environment that puts `extra` first on the server's PYTHONPATH (nothing without it)."""
    if extra is None:
        return {}
    return {"PYTHONPATH": os.pathsep.join(p for p in (str(extra), os.environ.get("PYTHONPATH", "")) if p)}
