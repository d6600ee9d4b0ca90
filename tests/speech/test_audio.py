"""WAV files for Asterisk: any PCM WAV in, 8 kHz 16-bit mono out, resampled without aliasing."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from callflow.speech.audio import (
    AudioError,
    convert_to_phone,
    duration_s,
    is_complete_wav,
    is_phone_ready,
    read_wav,
    to_phone,
    wait_until_written,
)


def tone(frequency_hz: float, rate_hz: int, seconds: float, amplitude: float = 0.5) -> npt.NDArray[np.float64]:
    """A sine wave."""
    t = np.arange(int(rate_hz * seconds)) / rate_hz
    return amplitude * np.sin(2 * np.pi * frequency_hz * t)


def write_pcm(path: Path, samples: npt.NDArray[np.float64], rate_hz: int, width: int = 2, channels: int = 1) -> Path:
    """Write samples (copied to every channel) as a PCM WAV of the given sample width."""
    frames = np.repeat(samples[:, None], channels, axis=1).reshape(-1)
    if width == 1:
        data = np.round(frames * 127 + 128).astype(np.uint8).tobytes()
    elif width == 2:
        data = np.round(frames * 32767).astype("<i2").tobytes()
    elif width == 3:
        values = np.round(frames * (2**23 - 1)).astype("<i4")
        data = values.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    else:
        data = np.round(frames * (2**31 - 1)).astype("<i4").tobytes()
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate_hz)
        wav.writeframes(data)
    return path


def rms(samples: npt.NDArray[np.floating] | npt.NDArray[np.integer]) -> float:
    return float(np.sqrt(np.mean(np.square(samples.astype(np.float64)))))


def peak_hz(samples: npt.NDArray[np.int16], rate_hz: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.fft.rfftfreq(len(samples), 1 / rate_hz)[int(np.argmax(spectrum))])


def test_resampling_keeps_the_pitch_the_length_and_the_loudness() -> None:
    """A 440 Hz tone at 22,050 Hz is still 440 Hz, as long and as loud at 8 kHz."""
    phone = to_phone(tone(440, 22050, 2.0).astype(np.float32), 22050)
    assert len(phone) == 16000
    assert peak_hz(phone, 8000) == pytest.approx(440, abs=1)
    assert rms(phone) / 32767 == pytest.approx(0.5 / np.sqrt(2), rel=0.02)


def test_resampling_filters_what_the_phone_cannot_carry_instead_of_aliasing_it() -> None:
    """A 6 kHz tone is above 8 kHz audio's 4 kHz limit: soxr removes it, where dropping samples would fold it down."""
    source = tone(6000, 22050, 1.0).astype(np.float32)
    assert rms(to_phone(source, 22050)) < 0.01 * 32767
    dropped = source[np.round(np.arange(8000) * 22050 / 8000).astype(int)]
    assert rms(dropped) > 0.2


@pytest.mark.parametrize(("rate_hz", "width", "channels"), [(44100, 3, 2), (16000, 1, 1), (48000, 4, 2), (8000, 2, 1)])
def test_any_pcm_wav_becomes_8_khz_16_bit_mono(tmp_path: Path, rate_hz: int, width: int, channels: int) -> None:
    """Recordings of any rate, sample width and channel count convert to what Asterisk plays."""
    source = write_pcm(tmp_path / "in.wav", tone(440, rate_hz, 1.5), rate_hz, width, channels)
    assert not is_phone_ready(source) or (rate_hz, width, channels) == (8000, 2, 1)
    seconds = convert_to_phone(source, tmp_path / "out.wav")
    assert seconds == pytest.approx(1.5, abs=0.001)
    assert is_phone_ready(tmp_path / "out.wav")
    samples, rate = read_wav(tmp_path / "out.wav")
    assert rate == 8000 and duration_s(tmp_path / "out.wav") == pytest.approx(1.5, abs=0.001)
    assert rms(samples) == pytest.approx(0.5 / np.sqrt(2), rel=0.03)


def test_a_missing_file_is_named_in_the_error(tmp_path: Path) -> None:
    """Reading a file that is not there says so."""
    with pytest.raises(AudioError, match=r"missing\.wav: no such file"):
        read_wav(tmp_path / "missing.wav")


def test_a_file_that_is_not_a_wav_is_refused_clearly(tmp_path: Path) -> None:
    """A text file named `.wav` is not taken for audio."""
    (tmp_path / "notes.wav").write_text("not audio", encoding="utf-8")
    with pytest.raises(AudioError, match=r"notes\.wav: not a readable PCM WAV file"):
        read_wav(tmp_path / "notes.wav")
    assert not is_phone_ready(tmp_path / "notes.wav")


def test_a_wav_still_being_written_is_not_complete(tmp_path: Path) -> None:
    """Until the writer closes it, a WAV header disagrees with the file's length; a truncated file never agrees."""
    path = tmp_path / "growing.wav"
    with path.open("wb") as file, wave.open(file, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        for _ in range(2):  # the header, written with the first chunk, counts only that chunk
            writer.writeframesraw(np.zeros(8000, "<i2").tobytes())
        file.flush()  # what a reader on another thread sees while the writer is busy
        growing = is_complete_wav(path)
    assert path.stat().st_size == 44 + 32000 and not growing
    assert is_complete_wav(path) and is_phone_ready(path)
    path.write_bytes(path.read_bytes()[:-100])
    assert not is_complete_wav(path) and not is_phone_ready(path)


def test_waiting_for_a_file_is_bounded(tmp_path: Path) -> None:
    """Waiting for a file that never comes gives up after the timeout; a complete file is accepted at once."""
    assert wait_until_written(tmp_path / "never.wav", timeout_s=0.05) is False
    done = write_pcm(tmp_path / "done.wav", tone(440, 8000, 0.1), 8000)
    assert wait_until_written(done, timeout_s=1.0) is True


def test_only_8_khz_16_bit_mono_is_phone_ready(tmp_path: Path) -> None:
    """A 22,050 Hz file (what espeak-ng writes) would be transcoded by Asterisk on every call."""
    assert not is_phone_ready(write_pcm(tmp_path / "tts.wav", tone(440, 22050, 0.5), 22050))
    assert not is_phone_ready(write_pcm(tmp_path / "stereo.wav", tone(440, 8000, 0.5), 8000, channels=2))
    assert is_phone_ready(write_pcm(tmp_path / "phone.wav", tone(440, 8000, 0.5), 8000))
