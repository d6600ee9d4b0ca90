"""The audio files Asterisk plays for the engine's prompts: rendered by the speech component, kept in its cache.

Asterisk reads the files itself (`STREAM FILE` takes a path without its extension), so the cache folder must be
one Asterisk can read: Callflow runs beside Asterisk, or the folder is shared. Texts are synthesised once; the
first call that needs a prompt with variables in it (a queue position) waits for espeak-ng (tens of ms), in a
worker thread so other calls go on.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from callflow.flowlang.environment import Environment
from callflow.runtime.asterisk import tones
from callflow.runtime.types import Audio
from callflow.speech.audio import duration_s, is_complete_wav
from callflow.speech.cache import PromptCache
from callflow.speech.types import Rendered
from callflow.speech.voices import voice_for

MAX_KNOWN = 10_000
"""Prompts remembered (their file and length); texts with variables in them make new ones."""


class PromptFiles:
    """Phone-ready files for prompts: texts through the prompt cache, recorded files converted into it."""

    def __init__(self, cache: PromptCache, environment: Environment, flows: Path) -> None:
        self.cache = cache
        self.environment = environment
        self.flows = flows
        self._known: dict[Audio, tuple[str, float]] = {}
        self._beep: tuple[str, float] | None = None

    async def file_for(self, audio: Audio) -> tuple[str, float]:
        """The file to play (as STREAM FILE wants it: an absolute path without `.wav`) and how long it plays.

        A prompt seen before is answered from memory (the cache's files are never changed in place)."""
        known = self._known.get(audio) or self._on_disk(audio)
        if known is None:
            rendered = await asyncio.to_thread(self._render, audio)
            known = str(rendered.path.resolve().with_suffix("")), rendered.seconds
        if len(self._known) < MAX_KNOWN:
            self._known[audio] = known
        return known

    async def beep(self) -> tuple[str, float]:
        """The beep played before a recording (Callflow's own file in the prompt folder), as `file_for` gives it."""
        if self._beep is None:
            path = await asyncio.to_thread(tones.beep, self.cache.directory)
            self._beep = str(path.resolve().with_suffix("")), duration_s(path)
        return self._beep

    def _on_disk(self, audio: Audio) -> tuple[str, float] | None:
        """A text prompt already in the cache (rendered ahead by `render-prompts`): found without a worker thread,
        which matters when a burst of calls starts at once."""
        if audio.file is not None:
            return None
        path = self.cache.path(audio.text or "", voice_for(audio.language or "en", self.environment))
        if not is_complete_wav(path):
            return None
        return str(path.resolve().with_suffix("")), duration_s(path)

    def _render(self, audio: Audio) -> Rendered:
        if audio.file is not None:
            return self.cache.convert(self.flows / audio.file)
        language = audio.language or "en"
        return self.cache.render(audio.text or "", voice_for(language, self.environment))
