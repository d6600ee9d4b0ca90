"""Stubbed HTTP sources in flow tests (`http:`): fixed answers per request, statuses and delays in virtual time,
with no server asked; a mistaken stub is an error at its line and column (golden files in `stubs/bad/`)."""

from __future__ import annotations

import asyncio
import shutil
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from callflow.flowlang.cli import COMMANDS_GROUP, cli
from callflow.runtime.http_stubs import HttpStub, HttpStubs, stubs_from
from callflow.runtime.testing.flowtest import CaseResult, read_test_file, run_test_file

STUBS = Path(__file__).parent / "stubs"
BAD = sorted((STUBS / "bad").glob("*.yaml"))


@pytest.fixture(scope="module")
def results() -> dict[str, CaseResult]:
    """Every case of `stubs/bank.test.yaml`, run once, by name."""
    test_file = read_test_file(STUBS / "bank.test.yaml")
    return {result.case.name: result for result in asyncio.run(run_test_file(test_file))}


def event_times(result: CaseResult, node: str) -> tuple[float, float]:
    """The virtual moment of the event before the lookup at `node`, and of the lookup."""
    events = result.simulation.events
    index = next(i for i, e in enumerate(events) if e["event"] == "lookup" and e["node"] == node)
    return events[index - 1]["t"], events[index]["t"]


def lookup_of(result: CaseResult) -> dict[str, Any]:
    return next(e for e in result.simulation.events if e["event"] == "lookup")


def test_every_case_of_the_stubbed_bank_passes_with_no_server(results: dict[str, CaseResult]) -> None:
    """The source's URL has no server behind it (port 9): every case passes on the stubs alone."""
    assert len(results) == 7
    assert {name: r.failures for name, r in results.items() if not r.passed} == {}


def test_a_stubs_delay_passes_in_virtual_time(results: dict[str, CaseResult]) -> None:
    """`delay: 0.4` moves the call's clock 0.4 s between the digits and the lookup."""
    before, at = event_times(
        results["a known account hears its holder and balance, after the stub's virtual delay"], "find"
    )
    assert at - before == pytest.approx(0.4)


def test_an_answer_slower_than_the_timeout_takes_exactly_the_timeout_in_virtual_time(
    results: dict[str, CaseResult],
) -> None:
    """A stub that takes 600 s against `timeout 3s` ends in `timeout` 3 virtual seconds later (not 600, and no
    real wait: the whole file runs in a moment of real time)."""
    result = results["an answer slower than the lookup's timeout times out after 3 virtual seconds"]
    before, at = event_times(result, "find")
    assert at - before == pytest.approx(3.0)
    assert lookup_of(result)["result"] == "timeout"


def test_a_case_s_stubs_replace_the_file_s_for_that_source(results: dict[str, CaseResult]) -> None:
    """The case that stubs `bank` with a 503 gets the 503, not the file's 200."""
    result = results["a case's stubs replace the file's for that source; a service error takes `error`"]
    assert (lookup_of(result)["result"], lookup_of(result)["http_status"]) == ("error", 503)


def test_a_stub_with_params_answers_only_a_request_that_sends_them() -> None:
    """`params` must all be sent (compared as text); the first stub that answers wins; `*` matches any text."""
    stubs = stubs_from(
        {
            "bank": [
                {"request": "POST /cards/block", "params": {"account": "6222", "urgent": True}, "status": 200},
                {"request": "POST /cards/*", "status": 409},
            ]
        }
    )
    assert stubs is not None
    sent = stubs.answer("bank", "post", "/cards/block", {"account": 6222, "urgent": True})
    assert sent is not None and sent.status == 200
    other = stubs.answer("bank", "POST", "/cards/block", {"account": "1"})
    assert other is not None and other.status == 409
    assert stubs.answer("bank", "GET", "/cards/block", {}) is None
    assert not stubs.stubbed("crm")


def test_a_get_stub_reads_the_values_in_the_path_s_query_too() -> None:
    """For GET, the values a path's own query holds count as sent, decoded."""
    stubs = HttpStubs({"bank": (HttpStub("GET", "/search", {"q": "a b"}),)})
    assert stubs.answer("bank", "GET", "/search?q=a%20b", {}) is not None
    assert stubs.answer("bank", "GET", "/search?q=x", {}) is None


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_a_mistaken_stub_is_an_error_as_its_golden_file_says(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`callflow test` on a test file with a mistaken `http:` prints exactly its `.err` file and exits 2."""
    for name in ("bank.flow", "callflow.toml"):
        shutil.copy(STUBS / name, tmp_path)
    shutil.copy(path, tmp_path / f"{path.stem}.test.yaml")
    monkeypatch.chdir(tmp_path)
    (command,) = [entry.load() for entry in entry_points(group=COMMANDS_GROUP) if entry.name == "test"]
    cli.add_command(command, "test")  # as `callflow`'s entry point adds it
    result = CliRunner().invoke(cli, ["test", f"{path.stem}.test.yaml"])
    assert result.stderr == path.with_suffix(".err").read_text(encoding="utf-8")
    assert result.exit_code == 2
