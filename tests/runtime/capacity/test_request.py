"""A load run asked for in JSON, as the flow service will ask for it: the same run the command line makes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.flowlang.registry import default_registry
from callflow.runtime.capacity.commands import load as load_command
from callflow.runtime.capacity.request import LoadRequestError, spec_from_request
from callflow.runtime.capacity.run import run_load
from callflow.runtime.flows import FlowLibrary

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def hotline(body: dict[str, Any]) -> Any:
    """The hotline run a request body asks for."""
    flow = load_file(EXAMPLES / "hotline_12345.flow").flow
    assert flow is not None
    return spec_from_request(
        body,
        flow=flow,
        environment=load_environment(EXAMPLES / "callflow.toml"),
        flows=FlowLibrary(EXAMPLES, default_registry()),
        directory=EXAMPLES,
    )


BODY: dict[str, Any] = {
    "arrivals": [{"start": "10:00", "calls": 300}, {"start": "10:30", "calls": 320}],
    "start": "2026-11-23",
    "agents": {"hotline": [12, 13], "hotline-local": 5},
    "aht": {"*": 240, "hotline-local": 200},
    "patience": 120,
    "callers": {"callers": [{"weight": 3, "input": ["dtmf:1"], "from": "0571########"}, {"weight": 1}]},
    "seed": 4,
    "traces": 2,
}


def test_a_json_request_makes_the_same_run_as_the_command_line(tmp_path: Path) -> None:
    """The service's body and the command's options give the same figures, byte for byte."""
    by_request = run_load(hotline(BODY)).to_json()
    profile, mix, staffing = tmp_path / "p.csv", tmp_path / "m.yaml", tmp_path / "s.csv"
    profile.write_text("start,calls\n10:00,300\n10:30,320\n", encoding="utf-8")
    mix.write_text(json.dumps(BODY["callers"]), encoding="utf-8")  # JSON is YAML
    staffing.write_text("start,hotline,hotline-local\n10:00,12,5\n10:30,13,5\n", encoding="utf-8")
    arguments = [
        "--arrivals",
        str(profile),
        "--start",
        "2026-11-23",
        "--staffing",
        str(staffing),
        "--aht",
        "240,hotline-local=200",
        "--patience",
        "120",
        "--callers",
        str(mix),
        "--seed",
        "4",
        "--format",
        "json",
    ]
    result = CliRunner().invoke(load_command, [str(EXAMPLES / "hotline_12345.flow"), *arguments])
    assert result.exit_code == 0, result.output
    by_command = json.loads(result.output)
    by_request["asked"]["queues"]["hotline-local"]["agents"] = 5  # the file repeats the count; the body gives it once
    assert {k: v for k, v in by_command.items() if k not in ("asked", "traces")} == {
        k: v for k, v in by_request.items() if k not in ("asked", "traces")
    }
    assert len(by_request["traces"]) == 2 and by_request["traces"][0]["events"][0]["event"] == "start"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "blue"}, "unknown fields colour"),
        ({"calls_per_hour": 600}, "give either calls_per_hour"),
        ({"agents": {"hotline": 3}}, "waits in hotline-local: give their agents"),
        ({"agents": {"hotline": [1, 2, 3], "hotline-local": 1}}, "agents of hotline: a count, or one per interval"),
        ({"agents": {"hotline": -1, "hotline-local": 1}}, "agents of hotline: -1 is not a whole number"),
        ({"aht": {"hotline": 240}}, "aht gives no handling time for queue hotline-local"),
        ({"aht": "slow"}, "aht: 'slow' is not a number"),
        ({"patience": 0}, "patience: the mean must be a positive number"),
        ({"seed": "one"}, "seed: 'one' is not a whole number"),
        ({"limit": 1e9}, "a call's time limit is above 0 and at most a day"),
        ({"switches": {"emergency": "yes"}}, "switches: a mapping of switch names to true or false"),
        ({"arrivals": [{"start": "10:00", "calls": "many"}]}, r"arrivals\[0\]: 'many' is not a number of calls"),
        ({"callers": {"callers": [{"weight": 0}]}}, "`weight` must be a finite number above 0"),
        ({"target": "most"}, "target: `most` is not a service-level target"),
    ],
)
def test_a_request_that_cannot_be_run_names_its_field(change: dict[str, Any], message: str) -> None:
    """Every field is checked, and the message says which and why."""
    with pytest.raises(LoadRequestError, match=message):
        hotline({**BODY, **change})
