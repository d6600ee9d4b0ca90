"""A caller's spoken answer over the line: Callflow records it with RECORD FILE, vosk hears it, the flow branches.

The caller's half speaks for real: espeak-ng's Korean voice made 8 kHz phone audio (as `tests/speech/` measures it),
played by `callflow-test-caller,say` once the test sends the caller there with the AMI Redirect action, right when
Callflow starts recording (spoken-answer.txt). Each scenario runs against the AMI test server and, marked `live`,
against a real Asterisk (`CALLFLOW_AMI_URL`; it must be able to read the test's folder).
"""

from __future__ import annotations

import asyncio
import subprocess
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backends import backend
from line import line
from phone import PhoneCall

from callflow.flowlang.environment import load_environment
from callflow.runtime.asterisk.dialplan import TEST_SAY_VARIABLE
from callflow.speech.audio import convert_to_phone
from callflow.speech.model import models_from
from callflow.speech.recognition import VoskRecognizer

FLOW = """\
flow spoken_answer
  languages ko

prompt question
  ko "상담원과 통화하시겠습니까?"

prompt connecting
  ko "상담원을 연결해 드리겠습니다."

prompt not_understood
  ko "죄송합니다. 이해하지 못했습니다."

prompt goodbye
  ko "안녕히 계세요."

choose: menu question
  speech  yes
  timeout 2s
  max_no_match 1
  words 1 "네"
  words 2 "아니요"
  key 1   -> agent
  key 2   -> bye
  failed  -> sorry

agent: say connecting -> end

sorry: say not_understood -> end

bye: say goodbye -> end

end: hangup
"""
ENVIRONMENT = 'timezone = "Asia/Seoul"\n\n[numbers]\n7000 = "spoken_answer"\n'
RECOGNIZER = VoskRecognizer(models_from(None))
UNPLAYED_SAMPLES = 22
"""Asterisk plays a WAV file but its last 44 bytes (spoken-answer.txt): the recording holds the rest."""
SILENCE_KEPT_S = 1.0
"""RECORD FILE `s=2` ends after 2 s of silence and keeps 1 s of it: the answer's own trailing pause counts too."""


def spoken(folder: Path, text: str) -> Path:
    """`text` in espeak-ng's Korean voice, as 8 kHz 16-bit mono phone audio (tests/speech/test_recognition.py)."""
    raw = folder / f"{text}-espeak.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-s", "130", "-g", "4", "-w", str(raw), text], check=True)
    said = folder / f"said-{len(list(folder.glob('said-*.wav')))}.wav"
    convert_to_phone(raw, said)
    return said


def samples(path: Path) -> bytes:
    with wave.open(str(path)) as audio:
        assert (audio.getframerate(), audio.getsampwidth(), audio.getnchannels()) == (8000, 2, 1)
        return audio.readframes(audio.getnframes())


def answer(kind: str, prompts: Path, tmp_path: Path, text: str) -> tuple[list[dict[str, Any]], PhoneCall, Path, Path]:
    """Call the flow, say `text` when Callflow starts recording, and let the flow end the call: the trace, the call,
    the caller's sound and the recording Callflow made."""
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "spoken_answer.flow").write_text(FLOW, encoding="utf-8")
    (flows / "callflow.toml").write_text(ENVIRONMENT, encoding="utf-8")
    said = spoken(tmp_path, text)

    async def go() -> tuple[list[dict[str, Any]], PhoneCall]:
        environment = load_environment(flows / "callflow.toml")
        async with (
            backend(kind, prompts) as where,
            line(where, tmp_path, flows=flows, environment=environment, recognizer=RECOGNIZER) as hotline,
        ):
            call = await hotline.phone.call("7000", variables={TEST_SAY_VARIABLE: str(said.with_suffix(""))})
            await call.until(lambda command: command.startswith("RECORD FILE"), timeout_s=30)
            await call.say()
            await call.wait_ended(timeout_s=60)
            return await hotline.ended_trace(call), call

    trace, call = asyncio.run(go())
    (recording,) = (tmp_path / "recordings").glob("*.wav")
    return trace, call, said, recording


def events(trace: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in trace if e["event"] == name]


def said_prompts(trace: list[dict[str, Any]]) -> list[str]:
    return [e["text"] for e in events(trace, "prompt")]


def assert_recorded(said: Path, recording: Path) -> None:
    """The recording is the caller's sound (all Asterisk played of it, sample for sample), then about a second of
    silence."""
    sound, heard = samples(said), samples(recording)
    played = len(sound) - 2 * UNPLAYED_SAMPLES
    assert heard[:played] == sound[:played]
    extra_s = (len(heard) - played) / 2 / 8000
    assert 0 < extra_s <= SILENCE_KEPT_S + 0.05


