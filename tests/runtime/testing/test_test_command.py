"""`callflow test` and `callflow explore --tests` as a tester uses them: coverage over all the test files of a flow,
choosing and stopping, failures that say what differed, trimmed to where it shows, and subflows' nodes by path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from callflow.runtime.testing.commands import flow_test
from callflow.runtime.testing.replay_commands import explore
from callflow.runtime.trace import describe

# Key 1 ends with thanks, key 2 asks the caller to hold for a long time (a queue that prints many lines), key 3 calls
# `verify`, a subflow whose node `start` shares its id with this flow's.
FRONT = """flow front
  languages en, zh-CN

prompt hello
  en    "Hello."
  zh-CN "你好。"

prompt thanks
  en    "Thanks."
  zh-CN "谢谢。"

prompt hold
  en    "Please hold."
  zh-CN "请稍候。"

prompt still
  en    "You are still in the queue."
  zh-CN "您仍在排队。"

start: say hello -> choose

choose: menu hello
  key 1  -> thanks
  key 2  -> wait
  key 3  -> verify
  failed -> thanks

thanks: say thanks -> bye

wait: queue desk
  position       still
  announce_every 10s
  max_wait       3000s
  done    -> bye
  timeout -> thanks

verify: subflow check
  ok      -> thanks
  refused -> bye

bye: hangup
"""

CHECK = """flow check
  languages en, zh-CN

var verdict = ""

prompt one_moment
  en    "One moment."
  zh-CN "请稍等。"

start: say one_moment -> judge

judge: set verdict = "fine" -> done

done: return ok
"""

ENVIRONMENT = """timezone = "Asia/Shanghai"

[queues.desk]
description = "The desk"
"""

KEY_1 = """flow: front.flow
at: 2026-11-20T10:00
cases:
  - name: key 1 thanks the caller
    input: [dtmf:1]
    expect:
      heard: [Thanks.]
"""

KEY_3 = """flow: front.flow
at: 2026-11-20T10:00
cases:
  - name: key 3 checks the caller in a subflow
    input: [dtmf:3]
    expect:
      reached: [verify/judge]
      events:
        - {event: prompt, node: start, text: Hello.}
        - {event: prompt, node: verify/start, text: One moment.}
        - {event: set, node: judge, name: verdict, value: fine}
      ended: {reason: hangup, by: flow}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with the flow `front`, its subflow `check` and an environment, to write test files beside."""
    (tmp_path / "front.flow").write_text(FRONT, encoding="utf-8")
    (tmp_path / "check.flow").write_text(CHECK, encoding="utf-8")
    (tmp_path / "callflow.toml").write_text(ENVIRONMENT, encoding="utf-8")
    return tmp_path


def run_tests(*args: str | Path) -> Result:
    """`callflow test ARGS`."""
    return CliRunner().invoke(flow_test, [str(arg) for arg in args])


def cases(*cases: str) -> str:
    """A test file of `front` with these cases."""
    return "flow: front.flow\nat: 2026-11-20T10:00\ncases:\n" + "".join(cases)


def test_coverage_is_of_the_flow_over_all_its_test_files(folder: Path) -> None:
    """Two test files of one flow, each taking other exits, give one coverage for the flow: what either takes is
    covered."""
    (folder / "front.test.yaml").write_text(KEY_1, encoding="utf-8")
    (folder / "front.subflow.test.yaml").write_text(KEY_3, encoding="utf-8")
    result = run_tests(folder)
    assert result.exit_code == 0, result.output
    coverage = [line for line in result.output.splitlines() if line.startswith("coverage")]
    assert coverage == ["coverage front: nodes 5/6 (83%), exits 5/10 (50%) (by 2 test files)"]
    missing = {line.strip() for line in result.output.splitlines() if "not covered" in line}
    assert missing == {
        "not covered: choose -> key 2",
        "not covered: choose -> failed",
        "not covered: wait -> done",
        "not covered: wait -> timeout",
        "not covered: verify -> refused",
    }
    alone = run_tests(folder / "front.test.yaml").output
    assert "coverage front: nodes 4/6 (66%), exits 3/10 (30%) (by " in alone


def test_explore_takes_several_test_files_or_a_folder(folder: Path) -> None:
    """`explore --tests` runs every file named and the test files of the flow in a folder named; other flows' test
    files there are left alone, and a file that tests another flow is refused."""
    tests = folder / "tests"
    tests.mkdir()
    (tests / "front.test.yaml").write_text(KEY_1.replace("front.flow", "../front.flow"), encoding="utf-8")
    (tests / "front.subflow.test.yaml").write_text(KEY_3.replace("front.flow", "../front.flow"), encoding="utf-8")
    (tests / "check.test.yaml").write_text("flow: ../check.flow\ncases:\n  - name: alone\n", encoding="utf-8")
    by_folder = CliRunner().invoke(explore, [str(folder / "front.flow"), "--tests", str(tests)])
    assert by_folder.exit_code == 0, by_folder.output
    assert "wired exits: 5 of 10 taken by" in by_folder.output
    assert "(2 cases, 0 failing)" in by_folder.output
    named = [str(folder / "front.flow"), "--tests", str(tests / "front.subflow.test.yaml")]
    by_files = CliRunner().invoke(explore, [*named, "--tests", str(tests / "front.test.yaml")])
    assert by_files.output == by_folder.output
    other = CliRunner().invoke(explore, [*named, "--tests", str(tests / "check.test.yaml")])
    assert other.exit_code != 0
    assert "check.test.yaml tests check.flow, not front.flow" in other.output


def test_explore_finds_every_test_file_of_the_flow_beside_it(folder: Path) -> None:
    """Without `--tests`, explore runs `NAME.test.yaml`, `NAME.*.test.yaml` and any test file naming the flow."""
    (folder / "front.test.yaml").write_text(KEY_1, encoding="utf-8")
    (folder / "other_name.test.yaml").write_text(KEY_3, encoding="utf-8")
    result = CliRunner().invoke(explore, [str(folder / "front.flow")])
    assert result.exit_code == 0, result.output
    assert "wired exits: 5 of 10 taken by" in result.output


def test_a_case_may_start_the_call_in_another_language_of_the_flow(folder: Path) -> None:
    """`language:` starts a case's call in that language; a language the flow does not speak is an error."""
    chinese = "  - name: in Chinese\n    language: zh-CN\n    input: [dtmf:1]\n    expect: {heard: [你好。, 谢谢。]}\n"
    (folder / "front.test.yaml").write_text(cases(chinese), encoding="utf-8")
    assert run_tests(folder).exit_code == 0
    french = "  - name: in French\n    language: fr\n    input: [dtmf:1]\n"
    (folder / "front.test.yaml").write_text(cases(french), encoding="utf-8")
    result = run_tests(folder)
    assert result.exit_code != 0
    assert "case `in French`: `language: fr`: `front` speaks en, zh-CN" in str(result.exception or result.output)


