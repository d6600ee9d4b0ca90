"""Every case of the hotline's test suite, simulated with a recorder: each leaves one finished record made from its
own trace, and together they reach every ending a call can have."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from callflow.flowlang.loader import load_file
from callflow.runtime.call_record import CallOrigin
from callflow.runtime.recorder import NullRecorder
from callflow.runtime.simulator.run import Simulator
from callflow.runtime.testing.flowtest import CaseResult, read_test_file, run_case

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture(scope="module")
def recorded() -> list[tuple[CaseResult, dict[str, Any]]]:
    """Each case of hotline_12345.test.yaml with the record it left."""
    suite = read_test_file(EXAMPLES / "hotline_12345.test.yaml")
    flow = load_file(suite.flow_path).flow
    assert flow is not None
    recorder = NullRecorder()
    origin = CallOrigin("default", "hotline_12345", 3, "simulated")
    simulator = Simulator(suite.environment, EXAMPLES, recorder=recorder, origin=origin)
    try:
        results = [asyncio.run(run_case(simulator, flow, case)) for case in suite.cases]
    finally:
        simulator.close()
    assert len(recorder.ended) == len(results)
    return list(zip(results, recorder.ended, strict=True))


def test_every_case_leaves_one_finished_record_of_its_own_trace(
    recorded: list[tuple[CaseResult, dict[str, Any]]],
) -> None:
    """Each record holds its call's trace, is finished, belongs to version 3, and names the node its call ended at."""
    for result, record in recorded:
        events = result.simulation.events
        assert record["events"] == events, result.case.name
        assert record["finished"] == 1 and record["version"] == 3
        assert record["end_node"] == events[-1]["node"]
        assert set(record["path"]) >= {e["node"] for e in events if e["node"] and e["event"] != "end"}


def test_the_outcome_follows_from_the_trace(recorded: list[tuple[CaseResult, dict[str, Any]]]) -> None:
    """An agent's answer makes `agent`, a kept message `voicemail`, a fallback `fallback`, a transfer that ends the
    call `transferred`; calls with none of these stay in the IVR."""
    for result, record in recorded:
        kinds = {e["event"] for e in result.simulation.events}
        end = result.simulation.events[-1]
        kept = any(e["event"] == "voicemail" and e.get("kept") for e in result.simulation.events)
        if "fallback" in kinds:
            assert record["outcome"] == "fallback", result.case.name
        elif end.get("reason") == "transferred":
            assert record["outcome"] == "transferred" and record["transfer_to"] == end["destination"]
        elif "agent" in kinds:
            assert record["outcome"] == "agent", result.case.name
        elif kept:
            assert record["outcome"] == "voicemail", result.case.name
        else:
            assert record["outcome"] in ("self_served", "abandoned"), result.case.name


def test_the_suite_reaches_every_ending(recorded: list[tuple[CaseResult, dict[str, Any]]]) -> None:
    """The hotline's cases between them end in every way a record can say (but `unfinished`)."""
    outcomes = {record["outcome"] for _result, record in recorded}
    assert outcomes >= {"self_served", "agent", "voicemail", "transferred", "abandoned"}


def test_queue_waits_and_survey_answers_are_rows(recorded: list[tuple[CaseResult, dict[str, Any]]]) -> None:
    """Every queue join in a trace is a queue-wait row; every saved value a survey-answer row."""
    for result, record in recorded:
        joins = [e for e in result.simulation.events if e["event"] == "queue" and e.get("action") == "join"]
        assert len(record["queue_waits"]) == len(joins), result.case.name
        saved = [name for e in result.simulation.events if e["event"] == "save" for name in e["values"]]
        assert [a["question"] for a in record["survey_answers"]] == saved
