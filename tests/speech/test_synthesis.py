"""pyttsx3 over espeak-ng, with its traps handled: shared engine, early return, unknown voices, stdout noise."""

from __future__ import annotations

import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from callflow.speech.audio import duration_s, is_complete_wav, read_wav
from callflow.speech.synthesis import Pyttsx3Synthesizer, SynthesisError
from callflow.speech.types import Voice, VoiceNotFound

MANDARIN = Voice("zh-CN", "cmn")
ENGLISH = Voice("en", "en-us")
GREETING_ZH = "您好，欢迎致电12345市民服务热线。"
GREETING_EN = "Welcome to the 12345 citizen service hotline."
LONG_EN = "Please listen carefully, as our menu options have changed. " * 12


def spoken(synthesizer: Pyttsx3Synthesizer, text: str, voice: Voice, path: Path) -> tuple[float, float]:
    """Synthesise, then the file's length in seconds and its loudness (RMS, 0 to 1)."""
    synthesizer.synthesize(text, voice, path)
    samples, _ = read_wav(path)
    return duration_s(path), float(np.sqrt(np.mean(np.square(samples))))


def test_english_text_becomes_audible_speech_of_a_plausible_length(tmp_path: Path) -> None:
    """Eight words at 150 words per minute last a few seconds, and they are not silence."""
    seconds, loudness = spoken(Pyttsx3Synthesizer(), GREETING_EN, ENGLISH, tmp_path / "en.wav")
    assert 2.0 < seconds < 6.0
    assert loudness > 0.02
    with wave.open(str(tmp_path / "en.wav")) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)


def test_mandarin_needs_the_mandarin_voice(tmp_path: Path) -> None:
    """The cmn voice reads the characters as Mandarin; an English voice spells out each as "Chinese letter"."""
    synthesizer = Pyttsx3Synthesizer()
    mandarin, loudness = spoken(synthesizer, GREETING_ZH, MANDARIN, tmp_path / "zh.wav")
    spelled, _ = spoken(synthesizer, GREETING_ZH, Voice("zh-CN", "en-us"), tmp_path / "zh-as-en.wav")
    assert 5.0 < mandarin < 11.0 and loudness > 0.02
    assert spelled > 1.3 * mandarin


@pytest.mark.parametrize(("name", "voice_id"), [("cmn", "sit/cmn"), ("sit/cmn", "sit/cmn"), ("en-us", "gmw/en-us")])
def test_voices_are_named_by_id_by_short_name_or_by_language(name: str, voice_id: str) -> None:
    """`cmn`, `sit/cmn` and `en-us` (as in `[voices]`) all find the installed espeak-ng voice."""
    assert Pyttsx3Synthesizer().resolve(Voice("xx", name)) == voice_id


def test_an_unknown_voice_fails_clearly_instead_of_speaking_with_another(tmp_path: Path) -> None:
    """espeak-ng would keep the previous voice; we name the voice, the language and the close matches."""
    synthesizer = Pyttsx3Synthesizer()
    synthesizer.synthesize(GREETING_ZH, MANDARIN, tmp_path / "before.wav")
    with pytest.raises(VoiceNotFound, match=r"no installed espeak-ng voice 'cmnn' for zh-CN; close matches: cmn"):
        synthesizer.synthesize(GREETING_ZH, Voice("zh-CN", "cmnn"), tmp_path / "unknown.wav")
    assert not (tmp_path / "unknown.wav").exists()


def test_a_long_prompt_is_complete_when_synthesize_returns(tmp_path: Path) -> None:
    """pyttsx3's runAndWait returns as soon as espeak-ng starts; synthesize returns only once the file is whole."""
    path = tmp_path / "long.wav"
    Pyttsx3Synthesizer().synthesize(LONG_EN, ENGLISH, path)
    assert is_complete_wav(path)
    assert duration_s(path) > 30.0


def test_the_rate_changes_how_fast_the_voice_speaks(tmp_path: Path) -> None:
    """The voice's words per minute reach the engine."""
    synthesizer = Pyttsx3Synthesizer()
    slow, _ = spoken(synthesizer, GREETING_EN, Voice("en", "en-us", 120), tmp_path / "slow.wav")
    fast, _ = spoken(synthesizer, GREETING_EN, Voice("en", "en-us", 240), tmp_path / "fast.wav")
    assert fast < 0.7 * slow


def test_pyttsx3_saved_messages_do_not_reach_stdout(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """pyttsx3 prints "Audio saved to ..." for every file; that line is dropped, and other output is not."""
    synthesizer = Pyttsx3Synthesizer()
    print("before")
    synthesizer.synthesize(GREETING_EN, ENGLISH, tmp_path / "a.wav")
    synthesizer.synthesize(GREETING_ZH, MANDARIN, tmp_path / "b.wav")
    print("after")
    assert capfd.readouterr().out == "before\nafter\n"


def test_threads_share_the_one_engine_safely(tmp_path: Path) -> None:
    """Prompts synthesised from several threads at once each get their own text, whole."""
    texts = [(GREETING_ZH, MANDARIN), (GREETING_EN, ENGLISH), (LONG_EN[:300], ENGLISH), ("再见。", MANDARIN)] * 2
    synthesizer = Pyttsx3Synthesizer()
    alone = [spoken(synthesizer, text, voice, tmp_path / f"alone-{i}.wav")[0] for i, (text, voice) in enumerate(texts)]
    failures: list[BaseException] = []

    def speak(index: int) -> None:
        try:
            synthesizer.synthesize(*texts[index], tmp_path / f"together-{index}.wav")
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=speak, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    together = [duration_s(tmp_path / f"together-{i}.wav") for i in range(len(texts))]
    assert together == pytest.approx(alone, rel=0.03)  # espeak-ng carries a little state between prompts


def test_a_synthesis_that_takes_too_long_fails_and_leaves_the_engine_usable(tmp_path: Path) -> None:
    """The wait is bounded: past the timeout the synthesis is cancelled, and the next one works."""
    with pytest.raises(SynthesisError, match=r"did not finish speaking 'Please listen.*' into .* within 0\.001 s"):
        Pyttsx3Synthesizer(timeout_s=0.001).synthesize(LONG_EN * 3, ENGLISH, tmp_path / "slow.wav")
    seconds, loudness = spoken(Pyttsx3Synthesizer(), GREETING_EN, ENGLISH, tmp_path / "next.wav")
    assert 2.0 < seconds < 6.0 and loudness > 0.02


def test_empty_text_is_refused() -> None:
    """There is nothing to synthesise in blank text."""
    with pytest.raises(SynthesisError, match="the text is empty"):
        Pyttsx3Synthesizer().synthesize("  ", ENGLISH, Path("unused.wav"))
