"""A prompt with formatted placeholders on a live line: Asterisk plays the audio of the text said in the call's
language (rendered by the same formatting module as in the simulator), and the trace shows that text.

Runs against the AMI test server and, marked `live`, against a real Asterisk (`CALLFLOW_AMI_URL`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from backends import backend
from line import line

from callflow.flowlang.environment import load_environment
from callflow.speech.cache import PromptCache
from callflow.speech.synthesis import Pyttsx3Synthesizer
from callflow.speech.voices import voice_for

FLOW = """\
flow statement
  languages zh-CN, en

var balance = 12580.5
var due = "2026-12-06"

prompt statement
  zh-CN "您的余额是{balance:currency CNY}，还款日是{due:date}。"
  en    "Your balance is {balance:currency CNY}, due {due:date}."

start: say statement -> bye

bye: hangup
"""
ENVIRONMENT = 'timezone = "Asia/Shanghai"\n\n[numbers]\n7201 = "statement"\n'
SAID = "您的余额是12,580.50人民币，还款日是12月6日星期日。"


def test_asterisk_plays_the_text_said_in_the_calls_language(kind: str, prompts: Path, tmp_path: Path) -> None:
    """The caller hears the file made from the zh-CN text with the balance and date said through CLDR's zh-CN
    patterns, and the call's trace holds that text."""
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "statement.flow").write_text(FLOW, encoding="utf-8")
    (flows / "callflow.toml").write_text(ENVIRONMENT, encoding="utf-8")
    environment = load_environment(flows / "callflow.toml")

    async def go() -> None:
        async with (
            backend(kind, prompts) as where,
            line(where, tmp_path, flows=flows, environment=environment) as statement,
        ):
            cache = PromptCache(statement.backend.prompts, Pyttsx3Synthesizer())
            file = str(cache.path(SAID, voice_for("zh-CN", environment)).resolve().with_suffix(""))
            call = await statement.phone.call("7201")
            await call.hears(file, timeout_s=60)
            await call.wait_ended(timeout_s=60)
            trace = await statement.ended_trace(call)
            assert [(e["text"], e["lang"]) for e in trace if e["event"] == "prompt"] == [(SAID, "zh-CN")]

    asyncio.run(go())
