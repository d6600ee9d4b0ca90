"""A caller who speaks while Callflow records: the AMI Redirect action sends the caller's half to play a sound file
named by a channel variable, and RECORD FILE writes what it said."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

from ami_replay import Tolerance, in_folder, replayed

RECORDINGS = Path(__file__).resolve().parent / "recordings"
RECORDED_DIR = "/tmp/asterisk/rec"  # where the recording machine kept the caller's sounds and the recordings
# RECORD FILE's `result=` is the milliseconds left of its 12000 when the 2 s of silence were complete; on the recording
# machine the frames of a played file reached the recording a few milliseconds later than the model's 20 ms steps,
# and at the replay's time scale of 0.1 every real millisecond of scheduling delay is 10 model ones (seen: 9506 and
# 9516 for the recorded 9545 in 2 of 5 runs with a 25 ms margin).
SILENCE_LEFT_MS = Tolerance("AsyncAGIExec", "Result", r"200%20result%3D(\d+)%20\(timeout\)%20endpos%3D\d+%0A", 100)
# The recordings the harness noted: the caller's sound less its last 22 samples, then 2 s of silence less the 1 s that
# RECORD FILE keeps of it.
RECORDED_SAMPLES = {"lab-spoken-ne-0": 11650, "lab-spoken-thanks-1": 19171}
SAID_SAMPLES = {"lab-spoken-ne-0": 7832, "lab-spoken-thanks-1": 15353}


def test_a_redirected_caller_is_heard_by_record_file(tmp_path: Path) -> None:
    """Redirect of the idle caller to `callflow-test-caller,say`: `Playback(${CALLFLOW_TEST_SAY})` shows the file's
    path, plays it (all but its last 22 samples), then `silence/10`; RECORD FILE `s=2` keeps the speech and 1 s of
    the silence after it, with the recorded `endpos`."""
    for sound in RECORDINGS.glob("spoken-answer/*.wav"):
        shutil.copy(sound, tmp_path)

    rewrite, translate = in_folder(RECORDED_DIR, tmp_path)

    count = replayed("spoken-answer", 0x106A, SILENCE_LEFT_MS, time_scale=0.1, rewrite=rewrite, translate=translate)
    assert count == 107
    for name, samples in RECORDED_SAMPLES.items():
        said = RECORDINGS / "spoken-answer" / f"{name.split('-', 1)[1].rsplit('-', 1)[0]}.wav"
        with wave.open(str(tmp_path / f"{name}.wav")) as recorded, wave.open(str(said)) as original:
            assert (recorded.getframerate(), recorded.getsampwidth(), recorded.getnchannels()) == (8000, 2, 1)
            assert recorded.getnframes() == samples
            assert original.getnframes() == SAID_SAMPLES[name]
            kept = SAID_SAMPLES[name] - 22
            assert recorded.readframes(kept) == original.readframes(kept)