def test_a_spoken_yes_is_recorded_recognised_and_taken(kind: str, prompts: Path, tmp_path: Path) -> None:
    """The caller says 네 while Callflow records: the recording holds it, vosk hears 네, the menu takes key 1."""
    trace, call, said, recording = answer(kind, prompts, tmp_path, "네")
    record = next(c for c in call.commands if c.startswith("RECORD FILE"))
    assert record.endswith(' wav "0123456789*#" 12000 0 s=2')
    assert [e["speech"] for e in events(trace, "input")] == ["네"]
    assert said_prompts(trace) == ["상담원과 통화하시겠습니까?", "상담원을 연결해 드리겠습니다."]
    assert [e["node"] for e in events(trace, "prompt")] == ["choose", "agent"]  # key 1's branch
    assert trace[-1]["event"] == "end" and trace[-1]["by"] == "flow"
    assert RECOGNIZER.recognize(recording, "ko", ("네", "아니요")).text == "네"
    assert_recorded(said, recording)


def test_speech_outside_the_phrases_takes_the_no_match_path(kind: str, prompts: Path, tmp_path: Path) -> None:
    """The caller says 감사합니다 (thank you): it is recorded and heard, matches neither phrase, and with
    `max_no_match 1` the menu fails to the flow's apology."""
    trace, _, said, recording = answer(kind, prompts, tmp_path, "감사합니다")
    assert [e["speech"] for e in events(trace, "input")] == [""]
    assert [e["reason"] for e in events(trace, "menu_failed")] == ["no_match"]
    assert said_prompts(trace) == ["상담원과 통화하시겠습니까?", "죄송합니다. 이해하지 못했습니다."]
    assert [e["node"] for e in events(trace, "prompt")] == ["choose", "sorry"]  # the `failed` branch
    assert trace[-1]["event"] == "end" and trace[-1]["by"] == "flow"
    assert_recorded(said, recording)


def pressed(
    kind: str, prompts: Path, tmp_path: Path, when: Callable[[str], bool]
) -> tuple[list[dict[str, Any]], PhoneCall]:
    """Call the flow, press 2 once Callflow runs the command `when` picks, and let the flow end the call: the
    trace and the call."""
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "spoken_answer.flow").write_text(FLOW, encoding="utf-8")
    (flows / "callflow.toml").write_text(ENVIRONMENT, encoding="utf-8")

    async def go() -> tuple[list[dict[str, Any]], PhoneCall]:
        environment = load_environment(flows / "callflow.toml")
        async with (
            backend(kind, prompts) as where,
            line(where, tmp_path, flows=flows, environment=environment, recognizer=RECOGNIZER) as hotline,
        ):
            call = await hotline.phone.call("7000")
            await call.until(when, timeout_s=30)
            await call.press("2")
            await call.wait_ended(timeout_s=60)
            return await hotline.ended_trace(call), call

    return asyncio.run(go())


def test_a_key_during_a_speech_menus_prompt_chooses_without_recording(kind: str, prompts: Path, tmp_path: Path) -> None:
    """Key 2 cuts the speech menu's prompt and is taken at once (early match): no RECORD FILE listens for words
    and no WAIT FOR DIGIT for keys, the next command plays key 2's branch."""
    trace, call = pressed(kind, prompts, tmp_path, lambda command: command.startswith("STREAM FILE"))
    assert [e.get("dtmf") for e in events(trace, "input")] == ["2"]
    assert said_prompts(trace) == ["상담원과 통화하시겠습니까?", "안녕히 계세요."]
    listening = [c for c in call.commands if c.startswith(("RECORD FILE", "WAIT FOR DIGIT"))]
    assert listening == []


def test_a_key_while_a_speech_menu_records_ends_the_recording_and_chooses(
    kind: str, prompts: Path, tmp_path: Path
) -> None:
    """Key 2 pressed while Callflow records the answer ends RECORD FILE (an escape digit) and is taken at once: no
    WAIT FOR DIGIT follows, and nothing is recognised."""
    trace, call = pressed(kind, prompts, tmp_path, lambda command: command.startswith("RECORD FILE"))
    assert [(e.get("dtmf"), e.get("speech")) for e in events(trace, "input")] == [("2", None)]
    assert said_prompts(trace) == ["상담원과 통화하시겠습니까?", "안녕히 계세요."]
    assert [c for c in call.commands if c.startswith("WAIT FOR DIGIT")] == []
    assert len([c for c in call.commands if c.startswith("RECORD FILE")]) == 1
