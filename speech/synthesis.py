"""`Pyttsx3Synthesizer`: text to speech with pyttsx3 driving espeak-ng, made safe to use from anywhere.

pyttsx3 (2.99, espeak driver) has traps, each handled here:

- it is one engine for the whole process, and espeak-ng works on a thread of its own, calling back into Python
  from there: every use goes through one lock;
- `runAndWait` sometimes returns as soon as espeak-ng has *started* (on a fresh engine) and sometimes blocks,
  without a time limit, until it has finished: it runs on a helper thread, and we wait, bounded, until the engine
  says it finished and the file is complete; past the limit espeak-ng is cancelled and the error says so;
- espeak-ng applies a new rate on its own thread and reports "finished" before it is idle, while `runAndWait`
  cancels whatever espeak-ng is still doing: a rate set too early is dropped, and a cancel that lands late ends
  the next prompt at once with an empty file. We wait until espeak-ng is idle before and after setting voice
  and rate;
- an unknown voice is ignored without an error, and the previous voice reads the text (English reading Chinese
  characters one by one): voices are resolved against the installed ones first, the voice in use is checked
  before speaking, and errors the engine reports are raised;
- it prints "Audio saved to ..." on stdout for each file: that line is dropped.
"""

from __future__ import annotations

import contextlib
import difflib
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TextIO

import pyttsx3  # type: ignore[import-untyped]
from pyttsx3.drivers import _espeak  # type: ignore[import-untyped]

from callflow.speech.audio import wait_until_written
from callflow.speech.types import SpeechError, Voice, VoiceNotFound

DEFAULT_TIMEOUT_S = 60.0
"""How long one prompt may take to synthesise; espeak-ng speaks some 300 times faster than real time here."""

_CANCEL_S = 5.0
"""How long a cancelled synthesis may take to stop."""


class SynthesisError(SpeechError):
    """The synthesiser failed, or did not finish writing a file in time."""


@dataclass
class _Engine:
    """The process-wide pyttsx3 engine and what it reports from espeak-ng's thread. Use it with `_LOCK` held."""

    engine: Any
    finished: threading.Event = field(default_factory=threading.Event)
    errors: list[BaseException] = field(default_factory=list)
    loop: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.finished.set()
        self.engine.connect("finished-utterance", lambda **_: self.finished.set())
        self.engine.connect("error", lambda exception=None, **_: self.errors.append(exception))
        # A fresh engine queues property changes until its first loop; an empty loop makes them apply at once.
        self.engine.runAndWait()

    @cached_property
    def voices(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each installed voice's id and language codes, lower case (listed once: espeak-ng's do not change)."""
        listed = self.engine.getProperty("voices")
        return tuple((str(v.id).lower(), tuple(str(code).lower() for code in v.languages or ())) for v in listed)

    def speak(self, text: str, voice_id: str, rate_wpm: int, path: Path, timeout_s: float) -> bool:
        """Have espeak-ng speak `text` into `path`; False if it did not finish within `timeout_s` (then cancelled)."""
        self.settle(timeout_s)
        self.errors.clear()
        self.engine.setProperty("voice", voice_id)
        self.engine.setProperty("rate", rate_wpm)
        self.settle(timeout_s)
        if self.errors or self.engine.getProperty("voice") != voice_id:
            reason = self.errors[0] if self.errors else f"it kept {self.engine.getProperty('voice')!r}"
            raise SynthesisError(f"espeak-ng did not switch to voice {voice_id!r}: {reason}")
        self.finished.clear()
        self.engine.save_to_file(text, str(path))
        self.loop = threading.Thread(target=self._run, name="pyttsx3 runAndWait", daemon=True)
        self.loop.start()
        if self.idle(timeout_s):
            return True
        _espeak.Cancel()  # espeak-ng then ends the utterance, and pyttsx3's loop with it
        self.idle(_CANCEL_S)
        return False

    def _run(self) -> None:
        try:
            self.engine.runAndWait()
        except Exception as error:
            self.errors.append(error)
            self.finished.set()

    def idle(self, timeout_s: float) -> bool:
        """Wait until the utterance has finished, pyttsx3's loop has ended and espeak-ng has nothing left to do."""
        deadline = time.monotonic() + timeout_s
        if not self.finished.wait(timeout_s):
            return False
        if self.loop is not None:
            self.loop.join(max(0.0, deadline - time.monotonic()))
            if self.loop.is_alive():
                return False
        while _espeak.IsPlaying():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.001)
        return True

    def settle(self, timeout_s: float) -> None:
        """Make sure espeak-ng is idle (an earlier synthesis that timed out may still be stopping)."""
        if not self.idle(timeout_s):
            raise SynthesisError("espeak-ng is still busy with an earlier prompt that did not stop")


