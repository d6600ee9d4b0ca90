"""Formatted placeholders on a call: the text the caller hears (and the trace shows) is said in the call's language,
and a value a format cannot say takes the node's error exit, never dead air."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale

from callflow.flowlang.environment import load_environment
from callflow.flowlang.formatting import locale_for
from callflow.flowlang.loader import load_file
from callflow.flowlang.model import Prompt
from callflow.runtime.prompts import FlowPrompts, ReadyPrompt
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import parse_script

AT = datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ENVIRONMENT = 'timezone = "Asia/Shanghai"\nfallback = "operator"\n\n[destinations.operator]\nnumber = "100"\n'
FLOW = """\
flow statement
  languages LANGUAGES

var balance = BALANCE
var due = "2026-12-06"
var case_no = "20261206017"
var wait = 95

prompt statement
  zh-CN "您的余额是{balance:currency CNY}，还款日是{due:date}。工单号{case_no:digits 4 4 3}，预计等待{wait:duration}。"
  en    "Your balance is {balance:currency CNY}, due {due:date}. Case {case_no:digits 4 4 3}, wait {wait:duration}."

start: say statement -> bye
  error -> sorry

sorry: hangup

bye: hangup
"""


def call(tmp_path: Path, languages: str, balance: str = "12580.5") -> Simulation:
    """Simulate one call of the statement flow, its first language the call's."""
    (tmp_path / "callflow.toml").write_text(ENVIRONMENT, encoding="utf-8")
    (tmp_path / "t.flow").write_text(FLOW.replace("LANGUAGES", languages).replace("BALANCE", balance), encoding="utf-8")
    loaded = load_file(tmp_path / "t.flow")
    assert loaded.ok, [p.render() for p in loaded.problems]
    assert loaded.flow is not None
    simulator = Simulator(load_environment(tmp_path / "callflow.toml"), tmp_path)
    try:
        return asyncio.run(simulator.call(loaded.flow, parse_script([]), at=AT))
    finally:
        simulator.close()


def heard(simulation: Simulation) -> list[dict[str, Any]]:
    return [e for e in simulation.events if e["event"] == "prompt"]


def test_a_chinese_call_hears_money_dates_digits_and_durations_said_in_chinese(tmp_path: Path) -> None:
    """The zh-CN text is rendered with CLDR's zh-CN patterns, and the trace holds that text."""
    (prompt,) = heard(call(tmp_path, "zh-CN, en"))
    assert prompt["lang"] == "zh-CN"
    assert prompt["text"] == (
        "您的余额是12,580.50人民币，还款日是12月6日星期日。工单号2 0 2 6, 1 2 0 6, 0 1 7，预计等待1分钟35秒钟。"
    )


def test_an_english_call_hears_the_same_values_said_in_english(tmp_path: Path) -> None:
    """The en text of the same prompt is rendered with CLDR's en patterns."""
    (prompt,) = heard(call(tmp_path, "en, zh-CN"))
    assert prompt["lang"] == "en"
    assert prompt["text"] == (
        "Your balance is 12,580.50 Chinese yuan, due Sunday, December 6. Case 2 0 2 6, 1 2 0 6, 0 1 7, "
        "wait 1 minute, 35 seconds."
    )


def test_a_value_a_format_cannot_say_takes_the_error_exit(tmp_path: Path) -> None:
    """A balance that is not a number fails the `say` with a message naming the value, and its error exit is
    taken: the caller is not left in silence, and nothing half-rendered is played."""
    simulation = call(tmp_path, "en", balance='"n/a"')
    assert heard(simulation) == []
    (error,) = [e for e in simulation.events if e["event"] == "error"]
    assert error["message"] == '"n/a" is not a number, for `currency CNY`'
    assert [e["node"] for e in simulation.events if e["event"] == "end"] == ["sorry"]


def test_the_prompt_each_driver_plays_is_rendered_in_its_language() -> None:
    """`ReadyPrompt`, through which the engine renders prompts for the simulator and Asterisk alike, says a
    formatted placeholder in the prompt's language, each rendered text kept once."""
    prompt = Prompt("p", {"zh-CN": "您排在{n:ordinal}位", "en": "You are {n:ordinal}."})
    chinese = ReadyPrompt("p", "zh-CN", prompt.text["zh-CN"], None)
    english = ReadyPrompt("p", "en", prompt.text["en"], None)
    assert chinese.render({"n": 3}.__getitem__)[0].text == "您排在第3位"
    assert english.render({"n": 3}.__getitem__)[0].text == "You are 3rd."
    assert english.render({"n": 3}.__getitem__)[0] is english.render({"n": 3}.__getitem__)[0]


def test_a_flow_version_loads_the_cldr_data_of_its_formats_when_planned(tmp_path: Path) -> None:
    """The locales a flow's formats need are loaded when the flow is planned (before its calls), not by the first
    call that says a value, which would hold up every call on the driver's event loop meanwhile."""
    (tmp_path / "t.flow").write_text(FLOW.replace("LANGUAGES", "zh-CN, en").replace("BALANCE", "1"), "utf-8")
    flow = load_file(tmp_path / "t.flow").flow
    assert flow is not None
    locale_for.cache_clear()
    FlowPrompts(flow)
    assert locale_for.cache_info().currsize == 2
    assert {locale_for("zh-CN"), locale_for("en")} == {Locale.parse("zh_CN"), Locale.parse("en")}
    assert locale_for.cache_info().misses == 2
