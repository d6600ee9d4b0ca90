"""RECORD FILE over AsyncAGI: the recorded client gets the recorded bytes, and the recordings are real WAV files."""

from __future__ import annotations

import wave
from pathlib import Path

from ami_replay import Tolerance, in_folder, replayed

RECORDED_DIR = "/var/spool/asterisk/lab-recordings"  # as the README writes the recording machine's spool folder
# Silence detection's `result=` is the milliseconds left of the 20000 ms limit when the 2 s of silence were complete:
# 3.724 s after the recording started on the recording machine, where each step of the caller's script took a
# millisecond or two longer than the model's; within 25 ms of the recorded 16276.
SILENCE_LEFT_MS = Tolerance("AsyncAGIExec", "Result", r"200%20result%3D(\d+)%20\(timeout\)%20endpos%3D18732%0A", 25)
# File sizes the recording's harness noted: a 44-byte header and 16-bit samples.
RECORDED_BYTES = {"a": 65800, "b": 37508, "c": 41668, "d": 22468}


def test_record_file_is_replayed_byte_for_byte(tmp_path: Path) -> None:
    """RECORD FILE ended by `#` (`result=35 (dtmf)`), by 2 s of silence, by its 3000 ms limit and by the caller's
    hangup, with the recorded `endpos` each time; STREAM FILE of the first recording plays its `endpos` samples."""

    rewrite, translate = in_folder(RECORDED_DIR, tmp_path)

    count = replayed("record-file", 6, SILENCE_LEFT_MS, time_scale=0.1, rewrite=rewrite, translate=translate)
    assert count == 200
    for suffix, size in RECORDED_BYTES.items():
        (path,) = tmp_path.glob(f"lab-*-{suffix}.wav")
        assert path.stat().st_size == size
        with wave.open(str(path)) as wav:
            assert (wav.getframerate(), wav.getsampwidth(), wav.getnchannels()) == (8000, 2, 1)


def test_failing_record_files_are_replayed_byte_for_byte(tmp_path: Path) -> None:
    """RECORD FILE with BEEP when Asterisk has no `beep` sound: `result=-1 (randomerror) endpos=0` and the session
    goes on (CHANNEL STATUS answers 6, a prompt plays); RECORD FILE into a folder that does not exist:
    `result=-1 (writefile)`, AGIExecEnd -1/Failure, then AsyncAGIEnd with AGISTATUS=FAILURE and the dialplan goes
    on; half a second later the channel is gone."""
    rewrite, translate = in_folder("/tmp/asterisk", tmp_path)
    (tmp_path / "rec").mkdir()  # the recording's folder; `no-such-folder` beside it is not made
    count = replayed(
        "record-file-failures", 0x24, rewrite=rewrite, translate=translate, missing_sounds=frozenset({"beep"})
    )
    assert count > 0
    assert list(tmp_path.rglob("*.wav")) == []  # neither recording wrote a file
