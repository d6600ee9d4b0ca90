"""The consequence of a change for callers: the test cases whose call goes differently on the new version."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from pathlib import Path

from callflow.flowlang.diff import diff_flows
from callflow.flowlang.loader import load_file, load_text
from callflow.flowlang.model import Flow, Position
from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.testing.consequence import AffectedCase, affected_cases
from callflow.runtime.testing.flowtest import Case, read_test_file, run_test_file
from callflow.runtime.testing.private_data import private_data

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
HOTLINE = EXAMPLES / "hotline_12345.flow"
HOTLINE_TESTS = EXAMPLES / "hotline_12345.test.yaml"
BANK_TESTS = EXAMPLES / "bank_balance.test.yaml"
POLICY = "办理居住证请携带身份证和租房合同到所在街道办事处。"


def hotline(*changes: tuple[str, str]) -> Flow:
    """The hotline flow, with each (old, new) text change made."""
    text = HOTLINE.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    loaded = load_text(text, str(HOTLINE), "dsl")
    assert loaded.ok and loaded.flow is not None
    return loaded.flow


def affected(old: Flow, new: Flow, tests: Path = HOTLINE_TESTS) -> list[AffectedCase]:
    """The cases of a test file whose call goes differently, subflows from the examples folder."""
    test_file = read_test_file(tests)
    return asyncio.run(affected_cases(old, new, test_file.cases, test_file.environment, EXAMPLES))


def test_exactly_the_cases_through_a_changed_prompt_or_exit_are_listed() -> None:
    """Change the policy prompt and the survey's `failed` exit: the listed cases are those whose call heard the
    prompt or took that exit on the old version, no more, no fewer."""
    old = hotline()
    new = hotline(
        (POLICY, "办理居住证请携带身份证、户口本和租房合同到街道办事处。"),
        ("failed       -> survey_thanks", "failed       -> goodbye"),
    )
    test_file = read_test_file(HOTLINE_TESTS)
    results = asyncio.run(run_test_file(test_file))
    through = {
        r.case.name
        for r in results
        if POLICY in r.simulation.said() or ("hotline_12345", "survey", "failed") in r.simulation.taken
    }
    assert 0 < len(through) < len(results)
    found = affected(old, new)
    assert [a.case.name for a in found] == [c.name for c in test_file.cases if c.name in through]
    for case in found:
        heard_policy = any(POLICY in line for line in case.old.experience)
        assert ("nodes" in case.differs) != heard_policy  # the prompt changes what is heard, the exit the path too
        assert "experience" in case.differs


def test_what_differs_is_told_for_each_version() -> None:
    """A listed case carries both calls: the caller's experience, nodes, ending, length and result."""
    new = hotline(("failed       -> survey_thanks", "failed       -> goodbye"))
    (case,) = [a for a in affected(hotline(), new) if a.case.name.startswith("survey: no answer in 5 s")]
    assert case.differs == ("experience", "nodes", "duration", "result")
    assert (
        "hears 感谢您的评价，再见。" in case.old.experience and "hears 感谢您的评价，再见。" not in case.new.experience
    )
    assert case.old.nodes[-3:] == ("survey", "survey_thanks", "goodbye") and case.new.nodes[-2:] == (
        "survey",
        "goodbye",
    )
    assert case.old.outcome == case.new.outcome == {"reason": "hangup", "by": "flow"}
    assert case.old.duration_s is not None and case.new.duration_s is not None
    assert case.new.duration_s < case.old.duration_s
    assert (case.old.passed, case.new.passed) == (True, False)
    assert case.new.failures == ("expected to hear '感谢您的评价，再见。'",)
    assert case.to_json()["new"]["passed"] is False