_LOCK = threading.Lock()
_ENGINE: _Engine | None = None


def _shared_engine() -> _Engine:
    """The one engine, created on first use (call with `_LOCK` held); this reference keeps pyttsx3's alive."""
    global _ENGINE
    if _ENGINE is None:
        try:
            _ENGINE = _Engine(pyttsx3.init("espeak"))
        except (OSError, RuntimeError) as error:
            raise SynthesisError(f"cannot start espeak-ng through pyttsx3 ({error}); is espeak-ng installed?") from None
    return _ENGINE


class Pyttsx3Synthesizer:
    """Speaks text into WAV files (22,050 Hz, 16-bit, mono, as espeak-ng makes them) through pyttsx3."""

    def __init__(self, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.timeout_s = timeout_s

    def voices(self) -> tuple[str, ...]:
        """The ids of the installed voices (`sit/cmn`, `gmw/en-us`, ...)."""
        with _LOCK:
            return tuple(voice_id for voice_id, _ in _shared_engine().voices)

    def resolve(self, voice: Voice) -> str:
        """The installed voice id a voice's name means: an id (`sit/cmn`), its last part (`cmn`) or a language code.

        Raises `VoiceNotFound`, naming close matches, rather than letting the engine fall back to another voice.
        """
        with _LOCK:
            voices = _shared_engine().voices
        wanted = voice.name.strip().lower()
        for matches in (
            lambda voice_id, _: voice_id == wanted,
            lambda voice_id, _: voice_id.rsplit("/", 1)[-1] == wanted,
            lambda _, languages: wanted in languages,
        ):
            found = [voice_id for voice_id, languages in voices if matches(voice_id, languages)]
            if found:
                return found[0]
        short = [voice_id.rsplit("/", 1)[-1] for voice_id, _ in voices]
        close = difflib.get_close_matches(wanted, [*short, *(voice_id for voice_id, _ in voices)], n=4, cutoff=0.6)
        hint = f"; close matches: {', '.join(dict.fromkeys(close))}" if close else ""
        raise VoiceNotFound(
            f"no installed espeak-ng voice {voice.name!r} for {voice.language}{hint} "
            f"(`espeak-ng --voices` lists them; set the voice in `[voices]` of callflow.toml)"
        )

    def synthesize(self, text: str, voice: Voice, path: Path) -> None:
        """Write `text`, spoken with `voice`, to `path` as a WAV file, returning once the file is complete."""
        if not text.strip():
            raise SynthesisError(f"nothing to say in {voice.language}: the text is empty")
        voice_id = self.resolve(voice)
        path.unlink(missing_ok=True)
        with _LOCK, _without_saved_messages():
            engine = _shared_engine()
            finished = engine.speak(text, voice_id, voice.rate_wpm, path, self.timeout_s)
            if not finished or engine.errors:
                path.unlink(missing_ok=True)  # whatever a cancelled or failed utterance left
            if not finished:
                raise SynthesisError(
                    f"espeak-ng did not finish speaking {_excerpt(text)} into {path} within {self.timeout_s:g} s"
                )
            if engine.errors:
                raise SynthesisError(f"espeak-ng failed on {_excerpt(text)}: {engine.errors[0]}")
        if not wait_until_written(path, self.timeout_s):
            raise SynthesisError(f"espeak-ng finished, but {path} is not a complete WAV file")


def _excerpt(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


class _DropSavedMessages:
    """Standard output without pyttsx3's "Audio saved to ..." lines, which it prints from espeak-ng's thread."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._dropping: set[int] = set()

    def write(self, text: str) -> int:
        thread = threading.get_ident()
        if text.startswith("Audio saved to "):
            self._dropping.add(thread)
            return len(text)
        if thread in self._dropping and text == "\n":  # print() writes its end separately
            self._dropping.discard(thread)
            return len(text)
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _without_saved_messages() -> Iterator[None]:
    """Drop pyttsx3's "Audio saved to" lines while a synthesis runs; other output goes through untouched."""
    original = sys.stdout
    sys.stdout = _DropSavedMessages(original)
    try:
        yield
    finally:
        if isinstance(sys.stdout, _DropSavedMessages):
            sys.stdout = original
