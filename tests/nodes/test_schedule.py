"""The `schedule` node type: route by business hours."""

from __future__ import annotations

from pathlib import Path

from flowtools import FlowTools

from callflow.flowlang.check import check_flow
from callflow.flowlang.environment import load_environment
from callflow.flowlang.registry import Registry
from callflow.nodes import hangup, say, schedule

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (schedule, say, hangup)})
EXAMPLES = Path(__file__).parents[2] / "examples"


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

prompt welcome
  en "Welcome."

prompt closed
  en "Our office is now closed."

prompt holiday
  en "Happy holidays."

hours: schedule working_hours
  open    -> greet
  closed  -> after_hours
  holiday -> holidays

greet: say welcome -> bye

after_hours: say closed -> bye

holidays: say holiday -> bye

bye: hangup
"""


def test_schedule_parses_and_round_trips() -> None:
    """A schedule node with its three outcomes loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)
    assert load(VALID).nodes[0].params == {"schedule": "working_hours"}


def test_schedule_holiday_exit_is_optional() -> None:
    """Without a `holiday` exit, holidays take the `closed` exit."""
    text = VALID.replace("  holiday -> holidays\n", "").replace("\nholidays: say holiday -> bye\n", "")
    text = text.replace('\nprompt holiday\n  en "Happy holidays."\n', "")
    assert problems(text) == []
    assert REGISTRY["schedule"].exit("holiday").otherwise == "closed"


def test_schedule_without_closed_is_reported() -> None:
    """A schedule node must say where calls go outside working hours."""
    text = VALID.replace("  closed  -> after_hours\n", "")
    assert ("E109", "exit `closed` of `hours` leads nowhere; add `closed -> node_id`", 13) in problems(text)


def test_schedule_has_no_single_next_step() -> None:
    """A schedule's outcomes are written on their own lines."""
    text = VALID.replace("hours: schedule working_hours", "hours: schedule working_hours -> greet")
    assert ("E107", "`schedule` has no single next step; write its exits on their own lines", 13) in problems(text)


def test_schedule_needs_a_schedule_name() -> None:
    """The schedule is named, not quoted."""
    text = VALID.replace("schedule working_hours", 'schedule "working_hours"')
    assert ("E103", 'expected a schedule name, found `"working_hours"`', 13) in problems(text)


def test_schedule_is_checked_against_the_environment() -> None:
    """The schedule must be defined in `callflow.toml`; a close name is suggested."""
    environment = load_environment(EXAMPLES / "callflow.toml")
    assert check_flow(load(VALID), registry=REGISTRY, environment=environment) == []
    flow = load(VALID.replace("schedule working_hours", "schedule working_hour"))
    found = check_flow(flow, registry=REGISTRY, environment=environment)
    message = (
        "`hours` uses schedule `working_hour`, which `callflow.toml` does not define; did you mean `working_hours`?"
    )
    assert [(p.code.id, p.message, p.location.line) for p in found] == [("E401", message, 13)]