def test_renames_layout_and_comments_change_no_call() -> None:
    """Nodes renamed (references with them), moved on the canvas or commented: every call goes as before."""
    text = HOTLINE.read_text(encoding="utf-8")
    renamed = re.sub(r"(?<![\w.])(greet|survey_thanks|pick_queue)(?![\w.])", r"\1_v2", text)
    renamed = renamed.replace("prompt survey_thanks_v2", "prompt survey_thanks").replace(
        "say survey_thanks_v2", "say survey_thanks"
    )
    new = load_text(renamed + "# Reviewed.\n", str(HOTLINE), "dsl").flow
    assert new is not None
    new = dataclasses.replace(new, layout={"main_menu": Position(10, 20)})
    old = hotline()
    difference = diff_flows(old, new)
    assert (difference.header, difference.prompts) == ((), ())
    assert {n.status for n in difference.nodes} == {"renamed", "moved"} and len(difference.renames) == 3
    assert affected(old, new) == []


def test_subflows_come_from_the_flow_source_given() -> None:
    """The service holds flows in memory: any object with `get(name)` gives the subflows, the same for both versions."""
    pin = load_file(EXAMPLES / "verify_pin.flow").flow
    assert pin is not None
    checking = "正在核对您的密码，请稍候。"
    prompts = tuple(
        dataclasses.replace(p, text={**p.text, "zh-CN": "请稍等。"}) if p.id == "checking" else p for p in pin.prompts
    )

    class InMemory:
        def get(self, name: str) -> Flow:
            if name != "verify_pin":
                raise RuntimeFailure(f"no flow `{name}`")
            return dataclasses.replace(pin, prompts=prompts)

    bank = load_file(EXAMPLES / "bank_balance.flow").flow
    assert bank is not None
    text = (EXAMPLES / "bank_balance.flow").read_text(encoding="utf-8")
    welcome = next(p for p in bank.prompts if p.id == "welcome").text["zh-CN"]
    changed = load_text(text.replace(welcome, welcome + "您好。"), "bank_balance.flow", "dsl").flow
    assert changed is not None
    test_file = read_test_file(BANK_TESTS)
    found = asyncio.run(affected_cases(bank, changed, test_file.cases, test_file.environment, InMemory()))
    assert found and all("experience" in a.differs for a in found)
    heard = [line for a in found for line in (*a.old.experience, *a.new.experience)]
    assert "hears 请稍等。" in heard and f"hears {checking}" not in heard


def test_a_case_that_cannot_run_on_the_new_version_is_listed_with_the_reason() -> None:
    """A subflow tested alone: a case giving an input the new version no longer declares is listed with the reason."""
    pin = load_file(EXAMPLES / "verify_pin.flow").flow
    assert pin is not None
    without_pin = dataclasses.replace(pin, inputs=("account",))
    environment = read_test_file(BANK_TESTS).environment
    options = {"at": "2026-11-20T10:00"}
    cases = [
        Case("the right PIN", (), {**options, "inputs": {"account": "6222020012345678", "pin": "314159"}}, {}),
        Case("no account", (), options, {}),
    ]
    (case,) = asyncio.run(affected_cases(pin, without_pin, cases, environment, EXAMPLES))
    assert case.case.name == "the right PIN" and case.differs[-1] == "error"
    assert case.old.error is None and case.old.passed is True
    assert case.new.error == "case `the right PIN`: `verify_pin` has no inputs pin" and case.new.passed is None


def test_calls_that_write_data_leave_the_files_as_they_were(tmp_path: Path) -> None:
    """Each version's calls run on a private copy of the SQLite data: a PIN locked on one is not locked on the other,
    and the environment's own database file is never written."""
    test_file = read_test_file(BANK_TESTS)
    bank = load_file(test_file.flow_path).flow
    assert bank is not None
    source = test_file.environment.sources["bank"]
    assert source.path is not None
    with private_data(test_file.environment) as private:
        copy = private.sources["bank"].path
        assert copy is not None and copy != source.path
    assert not copy.exists()
    before = source.path.read_bytes() if source.path.exists() else None
    assert asyncio.run(affected_cases(bank, bank, test_file.cases, test_file.environment, EXAMPLES)) == []
    assert (source.path.read_bytes() if source.path.exists() else None) == before
