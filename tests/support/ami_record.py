"""RECORD FILE as recorded in record-file.txt (README fact 29), writing the recording as a WAV file.

`RECORD FILE <path> wav <escape digits> <timeout ms> [0] [BEEP] [s=<seconds>]`: with BEEP the beep plays first and
the caller's frames arriving under it are lost; the recording is the caller's audio frames (`ami_sounds`) that arrive
until it ends. Only frames count: a caller in `Wait()` sends none, so it neither fills the file nor counts as silence.
It ends (as Asterisk's res_agi does, and with the recorded results):

- an escape digit: the last 200 ms are cut off, `200 result=<code> (dtmf) endpos=<samples>`;
- silence detection: more than `s` seconds of consecutive silent frames (each counting its samples / 8 ms), the last
  `s - 1` seconds are cut off, `200 result=<ms left of the timeout> (timeout) endpos=<samples>`;
- the timeout: `200 result=0 (timeout) endpos=<samples>`;
- the caller's hangup: `200 result=-1 (hangup) endpos=<samples>`, AGIExecEnd -1/Failure, then the AsyncAGI end;
  under the beep (the AMI `Hangup` action, ami-hangup-mid-command.txt): `200 result=-1 (randomerror) endpos=0`,
  AGIExecEnd 200/Success, and no file.

The file is written to `<path>.wav` (an absolute path, or relative to the server's `sounds` folder), 8 kHz 16-bit
mono, `endpos` samples long, so that a later STREAM FILE of it plays `endpos` samples.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ami_channels import AUDIO, HANGUP
from ami_commands import Reply, command, refuse
from ami_sounds import FRAME_S, FRAME_SAMPLES, write_wav

if TYPE_CHECKING:
    from ami_call import Call, Segment

EPSILON_S = 1e-9
DTMF_REWIND_SAMPLES = 1600  # 200 ms


Piece = tuple[float, "Segment", int, int]  # frame time, segment, first sample in its sound, samples


def frames(audio: list[Segment], start: float, end: float) -> list[Piece]:
    """The caller's frames that arrive in [start, end), in time order."""
    out: list[Piece] = []
    for segment in audio:
        offset = 0
        for index, (samples, _) in enumerate(segment.sound.frames or ()):
            at = segment.start + index * FRAME_S
            stop = end if segment.end is None else min(end, segment.end)
            if start - EPSILON_S <= at < stop - EPSILON_S:
                out.append((at, segment, offset, samples))
            offset += samples
    return sorted(out, key=lambda piece: piece[0])


def silence_end(pieces: list[Piece], silence_ms: int) -> int | None:
    """How many of `pieces` arrive until the silence detector fires (None: it does not)."""
    total_ms = 0
    for count, (_, segment, offset, samples) in enumerate(pieces, 1):
        frame = offset // FRAME_SAMPLES
        silent = segment.sound.frames is not None and segment.sound.frames[frame][1]
        total_ms = total_ms + samples // 8 if silent else 0
        if total_ms > silence_ms:
            return count
    return None


@command("RECORD FILE")
async def record_file(call: Call, args: list[str], started: float) -> Reply | None:
    options = args[4:]
    if options[:1] == ["0"]:
        options = options[1:]
    silence = [o for o in options if o.startswith("s=") and o[2:].isdigit()]
    beep = "BEEP" in options
    path = call.pbx.sounds.path(args[0]) if args else None
    valid = len(args) >= 4 and args[1] == "wav" and args[3].isdigit() and int(args[3]) > 0
    if path is None or not valid or len(options) != len(silence) + beep or len(silence) > 1:
        return refuse(call)
    escape, timeout_ms = args[2], int(args[3])
    silence_ms = int(silence[0][2:]) * 1000 if silence else None
    start = started
    if beep:
        sound = call.pbx.sounds.find("beep")
        if sound is None:  # the session goes on (record-file-failures.txt)
            return Reply("200 result=-1 (randomerror) endpos=0")
        start += sound.length_s
        signal = await call.listen(escape, start)
        if signal is not None and signal[0] == HANGUP:
            return Reply("200 result=-1 (randomerror) endpos=0")
        if signal is not None:  # a digit under the beep was not recorded
            return refuse(call)
    if not path.parent.is_dir():  # the AsyncAGI session ends, the dialplan goes on (record-file-failures.txt)
        return Reply("200 result=-1 (writefile)", "-1", "Failure", then="failure")
    max_end = start + timeout_ms / 1000
    pieces: list[Piece] = []
    count: int | None = None
    while True:
        pieces = frames(call.audio, start, max_end)
        count = silence_end(pieces, silence_ms) if silence_ms is not None else None
        deadline = pieces[count - 1][0] if count is not None else max_end
        signal = await call.listen(escape, deadline, audio=True)
        if signal is None:
            break
        digit, at = signal
        if digit == AUDIO:  # the caller started another sound: where the silence ends may change
            continue
        pieces = frames(call.audio, start, at)
        if digit == HANGUP:
            _write(path, pieces, None)
            return Reply(f"200 result=-1 (hangup) endpos={_samples(pieces)}", "-1", "Failure")
        kept = _write(path, pieces, _samples(pieces) - DTMF_REWIND_SAMPLES)
        return Reply(f"200 result={ord(digit)} (dtmf) endpos={kept}")
    if count is None:
        return Reply(f"200 result=0 (timeout) endpos={_write(path, pieces, None)}")
    assert silence_ms is not None
    pieces = pieces[:count]
    left_ms = timeout_ms - int((pieces[-1][0] - start) * 1000)
    kept = _write(path, pieces, _samples(pieces) - (silence_ms - 1000) * 8)
    return Reply(f"200 result={left_ms} (timeout) endpos={kept}")


def _samples(pieces: list[Piece]) -> int:
    return sum(samples for *_, samples in pieces)


def _write(path: Path, pieces: list[Piece], keep: int | None) -> int:
    """Write the recording (cut to `keep` samples); its length in samples."""
    pcm = b"".join(segment.sound.audio(offset, samples) for _, segment, offset, samples in pieces)
    if keep is not None:
        pcm = pcm[: 2 * max(0, keep)]
    write_wav(path, pcm)
    return len(pcm) // 2
