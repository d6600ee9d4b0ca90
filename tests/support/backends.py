"""Making a `Backend`: the AMI test server started on this loop, or the real Asterisk of `CALLFLOW_AMI_URL`."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

from line import Backend

from callflow.runtime.asterisk import tones
from callflow.runtime.asterisk.address import AmiAddress
from callflow.runtime.asterisk.dialplan import TEST_CALLER_CONTEXT, TEST_SAY_EXTEN, TEST_SILENCE_S, test_caller_says

SECRET = "e2e-secret"
TIME_SCALE = 0.05
"""The test server runs its model of a call at this fraction of real time (bytes and order do not change)."""


@contextlib.asynccontextmanager
async def backend(kind: str, prompts: Path, *, time_scale: float = TIME_SCALE) -> AsyncIterator[Backend]:
    """The calls' other end for one test."""
    if kind == "live":
        address = AmiAddress.parse(os.environ["CALLFLOW_AMI_URL"])
        yield Backend("live", address, "callflow-test-caller", prompts)
        return
    from ami_channels import CallScript
    from ami_server import AmiServer

    # the test caller as `callflow asterisk-config --test` prints it: after speaking, Callflow's own silence
    silence = tones.silence(prompts, TEST_SILENCE_S).with_suffix("")
    say = {(TEST_CALLER_CONTEXT, TEST_SAY_EXTEN): CallScript.of(*test_caller_says(str(silence)))}
    async with AmiServer(secret=SECRET, time_scale=time_scale, call_scripts=say) as server:
        address = AmiAddress("127.0.0.1", server.port, "callflow", SECRET)
        yield Backend("server", address, "caller-live", prompts, server)
        refused = [*server.unrecorded, *server.unrecorded_commands]
        assert refused == [], f"the test relied on behaviour no recording shows: {refused}"