def test_nested_fields_of_an_event_match_as_a_subset() -> None:
    """An expected event's mapping field matches when the event's has at least those keys, at any depth; a value
    that differs there fails."""
    from callflow.runtime.testing.expectations import matches

    params = {"account": "6222", "pin": "***", "more": {"a": 1, "b": [1, 2]}}
    assert matches(params, {"pin": "***"})
    assert matches(params, {"more": {"b": [1, 2]}})
    assert not matches(params, {"pin": "314159"})
    assert not matches(params, {"more": {"c": 1}})
    assert not matches(params, {"more": {"b": [1]}})
    assert not matches("text", {"pin": "***"})


def test_a_number_matches_the_same_number_however_it_is_written() -> None:
    """`waited_s: 600` in a test matches the trace's 600.0 (numbers compare as numbers); a different number, a
    boolean or a text that only looks alike does not."""
    from callflow.runtime.testing.expectations import matches

    assert matches(600.0, 600)
    assert matches(600, 600.0)
    assert matches({"waited_s": 12.5}, {"waited_s": 12.5})
    assert not matches(600.5, 600)
    assert not matches(True, 1)
    assert matches("1", 1)  # text compares as text, as before: a caller's digits
    assert not matches("600.0", 600)


def test_an_ended_failure_names_every_field_that_differed(folder: Path) -> None:
    """`ended:` with several wrong fields says each of them and what it was, and shows the whole end."""
    case = "  - name: wrong end\n    input: [dtmf:1]\n    expect: {ended: {reason: transferred, by: caller}}\n"
    (folder / "front.test.yaml").write_text(cases(case), encoding="utf-8")
    result = run_tests(folder)
    assert result.exit_code == 1
    assert (
        "expected: expected the call to end with {reason: transferred, by: caller}; it had reason: hangup, by: flow"
        " (the end: {node: bye, reason: hangup, by: flow})"
    ) in result.output


