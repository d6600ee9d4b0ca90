"""A speech menu through the simulator: a caller's recording, recognised for real, chooses a key; keys still work
when no model is installed, and the check warns about it."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from callflow.flowlang.check.files import check_file
from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import parse_script
from callflow.speech.audio import convert_to_phone

AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))
ENVIRONMENT = 'timezone = "Asia/Seoul"\n'

KOREAN = """\
flow agent_or_not
  languages ko

prompt question
  ko "상담원과 통화하시겠습니까? 네 또는 아니요라고 말씀하시거나 1번 또는 2번을 누르세요."

prompt connecting
  ko "상담원을 연결해 드리겠습니다."

prompt goodbye
  ko "감사합니다. 안녕히 계세요."

choose: menu question
  speech  yes
  words 1 "네"
  words 2 "아니요"
  key 1   -> agent
  key 2   -> bye
  failed  -> bye

agent: say connecting -> bye

bye: say goodbye -> end

end: hangup
"""

BILINGUAL = """\
flow agent_or_not
  languages zh-CN, en

prompt question
  zh-CN "人工服务请按1或说“人工”，其他请按2。"
  en    "For an agent press 1 or say agent; for anything else press 2."

prompt connecting
  zh-CN "正在为您转接人工服务。"
  en    "Connecting you to an agent."

prompt goodbye
  zh-CN "感谢来电，再见。"
  en    "Thank you for calling. Goodbye."

choose: menu question
  speech  yes
  words 1 "人工", "agent"
  key 1   -> agent
  key 2   -> bye
  failed  -> bye

agent: say connecting -> bye

bye: say goodbye -> end

end: hangup
"""


def simulate(folder: Path, flow_text: str, *steps: str) -> Simulation:
    """Write the flow and its environment into `folder` and simulate one call, with the default recogniser."""
    (folder / "callflow.toml").write_text(ENVIRONMENT, encoding="utf-8")
    (folder / "t.flow").write_text(flow_text, encoding="utf-8")
    flow = load_file(folder / "t.flow").flow
    assert flow is not None
    simulator = Simulator(load_environment(folder / "callflow.toml"), folder)
    try:
        return simulator.run(flow, parse_script(list(steps)), at=AT)
    finally:
        simulator.close()


def record(folder: Path, text: str, name: str) -> None:
    """A caller saying `text` (espeak-ng's Korean voice), recorded as Asterisk does: 8 kHz 16-bit mono."""
    raw = folder / "espeak.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-s", "130", "-g", "4", "-w", str(raw), text], check=True)
    convert_to_phone(raw, folder / name)


def test_a_korean_caller_chooses_key_1_by_saying_yes(tmp_path: Path) -> None:
    """`say:@yes.wav` (beside the flow) runs the real recogniser: 네 is heard, and the menu takes key 1."""
    record(tmp_path, "네", "yes.wav")
    result = simulate(tmp_path, KOREAN, "say:@yes.wav")
    heard = [e for e in result.events if e["event"] == "input"]
    assert [(e["speech"], e["file"]) for e in heard] == [("네", "yes.wav")]
    assert result.taken[0] == ("agent_or_not", "choose", "key 1")
    assert result.said()[1:] == ["상담원을 연결해 드리겠습니다.", "감사합니다. 안녕히 계세요."]


def test_a_korean_caller_chooses_key_2_by_saying_no(tmp_path: Path) -> None:
    """아니요 leads where key 2 leads."""
    record(tmp_path, "아니요", "no.wav")
    result = simulate(tmp_path, KOREAN, f"say:@{tmp_path / 'no.wav'}")
    assert result.taken[0] == ("agent_or_not", "choose", "key 2")


def test_speech_the_menu_does_not_expect_is_no_choice(tmp_path: Path) -> None:
    """Speech outside the phrases is a no-match (a wrong choice, not silence); the caller's key then chooses."""
    record(tmp_path, "감사합니다", "thanks.wav")
    result = simulate(tmp_path, KOREAN, "say:@thanks.wav", "dtmf:2")
    heard = [e for e in result.events if e["event"] == "input"]
    assert [(e.get("speech"), e.get("file"), e.get("dtmf")) for e in heard] == [
        ("", "thanks.wav", None),
        (None, None, "2"),
    ]
    assert result.taken[0] == ("agent_or_not", "choose", "key 2")


def test_a_speech_menu_without_a_model_for_a_language_is_a_warning(tmp_path: Path) -> None:
    """No `[speech.models]` for zh-CN and en: W306 at `speech`, once per menu, naming both languages."""
    (tmp_path / "callflow.toml").write_text(ENVIRONMENT, encoding="utf-8")
    (tmp_path / "t.flow").write_text(BILINGUAL, encoding="utf-8")
    rendered = [p.render().splitlines()[0] for p in check_file(tmp_path / "t.flow").problems]
    assert rendered == [
        f"{tmp_path / 't.flow'}:17:3: warning[W306]: `choose` listens for speech, but no recognition model is set "
        "for zh-CN, en; add it under [speech.models] in `callflow.toml`; callers can still press keys"
    ]


