"""`callflow serve` as a real process on a free loopback port, for tests that need a real socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

START_DEADLINE_S = 120.0
"""Generous: the machine may be busy with other work (CI shares its CPUs)."""


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """A `callflow serve` process over a data folder."""

    def __init__(self, data: Path, password: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        callflow = Path(sys.executable).parent / "callflow"
        environment = {**os.environ, "CALLFLOW_ADMIN_PASSWORD": password}
        self.process = subprocess.Popen(
            [str(callflow), "serve", "--port", str(self.port), "--data", str(data)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_DEADLINE_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"callflow serve ended: {self.process.stderr.read().decode() if self.process.stderr else ''}"
                )
            try:
                if httpx.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise TimeoutError(f"callflow serve did not answer on {self.url}")

    def kill(self) -> None:
        """`kill -9`: no chance to finish anything."""
        self.process.kill()
        self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()

    def stop(self) -> None:
        """Stop it politely."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()