def test_k_runs_only_the_cases_named(folder: Path) -> None:
    """`-k` keeps the cases whose name or file name holds one of the patterns, ignoring case; coverage is not
    shown for a part of the cases."""
    (folder / "front.test.yaml").write_text(KEY_1, encoding="utf-8")
    (folder / "front.subflow.test.yaml").write_text(KEY_3, encoding="utf-8")
    result = run_tests(folder, "-k", "SUBFLOW")
    assert "  PASS  key 3 checks the caller in a subflow" in result.output
    assert "key 1 thanks" not in result.output
    assert "coverage: not shown, since only some of the cases ran" in result.output
    assert result.output.endswith("1 passed, 0 failed, 1 not run\n")


def test_fail_fast_stops_at_the_first_failing_case(folder: Path) -> None:
    """`--fail-fast` runs no case after the first one that fails."""
    failing = "  - name: fails\n    input: [dtmf:1]\n    expect: {heard: [Goodbye.]}\n"
    passing = "  - name: passes\n    input: [dtmf:1]\n    expect: {heard: [Thanks.]}\n"
    (folder / "front.test.yaml").write_text(cases(passing, failing, passing), encoding="utf-8")
    assert run_tests(folder).output.endswith("2 passed, 1 failed\n")
    stopped = run_tests(folder, "-x")
    assert stopped.exit_code == 1
    assert stopped.output.endswith("1 passed, 1 failed, 1 not run (stopped at the first failure)\n")


def call_lines(output: str) -> list[str]:
    """The lines of the call a failing case shows."""
    lines = output.splitlines()
    start = lines.index("    the call:") + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("      ")), len(lines))
    return [line.removeprefix("      ") for line in lines[start:end]]


def test_a_failing_case_shows_the_call_around_the_first_difference(folder: Path) -> None:
    """A call that waits long in a queue prints hundreds of events; a failing case shows those around what differs
    first, says how many it left out, and `--full` shows them all."""
    case = "  - name: holds\n    input: [dtmf:2]\n    limit: 3600\n    expect: {not_reached: [thanks]}\n"
    (folder / "front.test.yaml").write_text(cases(case), encoding="utf-8")
    whole = call_lines(run_tests(folder, "--full").output)
    assert len(whole) > 500
    first_thanks = next(i for i, line in enumerate(whole) if "[thanks]" in line)
    trimmed = call_lines(run_tests(folder).output)
    assert trimmed == [f"… {first_thanks - 6} events before", *whole[first_thanks - 6 : first_thanks + 12]]
    case = "  - name: holds\n    input: [dtmf:2]\n    limit: 3600\n    expect: {heard: [Goodbye.]}\n"
    (folder / "front.test.yaml").write_text(cases(case), encoding="utf-8")
    trimmed = call_lines(run_tests(folder).output)
    first_prompt = next(i for i, line in enumerate(whole) if "» Hello." in line)
    rest = len(whole) - (first_prompt + 12)
    assert trimmed == [*whole[: first_prompt + 12], f"… {rest} more events (--full shows the whole call)"]


def test_subflow_nodes_are_named_by_their_path_in_traces_and_transcripts(folder: Path) -> None:
    """Inside a subflow, the trace and the transcript name a node after the node that called the subflow
    (`verify/start`), apart from the calling flow's own `start`; a test may name it by its path or by its id."""
    test_file = folder / "front.test.yaml"
    test_file.write_text(KEY_3, encoding="utf-8")
    assert run_tests(folder).exit_code == 0
    by_id = KEY_3.replace("node: verify/start", "node: start").replace("[verify/judge]", "[judge]")
    test_file.write_text(by_id, encoding="utf-8")
    assert run_tests(folder).exit_code == 0
    test_file.write_text(KEY_3.replace("node: verify/start", "node: other/start"), encoding="utf-8")
    result = run_tests(folder, "--full")
    assert result.exit_code == 1
    lines = call_lines(result.output)
    assert any(line.endswith("  [start] » Hello.") for line in lines)
    assert any(line.endswith("  [verify/start] » One moment.") for line in lines)
    assert any(line.endswith("  [verify/judge] set (name=verdict, value=fine)") for line in lines)


def test_a_transcript_writes_values_as_the_flow_language_does() -> None:
    """No Python in transcripts: a missing value is `null`, flags are `true`/`false`, mappings are JSON."""
    line = describe({"t": 1.0, "event": "set", "node": "a", "name": "x", "value": None})
    assert line.endswith("[a] set (name=x, value=null)")
    lookup = {"t": 1.0, "event": "lookup", "node": "b", "params": {"pin": "***", "ok": True}}
    assert describe(lookup).endswith('[b] lookup (params={"pin": "***", "ok": true})')
