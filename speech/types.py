"""The speech component's protocols and values: `Synthesizer` turns text into audio, `Recognizer` audio into text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from callflow.flowlang.errors import FlowError

PHONE_RATE_HZ = 8000
"""What Asterisk plays and records without transcoding: 8 kHz, 16-bit, mono."""


class SpeechError(FlowError):
    """Root of the speech component's errors."""


class VoiceNotFound(SpeechError):
    """The voice a language asks for is not installed (espeak-ng would silently use another)."""


class ModelNotInstalled(SpeechError):
    """No speech recognition model is installed for a language."""


@dataclass(frozen=True)
class Voice:
    """A synthesiser voice for a language, and how fast it speaks (words per minute)."""

    language: str
    name: str
    rate_wpm: int = 150


@dataclass(frozen=True)
class Rendered:
    """A prompt rendered to a phone-ready file: 8 kHz, 16-bit, mono WAV."""

    path: Path
    seconds: float
    cached: bool


@dataclass(frozen=True)
class Heard:
    """What the recogniser heard: the text (one of the expected phrases when a grammar is used) and a confidence
    between 0 and 1; `text` is None when nothing expected was heard (a no-match)."""

    text: str | None
    confidence: float


class Synthesizer(Protocol):
    """Speaks text into a WAV file."""

    def synthesize(self, text: str, voice: Voice, path: Path) -> None:
        """Write `text`, spoken with `voice`, to `path` as a WAV file (any sample rate)."""


class Recognizer(Protocol):
    """Recognises what a caller said in a recording."""

    def recognize(self, audio: Path, language: str, phrases: tuple[str, ...]) -> Heard:
        """What was said in `audio` (8 kHz phone audio), in `language`, listening for `phrases` (any text if empty)."""
