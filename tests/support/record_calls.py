"""A small set of hotline calls whose report numbers are worked out by hand (tests/runtime/records/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.call_record import CallOrigin
from callflow.runtime.recorder import Recorder
from callflow.runtime.simulator.run import Simulator, moment
from callflow.runtime.simulator.script import parse_script

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@dataclass(frozen=True)
class HandCall:
    """One call: when (Asia/Shanghai), from whom, what the caller does, the switches."""

    name: str
    at: str
    caller: str
    steps: tuple[str, ...]
    switches: dict[str, bool] = field(default_factory=dict)


CALLS = (
    # Monday 2026-11-23, working hours
    HandCall("A local caller waits 15 s for an agent, rates 1", "2026-11-23T10:00", "057188880001",
             ("dtmf:1", "agent:15", "agent-hangup:60", "dtmf:1")),
    HandCall("B mobile caller waits 30 s for an agent, rates 3", "2026-11-23T10:20", "13800000002",
             ("dtmf:1", "agent:30", "agent-hangup:60", "dtmf:3")),
    HandCall("C presses a wrong key and hangs up", "2026-11-23T10:40", "01012345678", ("dtmf:5", "hangup")),
    HandCall("D leaves a message for the mayor", "2026-11-23T11:05", "13800000004",
             ("dtmf:3", "say:路灯坏了请派人修理", "dtmf:#")),
    # Tuesday 2026-11-24
    HandCall("E calls after hours and leaves a message", "2026-11-24T18:00", "13800000005",
             ("say:小区门口的路灯坏了", "dtmf:#")),
    HandCall("F calls while the emergency switch is on", "2026-11-24T10:00", "+8657188880006", (),
             {"emergency": True}),
    HandCall("G hears the policy information and hangs up", "2026-11-24T10:30", "13800000007",
             ("dtmf:2", "dtmf:2", "hangup")),
    HandCall("H hangs up after 45 s waiting for an agent", "2026-11-24T11:00", "13800000008",
             ("dtmf:1", "wait:45", "hangup")),
    HandCall("I says nothing, hears the menu again, and hangs up", "2026-11-24T16:00", "13800000009",
             ("wait:10", "wait:10", "wait:10", "hangup")),
)  # fmt: skip


def record_hand_calls(recorder: Recorder, tenant: str = "default", version: int = 1) -> None:
    """Simulate the calls of `CALLS` through the hotline, their records going to `recorder`."""
    environment = load_environment(EXAMPLES / "callflow.toml")
    loaded = load_file(EXAMPLES / "hotline_12345.flow")
    assert loaded.flow is not None
    origin = CallOrigin(tenant, "hotline_12345", version, "live")
    simulator = Simulator(environment, EXAMPLES, recorder=recorder, origin=origin)
    try:
        for call in CALLS:
            simulator.run(
                loaded.flow,
                parse_script(list(call.steps)),
                at=moment(call.at, environment),
                caller=call.caller,
                switches=call.switches,
            )
    finally:
        simulator.close()
