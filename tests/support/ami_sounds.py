"""Sound files as the AMI test server plays and records them: the recorded Asterisk core sounds, WAV files on disk,
and the audio frames a caller's `Playback` sends.

Recorded lengths (`shared/asterisk-transcripts/`): a prompt played to the end reports `endpos` = its samples
(hello-world 11234, beep 3404, vm-goodbye 6920, tt-monkeys 129440); demo-congrats lasts 30.3 s but was only ever cut.
What a caller's `Playback` delivers was measured through RECORD FILE (record-file.txt): hello-world arrives as 11212
samples (the recording cut by the caller's hangup right after it has exactly that many), tt-weasels as 23586 (the
`#`-ended recording: 11212 less the two frames lost under the beep, plus tt-weasels, less the 200 ms rewind, gives the
recorded 32878), `silence/N` as N s of silent frames. Those core sounds are not on this machine: a recording of them
is written as silence of the right length. For silence detection (`s=2`) the frames of hello-world are voice except
its last 61 ms (the recording ended by 2 s of silence then has the recorded 18732 samples); tt-weasels, never followed
by a silence detection in the recordings, counts as voice throughout.

A WAV file on disk (8 kHz, 16-bit, mono; an absolute path, or relative to the server's `sounds` folder) plays for its
real length and its frames are voice or silence by Asterisk's default silence threshold (average magnitude 256). A
caller's `Playback` of it sends all but its last 22 samples (this project's spoken-answer.txt: a 7832-sample file
arrived as 7810 samples, 0.976 s, then the next sound's first sample; Asterisk's format_wav stops reading where the
file position, header included, reaches the data chunk's length, so a 44-byte header costs the last 44 bytes).
STREAM FILE still reports all its samples as `endpos` (record-file.txt: 32878 for a 32878-sample recording).
A name found nowhere is the recorded missing file.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

SAMPLE_RATE_HZ = 8000
FRAME_SAMPLES = 160  # 20 ms frames; a cut prompt's endpos was a whole number of them (12960, 20000)
FRAME_S = FRAME_SAMPLES / SAMPLE_RATE_HZ
SILENCE_THRESHOLD = 256  # Asterisk's default `silencethreshold` (dsp.conf), for sounds with real audio
# `endpos` of core sounds played to the end, as recorded (README fact 27).
PROMPT_SAMPLES = {"hello-world": 11234, "beep": 3404, "vm-goodbye": 6920, "tt-monkeys": 129440}
PROMPT_SAMPLES["demo-congrats"] = 242214  # played out in this project's heartbeat-mid-call.txt
PROMPT_SAMPLES["tt-weasels"] = 23608  # played out in this project's stream-key-not-escape.txt
# Samples a caller's Playback of a core sound delivers, and how many trailing samples of them are silence.
CALLER_SAMPLES = {"hello-world": (11212, 3 * FRAME_SAMPLES + 12), "tt-weasels": (23586, 0)}

Frame = tuple[int, bool]  # (samples, silent)


@dataclass(frozen=True)
class Sound:
    """One sound file: how a prompt of it plays, and the frames a caller's Playback of it sends."""

    name: str
    endpos: int | None  # what STREAM FILE reports when it plays to the end; None: never recorded
    length_s: float  # how long it plays
    frames: tuple[Frame, ...] | None  # what a caller's Playback sends; None: never recorded
    pcm: bytes | None = None  # 16-bit mono 8 kHz audio, when the file is on disk

    @property
    def samples(self) -> int:
        """Samples a caller's Playback of it sends."""
        return sum(n for n, _ in self.frames or ())

    def audio(self, start: int, count: int) -> bytes:
        """`count` samples from sample `start` of the caller's audio (silence where there is no audio)."""
        if self.pcm is None:
            return bytes(2 * count)
        chunk = self.pcm[2 * start : 2 * (start + count)]
        return chunk + bytes(2 * count - len(chunk))


def _frames(samples: int, silent_tail: int = 0, *, silent: bool = False) -> tuple[Frame, ...]:
    out: list[Frame] = []
    for start in range(0, samples, FRAME_SAMPLES):
        n = min(FRAME_SAMPLES, samples - start)
        out.append((n, silent or start >= samples - silent_tail))
    return tuple(out)


def _core(name: str) -> Sound | None:
    if name.startswith("silence/") and name[8:].isdigit():
        samples = int(name[8:]) * SAMPLE_RATE_HZ
        return Sound(name, None, samples / SAMPLE_RATE_HZ, _frames(samples, silent=True))
    caller = CALLER_SAMPLES.get(name)
    frames = _frames(*caller) if caller else None
    if name in PROMPT_SAMPLES:
        return Sound(name, PROMPT_SAMPLES[name], PROMPT_SAMPLES[name] / SAMPLE_RATE_HZ, frames)
    return None


def read_wav(path: Path) -> bytes:
    """The 16-bit samples of an 8 kHz mono WAV file."""
    with wave.open(str(path), "rb") as wav:
        shape = (wav.getframerate(), wav.getsampwidth(), wav.getnchannels())
        if shape != (SAMPLE_RATE_HZ, 2, 1):
            raise ValueError(f"{path}: the test server plays 8 kHz 16-bit mono WAV only, not {shape}")
        return wav.readframes(wav.getnframes())


def write_wav(path: Path, pcm: bytes) -> None:
    """Write 16-bit 8 kHz mono samples as a WAV file (the 44-byte header Asterisk writes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE_HZ)
        wav.writeframes(pcm)


def _is_silent(pcm: bytes) -> bool:
    values = memoryview(pcm).cast("h")
    return not values or sum(abs(v) for v in values) / len(values) < SILENCE_THRESHOLD


def from_pcm(name: str, pcm: bytes, header_bytes: int = 0) -> Sound:
    """A sound with real audio; from a WAV file whose samples start `header_bytes` into it, a caller's Playback
    sends all but the last `header_bytes` bytes of them."""
    samples = len(pcm) // 2
    sent = max(0, samples - header_bytes // 2)
    frames = []
    for start in range(0, sent, FRAME_SAMPLES):
        chunk = pcm[2 * start : 2 * min(sent, start + FRAME_SAMPLES)]
        frames.append((len(chunk) // 2, _is_silent(chunk)))
    return Sound(name, samples, samples / SAMPLE_RATE_HZ, tuple(frames), pcm)


class Sounds:
    """Finds sounds by the name an AGI command or a caller's Playback gives."""

    def __init__(self, folder: Path | None = None, missing: frozenset[str] = frozenset()) -> None:
        """`folder` is where relative names are looked for as `<name>.wav` (None: only absolute paths); `missing`
        are core sounds this Asterisk lacks (a source build without its sounds: record-file-failures.txt)."""
        self.folder = folder
        self.missing = missing

    def path(self, name: str) -> Path | None:
        """Where `<name>.wav` is (or would be written): absolute, or in the sounds folder."""
        path = Path(name)
        if path.is_absolute():
            return path.with_name(path.name + ".wav")
        return self.folder / f"{name}.wav" if self.folder is not None else None

    def find(self, name: str) -> Sound | None:
        """The sound `name`: a recorded core sound, else a WAV file on disk; None when it is found nowhere."""
        if name in self.missing:
            return None
        core = _core(name)
        if core is not None:
            return core
        path = self.path(name)
        if path is None or not path.is_file():
            return None
        pcm = read_wav(path)
        return from_pcm(name, pcm, header_bytes=path.stat().st_size - len(pcm))  # the data chunk comes last
