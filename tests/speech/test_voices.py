"""A language's voice comes from `[voices]` of the environment, else from defaults that espeak-ng understands."""

from __future__ import annotations

from pathlib import Path

from callflow.flowlang.environment import load_environment
from callflow.speech.synthesis import Pyttsx3Synthesizer
from callflow.speech.types import Voice
from callflow.speech.voices import DEFAULT_VOICES, voice_for


def test_the_environment_names_the_voice_of_a_language_and_of_its_regions(tmp_path: Path) -> None:
    """`en = "en-gb"` speaks `en` and `en-US`; languages it does not name keep the defaults."""
    (tmp_path / "callflow.toml").write_text('[voices]\nen = "en-gb"\n', encoding="utf-8")
    environment = load_environment(tmp_path / "callflow.toml")
    assert voice_for("en", environment) == Voice("en", "en-gb")
    assert voice_for("en-US", environment) == Voice("en-US", "en-gb")
    assert voice_for("zh-CN", environment) == Voice("zh-CN", "cmn")


def test_mandarin_defaults_to_the_cmn_voice() -> None:
    """espeak-ng has no `zh` voice: Chinese in any region is read by `cmn` unless the environment says otherwise."""
    assert voice_for("zh-CN").name == voice_for("zh-TW").name == voice_for("zh").name == "cmn"
    assert voice_for("fr", rate_wpm=170) == Voice("fr", "fr", 170)


def test_every_default_voice_is_installed() -> None:
    """The defaults name voices espeak-ng has."""
    synthesizer = Pyttsx3Synthesizer()
    for language, name in DEFAULT_VOICES.items():
        synthesizer.resolve(Voice(language, name))
