"""Offline speech recognition with vosk: a caller's phone audio, heard against the phrases a node expects."""

from __future__ import annotations

import atexit
import ctypes
import json
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import soxr  # type: ignore[import-untyped]
import vosk  # type: ignore[import-untyped]

from callflow.speech.audio import read_wav
from callflow.speech.grammar import Grammar
from callflow.speech.model import model_path, models_from, not_installed
from callflow.speech.types import Heard

if TYPE_CHECKING:
    from callflow.flowlang.environment import Environment

__all__ = ["DEFAULT_THRESHOLD", "VoskRecognizer", "models_from", "shares"]

DEFAULT_THRESHOLD = 0.7
"""The least confidence taken as an answer; below it the recogniser reports a no-match and the node asks again."""

MAX_ALTERNATIVES = 5
"""How many of vosk's best guesses share out the confidence."""

DEFAULT_MODEL_RATE_HZ = 16000
"""Kaldi's sample rate when a model's `conf/mfcc.conf` does not name one."""

MAX_IDLE_RECOGNIZERS = 4
"""Recognisers without a grammar kept for reuse, per model."""

DITHER_SEED = 1
"""The C library's `rand()` seed before each recognition: the seed a fresh process starts with."""

vosk.SetLogLevel(-1)  # model loading logs dozens of lines per language; warnings and errors still show

try:
    _srand: Any = ctypes.CDLL(None).srand
except (OSError, TypeError, AttributeError):  # no C library to reach (Windows): answers may vary by a hair
    _srand = None


@dataclass(frozen=True)
class _Model:
    path: Path
    model: Any
    rate_hz: int


_loaded: dict[Path, _Model] = {}
_loading = threading.Lock()
_idle: dict[tuple[Path, int], list[Any]] = {}
_idle_lock = threading.Lock()


@atexit.register
def _release() -> None:
    """Free recognisers and models while vosk can still free them (its objects fail in `__del__` at shutdown)."""
    _idle.clear()
    _loaded.clear()


def _load(path: Path) -> _Model:
    """The vosk model in a folder, loaded once for the whole process: models are large, and safe to share."""
    key = path.resolve()
    found = _loaded.get(key)
    if found is not None:
        return found
    with _loading:
        if key not in _loaded:
            _loaded[key] = _Model(key, vosk.Model(str(key)), _rate_hz(key))
        return _loaded[key]


def _rate_hz(path: Path) -> int:
    """The sample rate a model was trained on (`--sample-frequency` in its `conf/mfcc.conf`)."""
    try:
        for line in (path / "conf" / "mfcc.conf").read_text(encoding="utf-8").splitlines():
            if line.startswith("--sample-frequency="):
                return round(float(line.split("=", 1)[1]))
    except (OSError, ValueError):
        pass
    return DEFAULT_MODEL_RATE_HZ


