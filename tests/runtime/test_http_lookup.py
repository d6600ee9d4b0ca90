"""HTTP lookups against hostile input and hostile services: values inserted into a path stay one encoded segment
under the source's URL, one deadline covers the whole exchange, and an answer may be only so large."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest
from http_services import Compressed, Large, Recording, Service, Streaming, Trickling, service
from hypothesis import given, settings
from runtime_fuzz import (
    BASES,
    FUZZ_EXAMPLES,
    INSERTED,
    inserted_values_stay_under_the_base,
    lookups_reach_only_the_base,
)

from callflow.flowlang.environment import EnvironmentFileError, load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.run import Simulator
from callflow.runtime.simulator.script import parse_script

AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

FLOW = """flow t
  languages en

var status = ""

find: lookup crm
  path      "PATH"
  save      status
  timeout   TIMEOUT
  found     -> bye
  not_found -> bye
  error     -> bye
  timeout   -> bye

bye: hangup
"""


def lookup(
    tmp_path: Path, url: str, caller: str, path: str = "/cases/{caller}", extra: str = "", timeout: str = "20s"
) -> dict[str, Any]:
    """Run a call whose flow looks its caller up under `url`; the `lookup` event, with `status` as saved."""
    (tmp_path / "callflow.toml").write_text(f'[sources.crm]\ntype = "http"\nurl = "{url}"\n{extra}', encoding="utf-8")
    (tmp_path / "t.flow").write_text(FLOW.replace("PATH", path).replace("TIMEOUT", timeout), encoding="utf-8")
    loaded = load_file(tmp_path / "t.flow")
    assert loaded.ok and loaded.flow is not None, [p.render() for p in loaded.problems]
    simulator = Simulator(load_environment(tmp_path / "callflow.toml"), tmp_path)
    try:
        result = asyncio.run(simulator.call(loaded.flow, parse_script([]), at=AT, caller=caller))
    finally:
        simulator.close()
    (event,) = [e for e in result.events if e["event"] == "lookup"]
    return {**event, "status": result.variables["status"]}


# -- values inserted into the path --------------------------------------------------------------------------------


def test_a_value_inserted_into_the_path_is_one_percent_encoded_segment(tmp_path: Path) -> None:
    """Slashes, spaces, `?`, `#` and `&` in a caller's value are encoded: the service gets one segment holding
    exactly the value (they used to split the path and start a query)."""
    with service(Recording) as crm:
        found = lookup(tmp_path, crm.url + "/v1", "a/b c?d#e&f=ü")
    assert found["result"] == "found"
    assert crm.targets == ["/v1/cases/a%2Fb%20c%3Fd%23e%26f%3D%C3%BC"]
    assert unquote(crm.targets[0].removeprefix("/v1/cases/")) == "a/b c?d#e&f=ü"


def test_a_value_that_would_climb_out_of_the_base_path_is_refused(tmp_path: Path) -> None:
    """A caller ID of `../../admin/delete` is an `error` and nothing is sent (it used to reach GET /admin/delete)."""
    with service(Recording) as crm:
        found = lookup(tmp_path, crm.url + "/v1", "../../admin/delete")
    assert found["result"] == "error"
    assert found["detail"] == "the lookup's path leaves the source's URL (it has a `.` or `..` segment)"
    assert crm.targets == []


@pytest.mark.parametrize("value", ["..", ".", "%2e%2e", "..\\..\\admin", "..;"])
def test_values_that_are_dot_segments_in_any_spelling_are_refused(tmp_path: Path, value: str) -> None:
    """`..` as it is, percent-encoded, with backslashes or with `;` parameters: servers read them all as `..`."""
    with service(Recording) as crm:
        found = lookup(tmp_path, crm.url + "/v1", value)
    assert (found["result"], crm.targets) == ("error", [])


def test_a_path_written_with_dot_segments_is_refused(tmp_path: Path) -> None:
    """The flow's own path may not leave the source's URL either."""
    with service(Recording) as crm:
        found = lookup(tmp_path, crm.url + "/v1", "1", path="/cases/../../admin/{caller}")
    assert (found["result"], crm.targets) == ("error", [])


def test_a_path_that_is_a_url_of_its_own_is_refused(tmp_path: Path) -> None:
    """A path is under the source's URL: a full URL, even to the same host, is an error and is not requested."""
    with service(Recording) as crm:
        found = lookup(tmp_path, crm.url + "/v1", "1", path=crm.url + "/admin/{caller}")
    assert found["result"] == "error" and "is a URL of its own" in found["detail"]
    assert crm.targets == []


def test_a_value_inserted_into_the_query_stays_one_value(tmp_path: Path) -> None:
    """`&` and `=` in a value inserted after `?` do not add parameters."""
    with service(Recording) as crm:
        found = lookup(tmp_path, crm.url + "/v1", "x&admin=1", path="/search?q={caller}")
    assert found["result"] == "found"
    (target,) = crm.targets
    assert urlsplit(target).path == "/v1/search"
    assert parse_qs(urlsplit(target).query) == {"q": ["x&admin=1"]}


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(BASES, INSERTED)
def test_any_inserted_value_stays_one_segment_under_the_base(base: str, value: str) -> None:
    """Whatever text is inserted, the URL httpx sends is under the base path and decodes back to the value, or the
    lookup is refused."""
    inserted_values_stay_under_the_base(base, value)


