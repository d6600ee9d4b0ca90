"""`StoreFlows`, the flow service's store as live calls see it, without a line: what each call asks the store, what
is kept between calls, and `callflow run --data` refusing what it cannot serve."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import slowdown
from ami_server import AmiServer
from click.testing import CliRunner
from phone import Phone
from store_data import make_store

from callflow.flowlang.registry import default_registry
from callflow.runtime.asterisk.address import AmiAddress
from callflow.runtime.asterisk.commands import run
from callflow.runtime.asterisk.service import trace_lines
from callflow.runtime.asterisk.store_flows import StoreFlows, TenantScope
from callflow.runtime.records import SqliteStore
from callflow.runtime.service.core import Service
from callflow.runtime.service.environment import flip_switch
from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.store.audit import Actor
from callflow.speech.cache import PromptCache
from callflow.speech.synthesis import Pyttsx3Synthesizer

ADMIN = Actor("test")
SECRET = "run-secret"
CALLFLOW = Path(sys.executable).parent / "callflow"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data folder of `store_data.make_store`, made once for the module."""
    data = tmp_path_factory.mktemp("store") / "data"
    make_store(data)
    return data


@pytest.fixture
def service(template: Path, tmp_path: Path) -> Iterator[Service]:
    """The flow service on a fresh copy of the data folder."""
    shutil.copytree(template, tmp_path / "data")
    service = Service(tmp_path / "data")
    yield service
    service.folder.close()


@pytest.fixture
def flows(service: Service, tmp_path: Path) -> Iterator[StoreFlows]:
    """Live calls' view of the same folder."""
    store = SqliteStore(tmp_path / "calls.sqlite")
    lookup = StoreFlows(service.folder, default_registry(), store, PromptCache(tmp_path, Pyttsx3Synthesizer()))
    yield lookup
    lookup.close()
    store.close()


def statements(service: Service) -> list[str]:
    """Every SQL statement this thread's connection runs from now on."""
    seen: list[str] = []
    service.folder.database.read().set_trace_callback(seen.append)
    return seen


def test_a_call_asks_the_store_three_cheap_questions_and_reads_no_text_again(
    service: Service, flows: StoreFlows
) -> None:
    """Once a tenant's scope and its flow are made, a call asks only which tenant claims the number, the revision of
    its environment and the number of the flow's newest version: no environment or flow text is read again, the
    engine, the environment and the parsed flow are the ones the previous call had."""
    first = flows.scope("12345", "unknown")
    assert isinstance(first, TenantScope) and first.tenant == "default"
    loaded = asyncio.run(first.load("hotline_12345"))
    seen = statements(service)
    again = flows.scope("12345", "unknown")
    assert again is first and again.engine is first.engine and again.environment is first.environment
    assert asyncio.run(again.load("hotline_12345")).flow is loaded.flow
    asked = [" ".join(statement.split()[:3]) for statement in seen]
    assert asked == ["SELECT tenant_id FROM", "SELECT max(revision) FROM", "SELECT max(v.version) FROM"], seen


def test_a_switch_flip_makes_a_new_scope_and_leaves_the_old_one_to_the_calls_that_hold_it(
    service: Service, flows: StoreFlows
) -> None:
    """A flip is a new revision of the environment: the next call gets a new engine and environment with the switch
    on, while the scope a call in progress holds still has it off."""
    before = flows.scope("12345")
    flip_switch(service.workspace_named("default"), "emergency", True, ADMIN)
    after = flows.scope("12345")
    assert after is not before and after.engine is not before.engine
    assert after.environment.switches["emergency"] is True and before.environment.switches["emergency"] is False


def test_a_publish_is_the_next_version_and_the_previous_one_stays_parsed(service: Service, flows: StoreFlows) -> None:
    """After a publish, `load` gives the new version (parsed once); the old version's flow object is unchanged."""
    scope = flows.scope("12345")
    assert isinstance(scope, TenantScope)
    old = asyncio.run(scope.load("hotline_12345"))
    default = service.folder.tenants.get("default")
    text = service.folder.versions.get(default.id, "hotline_12345", 1).text.replace("12345市民", "12345 市民")
    service.folder.versions.publish(default.id, "hotline_12345", text, "v2", ADMIN)
    new = asyncio.run(scope.load("hotline_12345"))
    assert (old.version, new.version) == (1, 2) and new.flow is not old.flow
    assert old.flow.prompt("greeting") != new.flow.prompt("greeting")
    assert asyncio.run(scope.load("hotline_12345")).flow is new.flow