def test_a_model_set_for_each_language_silences_the_warning(tmp_path: Path) -> None:
    """`[speech.models]` naming zh-CN and en is enough for the check (the folders are needed only to listen)."""
    models = '[speech.models]\nzh-CN = "models/vosk-model-small-cn-0.22"\nen = "models/vosk-model-small-en-us-0.15"\n'
    (tmp_path / "callflow.toml").write_text(ENVIRONMENT + models, encoding="utf-8")
    (tmp_path / "t.flow").write_text(BILINGUAL, encoding="utf-8")
    assert check_file(tmp_path / "t.flow").problems == []


def test_a_speech_menu_without_a_model_still_works_by_keys(tmp_path: Path) -> None:
    """The same menu, with no model installed, takes the caller's key."""
    result = simulate(tmp_path, BILINGUAL, "dtmf:1")
    assert result.taken[0] == ("agent_or_not", "choose", "key 1")
    assert result.said()[1] == "正在为您转接人工服务。"


def test_speaking_a_file_where_no_model_is_installed_is_an_error_that_says_so(tmp_path: Path) -> None:
    """`say:@FILE` needs the model: the node fails with the model's error, rather than hearing silence."""
    record(tmp_path, "네", "yes.wav")
    result = simulate(tmp_path, BILINGUAL, "say:@yes.wav")
    errors = [e["message"] for e in result.events if e["event"] == "error"]
    assert errors[0].startswith("no speech recognition model for language `zh-CN`: none is set under [speech.models]")


TWO_QUESTIONS = """\
flow card_service
  languages en

prompt question
  en "Say balance, or press 4 for a lost card."

prompt confirm
  en "Shall we block the card? Say yes or no."

prompt blocked
  en "Your card is blocked."

prompt goodbye
  en "Goodbye."

choose: menu question
  speech  yes
  words 1 "balance"
  key 1   -> bye
  key 4   -> lost
  failed  -> bye

lost: menu confirm
  speech  yes
  words 1 "yes"
  words 2 "no"
  key 1   -> blocked
  key 2   -> bye
  failed  -> bye

blocked: say blocked -> bye

bye: say goodbye -> end

end: hangup
"""


def first_prompt_at(result: Simulation, node: str) -> float:
    """When the first prompt of `node` began, in virtual seconds."""
    return next(e["t"] for e in result.events if e["event"] == "prompt" and e["node"] == node)


def test_a_key_in_a_speech_menu_chooses_at_once_and_leaves_the_next_words(tmp_path: Path) -> None:
    """Key 4 pressed during a speech menu's prompt takes key 4's branch without listening, and the caller's next
    words (yes) answer the next menu, not this one."""
    result = simulate(tmp_path, TWO_QUESTIONS, "dtmf:4", "say:yes")
    assert result.taken[:2] == [("card_service", "choose", "key 4"), ("card_service", "lost", "key 1")]
    assert result.said()[-2:] == ["Your card is blocked.", "Goodbye."]
    assert [e["reason"] for e in result.events if e["event"] == "menu_failed"] == []


def test_a_key_pressed_while_a_speech_menu_listens_ends_listening_at_once(tmp_path: Path) -> None:
    """A timed key 2 s before the no-input timeout (while the menu listens for words) is acted on at its moment:
    the next menu's prompt begins then, not when the timeout would have ended listening."""
    silent = simulate(tmp_path, TWO_QUESTIONS, "hangup@60")
    listening_ends = [e["t"] for e in silent.events if e["event"] == "prompt"][1]  # the retry, after the timeout
    key_at = round(listening_ends - 2.0, 3)
    result = simulate(tmp_path, TWO_QUESTIONS, f"dtmf:4@{key_at}", "hangup@60")
    assert result.taken[0] == ("card_service", "choose", "key 4")
    assert first_prompt_at(result, "lost") == key_at
    assert [e.get("lost") for e in result.events if e["event"] == "input"] == [None]


def test_silence_in_a_speech_menu_lasts_one_timeout_as_in_a_keypad_menu(tmp_path: Path) -> None:
    """A silent caller hears the retry as soon after the prompt in a speech menu as in the same menu without
    speech: listening for words also listens for keys, so there is no second wait for keys."""
    keypad = TWO_QUESTIONS.replace('  speech  yes\n  words 1 "balance"\n', "", 1)
    assert keypad != TWO_QUESTIONS
    spoken = [e["t"] for e in simulate(tmp_path, TWO_QUESTIONS, "hangup@60").events if e["event"] == "prompt"]
    keyed = [e["t"] for e in simulate(tmp_path, keypad, "hangup@60").events if e["event"] == "prompt"]
    assert spoken[:3] == keyed[:3]
