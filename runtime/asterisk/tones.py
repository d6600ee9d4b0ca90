"""Sounds Callflow makes itself for live lines, so that Asterisk needs none of its own sound files: the beep before a
recording, and the silence the live tests' caller sends after speaking.

Written once into the prompt folder (whole: to a temporary name, then renamed), readable by everyone, so that an
Asterisk running as its own user can play them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from callflow.speech.audio import is_phone_ready, write_phone_wav
from callflow.speech.types import PHONE_RATE_HZ

Samples = npt.NDArray[np.int16]

BEEP_HZ = 1000.0
BEEP_S = 0.43
"""As long as Asterisk's own `beep` (3404 samples, README fact 27)."""
BEEP_LEVEL = 0.35
"""Of full scale: clearly heard, well short of clipping."""
EDGE_S = 0.01
"""Fade in and out, so the tone starts and stops without a click."""
FILE_MODE = 0o644


def beep(folder: Path) -> Path:
    """The beep file in `folder` (made on first use)."""
    return _made(folder / "callflow-beep.wav", lambda: _tone(BEEP_HZ, BEEP_S, BEEP_LEVEL))


def silence(folder: Path, seconds: int) -> Path:
    """`seconds` of silence in `folder` (made on first use)."""
    return _made(folder / f"callflow-silence-{seconds}s.wav", lambda: np.zeros(seconds * PHONE_RATE_HZ, "<i2"))


def _tone(hz: float, seconds: float, level: float) -> Samples:
    t = np.arange(round(seconds * PHONE_RATE_HZ)) / PHONE_RATE_HZ
    edge = np.clip(np.minimum(t, seconds - t) / EDGE_S, 0.0, 1.0)
    return np.round(np.sin(2 * np.pi * hz * t) * edge * level * 32767).astype("<i2")


def _made(path: Path, samples: Callable[[], Samples]) -> Path:
    if is_phone_ready(path):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".partial-", suffix=".wav", dir=path.parent)
    os.close(handle)
    try:
        write_phone_wav(Path(name), samples())
        os.chmod(name, FILE_MODE)
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)
    return path
