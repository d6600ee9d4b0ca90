"""The prompt cache: synthesised once per text, language, voice and rate; phone-ready; written whole; prunable."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from callflow.speech.audio import AudioError, is_phone_ready, read_wav
from callflow.speech.cache import PromptCache
from callflow.speech.synthesis import Pyttsx3Synthesizer
from callflow.speech.types import Voice, VoiceNotFound

MANDARIN = Voice("zh-CN", "cmn")
ENGLISH = Voice("en", "en-us")


class CountingSynthesizer:
    """The real synthesiser, counting how often it is asked to speak."""

    def __init__(self) -> None:
        self.real = Pyttsx3Synthesizer()
        self.calls: list[str] = []

    def synthesize(self, text: str, voice: Voice, path: Path) -> None:
        self.calls.append(text)
        self.real.synthesize(text, voice, path)


@pytest.fixture
def cache(tmp_path: Path) -> PromptCache:
    """A prompt cache in an empty folder, over the real synthesiser."""
    return PromptCache(tmp_path / "prompts", CountingSynthesizer())


def calls(cache: PromptCache) -> list[str]:
    synthesizer = cache.synthesizer
    assert isinstance(synthesizer, CountingSynthesizer)
    return synthesizer.calls


def test_a_prompt_is_rendered_as_audible_8_khz_16_bit_mono(cache: PromptCache) -> None:
    """What the cache makes, Asterisk plays as is: 8 kHz, 16-bit, mono, speech of a plausible length."""
    rendered = cache.render("您好，欢迎致电12345市民服务热线。", MANDARIN)
    with wave.open(str(rendered.path)) as wav:
        assert (wav.getframerate(), wav.getsampwidth(), wav.getnchannels()) == (8000, 2, 1)
        assert wav.getnframes() / 8000 == pytest.approx(rendered.seconds)
    samples, _ = read_wav(rendered.path)
    assert float(np.sqrt(np.mean(np.square(samples)))) > 0.02
    assert 5.0 < rendered.seconds < 11.0 and not rendered.cached


def test_a_prompt_is_synthesised_only_once(cache: PromptCache) -> None:
    """The second render of the same text and voice comes from the cache, without calling the synthesiser."""
    first = cache.render("Welcome to the 12345 citizen service hotline.", ENGLISH)
    second = cache.render("Welcome to the 12345 citizen service hotline.", ENGLISH)
    assert calls(cache) == ["Welcome to the 12345 citizen service hotline."]
    assert second.cached and second.path == first.path and second.seconds == pytest.approx(first.seconds)


def test_a_cache_survives_the_process_that_made_it(cache: PromptCache) -> None:
    """Another cache over the same folder finds the file: the key is the content, not the session."""
    first = cache.render("Goodbye.", ENGLISH)
    again = PromptCache(cache.directory, CountingSynthesizer())
    assert again.render("Goodbye.", ENGLISH).path == first.path and calls(again) == []


@pytest.mark.parametrize(
    ("text", "voice"),
    [("Goodbye!", ENGLISH), ("Goodbye.", Voice("en", "en-gb")), ("Goodbye.", Voice("en", "en-us", 180))],
    ids=["text", "voice", "rate"],
)
def test_a_change_of_text_voice_or_rate_makes_a_new_file(cache: PromptCache, text: str, voice: Voice) -> None:
    """Anything that changes the sound changes the file; the old one is kept until pruned."""
    old = cache.render("Goodbye.", ENGLISH)
    new = cache.render(text, voice)
    assert new.path != old.path and not new.cached
    assert old.path.exists() and new.path.exists()
    assert len(calls(cache)) == 2


def test_a_damaged_file_in_the_cache_is_made_again(cache: PromptCache) -> None:
    """A cached file that is not a complete phone WAV is not trusted."""
    path = cache.render("Goodbye.", ENGLISH).path
    path.write_bytes(path.read_bytes()[:1000])
    again = cache.render("Goodbye.", ENGLISH)
    assert not again.cached and is_phone_ready(again.path) and len(calls(cache)) == 2


def test_a_failed_render_leaves_nothing_behind(cache: PromptCache) -> None:
    """Files appear whole or not at all: no half-written or temporary files after an error."""
    with pytest.raises(VoiceNotFound):
        cache.render("Goodbye.", Voice("en", "no-such-voice"))
    assert list(cache.directory.iterdir()) == []


def test_prune_removes_only_unused_cache_files(cache: PromptCache) -> None:
    """Files not kept are deleted and counted; kept ones and files the cache did not make stay."""
    kept = cache.render("Hello.", ENGLISH).path
    unused = cache.render("Goodbye.", ENGLISH).path
    (cache.directory / "manifest.json").write_text("{}", encoding="utf-8")
    (cache.directory / "music.wav").write_bytes(kept.read_bytes())
    assert cache.prune({kept}) == 1
    assert not unused.exists()
    assert sorted(p.name for p in cache.directory.iterdir()) == sorted([kept.name, "manifest.json", "music.wav"])
    assert cache.prune({kept}) == 0


def test_a_recording_is_converted_once_per_content(cache: PromptCache, tmp_path: Path) -> None:
    """A recorded 44.1 kHz stereo file becomes phone-ready; the same content is not converted twice."""
    recording = tmp_path / "welcome.wav"
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(44100) / 44100) * 32767).astype("<i2")
    with wave.open(str(recording), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(44100)
        wav.writeframes(np.repeat(tone, 2).tobytes())
    first = cache.convert(recording)
    assert is_phone_ready(first.path) and first.seconds == pytest.approx(1.0) and not first.cached
    assert cache.convert(recording).cached
    with wave.open(str(recording), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(44100)
        wav.writeframes(tone[:22050].tobytes())
    changed = cache.convert(recording)
    assert changed.path != first.path and changed.seconds == pytest.approx(0.5)


def test_a_recording_that_is_not_a_wav_is_refused(cache: PromptCache, tmp_path: Path) -> None:
    """The error names the file and what is wrong with it."""
    (tmp_path / "welcome.wav").write_bytes(b"ID3\x03\x00 an mp3 file")
    with pytest.raises(AudioError, match=r"welcome\.wav: not a readable PCM WAV file"):
        cache.convert(tmp_path / "welcome.wav")
    assert list(cache.directory.glob("*.wav")) == []
