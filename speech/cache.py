"""The prompt cache: each (text, language, voice, rate) is synthesised once into a phone-ready file.

Files are named by a hash of what they say and how, so a changed text is a new file and an unchanged one is found
again; recordings are keyed by a hash of their content. Files appear whole (written to a temporary name, then
renamed), so a crash or a concurrent reader never sees half a prompt.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from callflow.speech.audio import AudioError, convert_to_phone, duration_s, is_phone_ready
from callflow.speech.types import Rendered, Synthesizer, Voice

KEY_VERSION = 1
"""Part of every key: raise it when the way files are made changes, so old files are made again."""
FILE_MODE = 0o644
"""Prompt files are readable by everyone: Asterisk, often running as its own user, plays them."""

_NAME = re.compile(r"[0-9a-f]{24}\.wav")


class PromptCache:
    """Phone-ready prompt files in one folder, made by a synthesiser on first use."""

    def __init__(self, directory: Path, synthesizer: Synthesizer) -> None:
        self.directory = directory
        self.synthesizer = synthesizer

    def path(self, text: str, voice: Voice) -> Path:
        """The file that holds `text` spoken by `voice` (whether it exists yet or not)."""
        return self._file(["text", KEY_VERSION, text, voice.language, voice.name, voice.rate_wpm])

    def render(self, text: str, voice: Voice) -> Rendered:
        """`text` spoken by `voice` as an 8 kHz 16-bit mono file, synthesised only if not in the cache."""
        return self._made(self.path(text, voice), lambda target: self._synthesize(text, voice, target))

    def convert(self, recording: Path) -> Rendered:
        """A recorded WAV file as an 8 kHz 16-bit mono file, converted only if this content is not in the cache."""
        try:
            content = recording.read_bytes()
        except FileNotFoundError:
            raise AudioError(f"{recording}: no such file") from None
        except OSError as error:
            raise AudioError(f"{recording}: cannot read the file ({error.strerror or error})") from None
        target = self._file(["recording", KEY_VERSION, hashlib.sha256(content).hexdigest()])
        return self._made(target, lambda converted: convert_to_phone(recording, converted))

    def prune(self, keep: set[Path]) -> int:
        """Delete the cache's files that are not in `keep`; how many were deleted. Other files are left alone."""
        kept = {path.resolve() for path in keep}
        removed = 0
        for path in self.directory.glob("*.wav"):
            if _NAME.fullmatch(path.name) and path.resolve() not in kept:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _file(self, key: list[object]) -> Path:
        digest = hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()
        return self.directory / f"{digest[:24]}.wav"

    def _synthesize(self, text: str, voice: Voice, target: Path) -> float:
        with _temporary(self.directory) as spoken:
            self.synthesizer.synthesize(text, voice, spoken)
            return convert_to_phone(spoken, target)

    def _made(self, target: Path, make: Callable[[Path], float]) -> Rendered:
        """The cached `target`, or a new one that `make` writes (returning its length in seconds) and we rename."""
        if is_phone_ready(target):
            return Rendered(target, duration_s(target), cached=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        with _temporary(self.directory) as made:
            seconds = make(made)
            os.replace(made, target)
        return Rendered(target, seconds, cached=False)


@contextmanager
def _temporary(directory: Path) -> Iterator[Path]:
    """A fresh file name in `directory` (hidden, so never taken for a prompt), removed afterwards if still there;
    readable by everyone once renamed (mkstemp makes it 0600)."""
    handle, name = tempfile.mkstemp(prefix=".partial-", suffix=".wav", dir=directory)
    os.fchmod(handle, FILE_MODE)
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