def shares(alternatives: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """How vosk's best guesses share out belief, per text (the shares add up to 1).

    Vosk's `confidence` of an alternative is a log-likelihood, not a probability; a softmax over the alternatives
    turns the scores into shares. A guess far ahead of the others gets nearly all; close guesses split it.
    """
    if not alternatives:
        return {}
    top = max(float(a["confidence"]) for a in alternatives)
    weights: dict[str, float] = {}
    for alternative in alternatives:
        text = str(alternative.get("text", ""))
        weights[text] = weights.get(text, 0.0) + math.exp(float(alternative["confidence"]) - top)
    total = sum(weights.values())
    return {text: weight / total for text, weight in weights.items()}


class VoskRecognizer:
    """A `Recognizer` on vosk models, one folder per language; each model is loaded on first use and shared.

    `threshold` is the least confidence taken as an answer (0 to 1). The confidence of a phrase is its share of
    vosk's `max_alternatives` best guesses; vosk's per-word `conf` is not used, as it is often 1.0 for wrong words.
    """

    def __init__(
        self,
        models: Mapping[str, Path],
        threshold: float = DEFAULT_THRESHOLD,
        max_alternatives: int = MAX_ALTERNATIVES,
    ) -> None:
        if not 0 <= threshold <= 1:
            raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
        if max_alternatives < 1:
            raise ValueError(f"max_alternatives must be at least 1, not {max_alternatives}")
        self.models = dict(models)
        self.threshold = threshold
        self.max_alternatives = max_alternatives

    @classmethod
    def from_environment(cls, environment: Environment | None, threshold: float = DEFAULT_THRESHOLD) -> VoskRecognizer:
        """A recogniser with the environment's `[speech.models]` and the packaged models."""
        return cls(models_from(environment), threshold)

    def _model(self, language: str) -> _Model:
        path = model_path(self.models, language)
        if path is None or not path.is_dir():
            raise not_installed(language, path)
        try:
            return _load(path)
        except Exception:  # vosk raises a bare Exception when a folder holds no model
            raise not_installed(language, path, f"{path} is not a vosk model (vosk cannot load it)") from None

    def recognize(self, audio: Path, language: str, phrases: tuple[str, ...]) -> Heard:
        """What was said in `audio`: one of `phrases` (as written) if heard with enough confidence, else a no-match.

        Raises `ModelNotInstalled` when no model is set or found for the language, `AudioError` for a file that is
        not a PCM WAV file.
        """
        loaded = self._model(language)
        model = loaded.model
        grammar = Grammar.build(phrases, lambda word: model.vosk_model_find_word(word) >= 0) if phrases else None
        if grammar is not None and not grammar.phrases:
            return Heard(None, 0.0)  # the model knows none of the words: nothing expected can be heard
        pcm = _pcm(audio, loaded.rate_hz)
        recognizer = self._free(loaded) if grammar is None else self._new(loaded, grammar.to_json())
        if _srand is not None:
            # Kaldi dithers the audio (adds faint noise) with the C library's rand(): seeded, the same recording
            # always gives the same answer, whatever was recognised before (when one thread recognises at a time).
            _srand(DITHER_SEED)
        recognizer.AcceptWaveform(pcm)  # the whole answer as one utterance: a pause inside it does not cut it
        alternatives = json.loads(recognizer.FinalResult()).get("alternatives", [])
        if grammar is None:
            self._give_back(loaded, recognizer)
        heard: dict[str, float] = {}
        for text, share in shares(alternatives).items():
            phrase = grammar.expected(text) if grammar is not None else text or None
            if phrase is not None:
                heard[phrase] = heard.get(phrase, 0.0) + share
        if not heard:
            return Heard(None, 0.0)
        best = max(heard, key=heard.__getitem__)
        confidence = min(1.0, heard[best])
        return Heard(best if confidence >= self.threshold else None, confidence)

    def _new(self, loaded: _Model, grammar: str | None = None) -> Any:
        args = (loaded.model, loaded.rate_hz) if grammar is None else (loaded.model, loaded.rate_hz, grammar)
        recognizer = vosk.KaldiRecognizer(*args)
        recognizer.SetMaxAlternatives(self.max_alternatives)
        return recognizer

    def _free(self, loaded: _Model) -> Any:
        """A recogniser without a grammar, reused if one is idle: it composes the model's graph as it decodes and
        keeps what it composed, so the first answer takes seconds and later ones a fraction of that."""
        with _idle_lock:
            idle = _idle.get((loaded.path, self.max_alternatives))
            if idle:
                return idle.pop()
        return self._new(loaded)

    def _give_back(self, loaded: _Model, recognizer: Any) -> None:
        # after FinalResult, vosk starts the next answer afresh (features, decoder): only the composed graph stays
        with _idle_lock:
            idle = _idle.setdefault((loaded.path, self.max_alternatives), [])
            if len(idle) < MAX_IDLE_RECOGNIZERS:
                idle.append(recognizer)


def _pcm(audio: Path, rate_hz: int) -> bytes:
    """The recording as 16-bit mono samples at the model's rate (8 kHz phone audio upsampled by soxr)."""
    samples, rate = read_wav(audio)
    if rate != rate_hz and len(samples):
        samples = soxr.resample(samples, rate, rate_hz, quality="HQ")
    return np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