def test_drafts_and_deleted_flows_never_reach_callers(service: Service, flows: StoreFlows) -> None:
    """A flow with only a draft has no version to run; a deleted flow's versions are out of use."""
    clinic = flows.scope("7301")
    assert clinic.tenant == "clinic" and clinic.bound("7301") == "not_published"
    with pytest.raises(RuntimeFailure, match="no published version in tenant clinic"):
        asyncio.run(clinic.load("not_published"))
    tenant = service.folder.tenants.get("clinic")
    draft = service.folder.flows.get(tenant.id, "front_desk")
    assert asyncio.run(clinic.load("front_desk")).version == 1
    service.folder.flows.delete(tenant.id, "front_desk", draft.revision, ADMIN)
    assert not clinic.exists("front_desk")
    with pytest.raises(RuntimeFailure):
        asyncio.run(clinic.load("front_desk"))


def test_each_tenant_has_its_own_environment_and_files(service: Service, flows: StoreFlows) -> None:
    """The clinic's number is served with the clinic's environment; the default tenant's data sources are read from
    its own files in the data folder; a number nobody claims has no tenant and no flow."""
    clinic, default = flows.scope("7300"), flows.scope("12345")
    assert clinic.environment.switches == {} and "emergency" in default.environment.switches
    tickets = default.environment.sources["tickets"].path
    assert tickets is not None and tickets.is_relative_to(service.folder.path / "tenants" / "default" / "files")
    nobody = flows.scope("99999")
    assert nobody.tenant is None and nobody.bound("99999") is None and not nobody.exists("hotline_12345")


def test_run_refuses_data_beside_flows_or_env_and_a_folder_without_a_service(tmp_path: Path, template: Path) -> None:
    """`--data` serves the store and `--flows`/`--env` plain files: given together, `run` says so before it
    connects; a data folder with no flow service in it is refused with what to do."""
    url = ["--ami", "ami://u:p@127.0.0.1:9", "--prompts", str(tmp_path), "--recordings", str(tmp_path)]
    env_file = tmp_path / "callflow.toml"
    env_file.write_text('timezone = "UTC"\n', encoding="utf-8")
    for extra in (["--flows", str(tmp_path)], ["--env", str(env_file)]):
        result = CliRunner().invoke(run, [*url, "--data", str(template), *extra])
        assert result.exit_code == 2, result.output
        assert "--data serves what is published in the flow service" in result.output
    empty = tmp_path / "empty"
    result = CliRunner().invoke(run, [*url, "--data", str(empty)])
    assert result.exit_code == 2 and "holds no flow service data" in result.output
    assert "callflow import examples/ --publish" in result.output and not empty.exists()


def test_callflow_run_serves_a_tenants_published_flow_from_the_data_folder(template: Path, tmp_path: Path) -> None:
    """`callflow run --data D` as an operator starts it (a process of its own, over the AMI test server): it says
    where its calls come from, and a call to the clinic's number runs the clinic's published flow, its trace
    naming tenant, flow and version."""
    data = tmp_path / "data"
    shutil.copytree(template, data)
    traces = tmp_path / "traces"

    async def go() -> None:
        async with AmiServer(secret=SECRET, time_scale=0.05) as server:
            url = f"ami://callflow:{SECRET}@127.0.0.1:{server.port}"
            command = [str(CALLFLOW), "run", "--ami", url, "--data", str(data), "--traces", str(traces)]
            command += ["--prompts", str(tmp_path / "prompts"), "--recordings", str(tmp_path / "rec")]
            command += ["--db", str(tmp_path / "calls.sqlite")]
            with open(tmp_path / "stderr.log", "wb") as errors:
                process = await asyncio.create_subprocess_exec(
                    *command, stdout=subprocess.PIPE, stderr=errors, env={**os.environ, "PYTHONUNBUFFERED": "1"}
                )
            try:
                assert process.stdout is not None
                first = await asyncio.wait_for(process.stdout.readline(), slowdown.seconds(60))
                assert f"(what is published in {data})" in first.decode()
                address = AmiAddress("127.0.0.1", server.port, "callflow", SECRET)
                async with Phone(address, caller_context="caller-live") as phone:
                    call = await phone.call("7300")
                    await call.until(lambda c: c.startswith("STREAM FILE"), timeout_s=60)
                    await call.wait_ended(timeout_s=60)
                process.send_signal(signal.SIGTERM)
                assert await asyncio.wait_for(process.wait(), slowdown.seconds(60)) == 0
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
            assert server.unrecorded == [] and server.unrecorded_commands == []

    asyncio.run(go())
    (trace_file,) = traces.glob("*.jsonl")
    trace = trace_lines(trace_file)
    assert (trace[0]["tenant"], trace[0]["flow"], trace[0]["version"]) == ("clinic", "front_desk", 1)
    assert [e["text"] for e in trace if e["event"] == "prompt"] == ["Welcome to the clinic. Goodbye."]
