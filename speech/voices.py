"""Which synthesiser voice speaks each language: the environment's `[voices]`, else a sensible default."""

from __future__ import annotations

from collections.abc import Mapping

from callflow.flowlang.environment import Environment
from callflow.speech.types import Voice

DEFAULT_VOICES: Mapping[str, str] = {
    "zh-CN": "cmn",
    "zh": "cmn",
    "zh-HK": "yue",
    "yue": "yue",
    "en": "en-us",
    "en-US": "en-us",
    "en-GB": "en",
}
"""espeak-ng voices for languages whose code is not itself a voice name (Mandarin is `cmn`, not `zh`)."""

DEFAULT_RATE_WPM = 150


def voice_for(language: str, environment: Environment | None = None, rate_wpm: int = DEFAULT_RATE_WPM) -> Voice:
    """The voice for a language: `[voices]` of the environment, then the defaults, then the language code itself.

    A language with a region (`zh-TW`) falls back to its base language (`zh`) before the code is used as is.
    """
    configured = environment.voices if environment is not None else {}
    base = language.split("-", 1)[0]
    for table in (configured, DEFAULT_VOICES):
        for key in (language, base):
            if key in table:
                return Voice(language, table[key], rate_wpm)
    return Voice(language, language.lower(), rate_wpm)
