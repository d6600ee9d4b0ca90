"""The end-to-end tests run each scenario twice: against the AMI test server, and (marked `live`) against the real
Asterisk that `CALLFLOW_AMI_URL` points to, skipped with that reason when it is not set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def prompts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The prompt cache the driver renders into (shared by the tests, so each prompt is synthesised once).

    A live Asterisk must read it: `CALLFLOW_PROMPTS` names a folder it can read when it runs elsewhere."""
    return Path(os.environ.get("CALLFLOW_PROMPTS") or tmp_path_factory.mktemp("prompts")).resolve()


@pytest.fixture(params=["server", pytest.param("live", marks=pytest.mark.live)])
def kind(request: pytest.FixtureRequest) -> str:
    """`server` (the AMI test server) or `live` (a real Asterisk)."""
    if request.param == "live" and not os.environ.get("CALLFLOW_AMI_URL"):
        pytest.skip("no real Asterisk: set CALLFLOW_AMI_URL=ami://USER:SECRET@HOST:PORT (docs/asterisk.md)")
    return str(request.param)


@pytest.fixture
def live() -> str:
    """For scenarios only a real Asterisk can run (its dialplan): skipped unless `CALLFLOW_AMI_URL` is set."""
    if not os.environ.get("CALLFLOW_AMI_URL"):
        pytest.skip("no real Asterisk: set CALLFLOW_AMI_URL=ami://USER:SECRET@HOST:PORT (docs/asterisk.md)")
    return "live"
