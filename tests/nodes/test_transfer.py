"""The `transfer` node type: hand the call to an allow-listed destination."""

from __future__ import annotations

from pathlib import Path

from flowtools import FlowTools

from callflow.flowlang.check import check_flow
from callflow.flowlang.environment import load_environment
from callflow.flowlang.registry import Registry
from callflow.nodes import hangup, say, transfer

REGISTRY = Registry({m.NODE.keyword: m.NODE for m in (transfer, say, hangup)})
EXAMPLES = Path(__file__).parents[2] / "examples"


TOOLS = FlowTools(REGISTRY)
load, problems, assert_round_trips = TOOLS.load, TOOLS.problems, TOOLS.assert_round_trips


VALID = """\
flow t
  languages en

prompt switching
  en "We are switching you to our emergency line."

prompt sorry
  en "Sorry, nobody can take your call."

out: transfer emergency
  ring      20s
  prompt    switching
  busy      -> apology
  no_answer -> apology
  failed    -> apology

apology: say sorry -> bye

bye: hangup
"""

MINIMAL = """\
flow t

out: transfer emergency
"""


def test_transfer_parses_and_round_trips() -> None:
    """A transfer with a prompt, a ring time and every outcome loads without problems and is written back unchanged."""
    assert problems(VALID) == []
    assert_round_trips(VALID)


def test_transfer_ends_the_flow_so_needs_no_exits() -> None:
    """After a transfer the call is no longer the flow's: a lone transfer is not a dead end."""
    assert problems(MINIMAL) == []
    assert_round_trips(MINIMAL)
    params = REGISTRY["transfer"].build(load(MINIMAL).nodes[0].params)
    assert (params.destination, params.ring_s, params.prompt) == ("emergency", 30, None)


def test_transfer_busy_and_no_answer_fall_back_to_failed() -> None:
    """Unwired `busy` and `no_answer` take the `failed` exit."""
    text = VALID.replace("  busy      -> apology\n  no_answer -> apology\n", "")
    assert problems(text) == []
    assert [REGISTRY["transfer"].exit(name).otherwise for name in ("busy", "no_answer")] == ["failed", "failed"]


def test_transfer_ring_time_out_of_range_is_reported() -> None:
    """A destination rings for 5s to 300s."""
    text = VALID.replace("ring      20s", "ring      1s")
    assert problems(text) == [("E105", "`ring` must be between 5s and 300s, not 1s", 11)]


def test_transfer_has_no_single_next_step() -> None:
    """A transfer's outcomes are written on their own lines."""
    text = MINIMAL.replace("transfer emergency", "transfer emergency -> out")
    assert problems(text) == [
        ("E107", "`transfer` has no single next step; write its exits on their own lines", 3),
    ]


def test_transfer_unknown_exit_is_reported() -> None:
    """A transfer has no `done` exit: once transferred, the call does not come back."""
    text = VALID.replace("failed    -> apology", "done      -> apology")
    assert problems(text) == [
        ("E107", "`transfer` has no exit `done`; its exits are failed, busy, no_answer, error", 15),
    ]


def test_transfer_destination_is_checked_against_the_allow_list() -> None:
    """Only destinations in the environment's allow-list can be called."""
    environment = load_environment(EXAMPLES / "callflow.toml")
    assert check_flow(load(VALID), registry=REGISTRY, environment=environment) == []
    flow = load(MINIMAL.replace("transfer emergency", "transfer police"))
    found = check_flow(flow, registry=REGISTRY, environment=environment)
    message = (
        "`out` uses destination `police`, which `callflow.toml` does not define; "
        "add [destinations.police] to the environment"
    )
    assert [(p.code.id, p.message, p.location.line) for p in found] == [("E401", message, 3)]