@pytest.fixture(scope="module")
def recording_service() -> Iterator[Service]:
    """One recording service for every example of a property."""
    with service(Recording) as crm:
        yield crm


@settings(max_examples=FUZZ_EXAMPLES // 3, deadline=None)
@given(INSERTED)
def test_any_caller_value_reaches_a_real_service_only_under_the_base(recording_service: Service, value: str) -> None:
    """Through the lookup node and a real service: the service is asked for exactly one path under `/v1/cases/`,
    holding the value, or for nothing (a refused value)."""
    lookups_reach_only_the_base(recording_service.url + "/v1", recording_service.targets, value)


# -- one deadline, one size limit -----------------------------------------------------------------------------------


def test_a_trickling_answer_ends_at_the_lookups_deadline(tmp_path: Path) -> None:
    """A service that sends one byte every 0.25 s never waits out a read timeout; `timeout 1s` is still the
    deadline for the whole answer (the call used to wait the 10 s the answer took, and take `found`)."""
    with service(Trickling) as crm:
        found = lookup(tmp_path, crm.url, "1", timeout="1s")
        assert crm.finished.wait(60)  # the service noticed that the client left
    assert found["result"] == "timeout"
    assert found["status"] == ""


def test_the_sources_timeout_caps_a_longer_lookup_timeout(tmp_path: Path) -> None:
    """A source's `timeout_s = 1` in callflow.toml bounds a lookup that asks for `timeout 20s`: the operator's limit
    for the service wins, and the call takes `timeout` after about a second (it used to wait the 10 s answer)."""
    with service(Trickling) as crm:
        found = lookup(tmp_path, crm.url, "1", extra="timeout_s = 1\n", timeout="20s")
        assert crm.finished.wait(60)
    assert found["result"] == "timeout"
    assert "1.0s" in found["detail"]


def test_an_answer_larger_than_the_limit_is_an_error(tmp_path: Path) -> None:
    """A 2 MB answer from a source with the default limit (1 MiB) is refused from its Content-Length."""
    with service(Large, body_bytes=2_000_000) as crm:
        found = lookup(tmp_path, crm.url, "1")
    assert found["result"] == "error"
    assert found["detail"] == "the answer is larger than the source's max_response_bytes (1,048,576 bytes)"


def test_a_streamed_answer_is_cut_off_at_the_limit(tmp_path: Path) -> None:
    """Without a Content-Length, reading stops once the limit is passed: the service cannot send its 50 MB."""
    with service(Streaming, body_bytes=50_000_000) as crm:
        found = lookup(tmp_path, crm.url, "1")
        assert crm.finished.wait(60)
    assert found["result"] == "error" and "max_response_bytes" in found["detail"]
    assert crm.written < 50_000_000


def test_a_streamed_answer_within_the_limit_is_taken(tmp_path: Path) -> None:
    """Chunks are read until the answer ends when it stays within the limit."""
    with service(Streaming, body_bytes=200_000) as crm:
        found = lookup(tmp_path, crm.url, "1")
    assert (found["result"], found["status"]) == ("found", "open")


def test_a_source_may_allow_larger_answers(tmp_path: Path) -> None:
    """`max_response_bytes` in the source's table raises the limit."""
    with service(Large, body_bytes=2_000_000) as crm:
        found = lookup(tmp_path, crm.url, "1", extra="max_response_bytes = 4_194_304\n")
    assert (found["result"], found["status"]) == ("found", "open")


def test_an_answer_within_a_lowered_limit_is_taken(tmp_path: Path) -> None:
    """A limit just above the answer's size takes it; one byte below refuses it."""
    body = 1000
    with service(Large, body_bytes=body) as crm:
        assert lookup(tmp_path, crm.url, "1", extra=f"max_response_bytes = {body}\n")["result"] == "found"
        assert lookup(tmp_path, crm.url, "1", extra=f"max_response_bytes = {body - 1}\n")["result"] == "error"


def test_a_compressed_answer_that_was_not_asked_for_is_refused(tmp_path: Path) -> None:
    """Callflow asks for answers as they are; a gzip answer, which could unpack past any limit, is an error."""
    with service(Compressed) as crm:
        found = lookup(tmp_path, crm.url, "1")
    assert found["result"] == "error" and "compressed (gzip)" in found["detail"]


@pytest.mark.parametrize("value", ["0", "-5", '"big"', "1.5"])
def test_max_response_bytes_must_be_a_positive_whole_number(tmp_path: Path, value: str) -> None:
    """The environment refuses a limit that is not a whole number of bytes, with where it is."""
    (tmp_path / "callflow.toml").write_text(
        f'[sources.crm]\ntype = "http"\nurl = "http://127.0.0.1:1"\nmax_response_bytes = {value}\n', encoding="utf-8"
    )
    with pytest.raises(EnvironmentFileError, match="max_response_bytes"):
        load_environment(tmp_path / "callflow.toml")
