"""WAV files as Asterisk plays them: read any PCM WAV, resample with soxr, write 8 kHz 16-bit mono."""

from __future__ import annotations

import os
import struct
import time
import wave
from pathlib import Path
from typing import TYPE_CHECKING

from callflow.speech.types import PHONE_RATE_HZ, SpeechError

# numpy and soxr load when samples are read or converted, not for a file's header (a cached prompt's length, the
# simulator's prompts): `callflow render-prompts` of a cached flow and `callflow simulate` never need them.
if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]
    """Mono audio as floats between -1 and 1."""

PHONE_SAMPLE_WIDTH = 2
_RIFF_HEADER = struct.Struct("<4sI4s")
_CHUNK_HEADER = struct.Struct("<4sI")


class AudioError(SpeechError):
    """An audio file that is missing, unreadable, or not a PCM WAV file."""


def read_wav(path: Path) -> tuple[Samples, int]:
    """The samples of a PCM WAV file (channels mixed down to mono) and its sample rate in Hz."""
    import numpy as np

    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            data = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise AudioError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AudioError(f"{path}: is a folder, not a WAV file") from None
    except OSError as error:
        raise AudioError(f"{path}: cannot read the file ({error.strerror or error})") from None
    except (wave.Error, EOFError) as error:
        raise AudioError(f"{path}: not a readable PCM WAV file ({error}); convert it with sox or ffmpeg") from None
    if rate <= 0 or channels <= 0:
        raise AudioError(f"{path}: the WAV header says {rate} Hz and {channels} channels")
    samples = _to_float(data, width, path)
    return samples.reshape(-1, channels).mean(axis=1, dtype=np.float32), rate


def _to_float(data: bytes, width: int, path: Path) -> Samples:
    """PCM bytes of any sample width that WAV uses, as floats between -1 and 1."""
    import numpy as np

    if width == 1:  # 8-bit WAV is unsigned
        return ((np.frombuffer(data, np.uint8).astype(np.float32) - 128.0) / 128.0).astype(np.float32)
    if width == 2:
        return (np.frombuffer(data, "<i2").astype(np.float32) / 32768.0).astype(np.float32)
    if width == 3:
        raw = np.frombuffer(data, np.uint8).reshape(-1, 3).astype(np.int32)
        values = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
        values = np.where(values >= 1 << 23, values - (1 << 24), values)
        return (values.astype(np.float32) / float(1 << 23)).astype(np.float32)
    if width == 4:
        return (np.frombuffer(data, "<i4").astype(np.float64) / float(1 << 31)).astype(np.float32)
    raise AudioError(f"{path}: {8 * width}-bit samples are not supported")


def to_phone(samples: Samples, rate_hz: int) -> npt.NDArray[np.int16]:
    """Mono samples at any rate as 8 kHz 16-bit samples, resampled by soxr (band-limited, not by dropping)."""
    import numpy as np
    import soxr  # type: ignore[import-untyped]

    if rate_hz != PHONE_RATE_HZ and len(samples):
        samples = soxr.resample(samples, rate_hz, PHONE_RATE_HZ, quality="HQ").astype(np.float32)
    return np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")


def write_phone_wav(path: Path, samples: npt.NDArray[np.int16]) -> None:
    """Write 8 kHz 16-bit mono samples as a WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(PHONE_SAMPLE_WIDTH)
        wav.setframerate(PHONE_RATE_HZ)
        wav.writeframes(samples.astype("<i2").tobytes())


def convert_to_phone(source: Path, target: Path) -> float:
    """Write `source` (any PCM WAV) to `target` as 8 kHz 16-bit mono; its length in seconds."""
    samples, rate_hz = read_wav(source)
    phone = to_phone(samples, rate_hz)
    write_phone_wav(target, phone)
    return len(phone) / PHONE_RATE_HZ


def duration_s(path: Path) -> float:
    """How long a WAV file plays, in seconds (from its header)."""
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() / wav.getframerate()
    except (OSError, wave.Error, EOFError) as error:
        raise AudioError(f"{path}: not a readable WAV file ({error})") from None


def peak_level(path: Path) -> float:
    """The loudest sample of a WAV file, from 0 (silence) to 1 (full scale)."""
    import numpy as np

    samples, _ = read_wav(path)
    return float(np.max(np.abs(samples))) if len(samples) else 0.0


def is_phone_ready(path: Path) -> bool:
    """Whether a file is what Asterisk plays without transcoding: a complete 8 kHz, 16-bit, mono PCM WAV."""
    try:
        with wave.open(str(path), "rb") as wav:
            shape = (wav.getframerate(), wav.getsampwidth(), wav.getnchannels())
    except (OSError, wave.Error, EOFError):
        return False
    return shape == (PHONE_RATE_HZ, PHONE_SAMPLE_WIDTH, 1) and is_complete_wav(path)


def is_complete_wav(path: Path) -> bool:
    """Whether a WAV file is completely written: its header's sizes add up to the file's size.

    A writer (the `wave` module included) fills in the sizes only when it closes the file, so a file still being
    written has a header that disagrees with its length.
    """
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            riff, riff_size, form = _RIFF_HEADER.unpack(file.read(_RIFF_HEADER.size))
            if riff != b"RIFF" or form != b"WAVE" or riff_size + 8 != size:
                return False
            while header := file.read(_CHUNK_HEADER.size):
                if len(header) < _CHUNK_HEADER.size:
                    return False
                chunk, chunk_size = _CHUNK_HEADER.unpack(header)
                if chunk == b"data":
                    return bool(file.tell() + chunk_size <= size)
                file.seek(chunk_size + chunk_size % 2, os.SEEK_CUR)
    except (OSError, struct.error):
        return False
    return False


def wait_until_written(path: Path, timeout_s: float, poll_s: float = 0.01) -> bool:
    """Wait until a WAV file exists, has a valid header and has stopped growing; False after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    last_size = -1
    while True:
        size = path.stat().st_size if path.exists() else -1
        if size >= 0 and size == last_size and is_complete_wav(path):
            return True
        if time.monotonic() >= deadline:
            return False
        last_size = size
        time.sleep(poll_s)
