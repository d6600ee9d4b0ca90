"""`callflow render-prompts`: every prompt of a flow in every language, phone-ready, cached, listed in a manifest."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from callflow.flowlang.loader import load_file
from callflow.speech.audio import duration_s, is_phone_ready
from callflow.speech.commands import render_prompts
from callflow.speech.manifest import read_manifest as manifest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HOTLINE = EXAMPLES / "hotline_12345.flow"

SMALL = """\
flow small
  languages zh-CN, en

prompt welcome
  file "welcome.wav"

prompt bye
  zh-CN "再见。"
  en    "Goodbye."

start: say welcome -> farewell

farewell: say bye -> done

done: hangup
"""


def render(*args: str | Path) -> Result:
    return CliRunner().invoke(render_prompts, [str(arg) for arg in args])


def write_tone(path: Path, rate_hz: int = 44100, seconds: float = 1.0) -> Path:
    """A stereo 440 Hz tone, as a studio recording might come."""
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(int(rate_hz * seconds)) / rate_hz) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(rate_hz)
        wav.writeframes(np.repeat(tone, 2).tobytes())
    return path


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A small bilingual flow with a recorded prompt, and its environment, in a folder of its own."""
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "small.flow").write_text(SMALL, encoding="utf-8")
    (folder / "callflow.toml").write_text('[voices]\nzh-CN = "sit/cmn"\nen = "en-us"\n', encoding="utf-8")
    write_tone(folder / "welcome.wav")
    return folder / "small.flow"


@pytest.fixture(scope="module")
def hotline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """The reference hotline's prompts rendered once into an empty folder, and what the command said."""
    out = tmp_path_factory.mktemp("hotline-prompts")
    return out, render(HOTLINE, "-o", out)


def test_every_hotline_prompt_is_rendered_in_both_languages(hotline: tuple[Path, Result]) -> None:
    """The manifest lists each prompt in zh-CN and en; each file is phone-ready and as long as the manifest says."""
    out, result = hotline
    assert result.exit_code == 0, result.output
    flow = load_file(HOTLINE).flow
    assert flow is not None
    lines = manifest(out)
    assert sorted((line["prompt"], line["language"]) for line in lines) == sorted(
        (prompt.id, language) for prompt in flow.prompts for language in ("zh-CN", "en")
    )
    for line in (line for line in lines if line["kind"] == "synthesised"):
        assert line["voice"] == {"zh-CN": "cmn", "en": "en-us"}[line["language"]]
        assert is_phone_ready(out / line["file"])
        assert duration_s(out / line["file"]) == pytest.approx(line["duration_s"], abs=0.001)
        assert 0.8 < line["duration_s"] < 30.0
        assert line["text"] == flow.prompt(line["prompt"]).text[line["language"]]  # type: ignore[union-attr]


def test_prompts_with_variables_are_listed_as_dynamic(hotline: tuple[Path, Result]) -> None:
    """A prompt that inserts variables cannot be made in advance: it is listed with its variables and no file."""
    out, _ = hotline
    dynamic = {(line["prompt"], line["language"]): line for line in manifest(out) if line["kind"] == "dynamic"}
    assert sorted(dynamic) == [
        ("case_status", "en"),
        ("case_status", "zh-CN"),
        ("queue_position", "en"),
        ("queue_position", "zh-CN"),
    ]
    assert dynamic["case_status", "en"]["variables"] == ["status", "ticket"]
    assert dynamic["queue_position", "zh-CN"] | {"file": None, "duration_s": None} == dynamic["queue_position", "zh-CN"]
    assert dynamic["queue_position", "zh-CN"]["text"] == "您前面还有{queue.position}位来电。"


def test_the_command_reports_what_it_synthesised_and_shows_progress(hotline: tuple[Path, Result]) -> None:
    """A cold run synthesises every static prompt; the progress bar goes to stderr, the summary to stdout."""
    out, result = hotline
    files = sum(1 for line in manifest(out) if line["file"])
    assert result.stdout == (
        f"{files} prompt files in {out}: {files} synthesised, 0 from the cache; 4 dynamic, rendered at call time\n"
        f"wrote {out / 'manifest.json'}\n"
    )
    assert "rendering prompts" in result.stderr and "Audio saved" not in result.output


def test_a_second_run_takes_every_prompt_from_the_cache(hotline: tuple[Path, Result]) -> None:
    """Nothing is synthesised again, and the manifest is the same."""
    out, _ = hotline
    before = manifest(out)
    result = render(HOTLINE, "-o", out)
    assert result.exit_code == 0, result.output
    files = sum(1 for line in before if line["file"])
    assert result.stdout.startswith(f"{files} prompt files in {out}: 0 synthesised, {files} from the cache;")
    assert manifest(out) == before


def test_a_changed_text_is_synthesised_again_and_prune_removes_the_old_file(small: Path, tmp_path: Path) -> None:
    """Only the changed prompt is synthesised; `--prune` deletes the file nothing uses any more."""
    out = tmp_path / "out"
    assert render(small, "-o", out).exit_code == 0
    old = {line["file"] for line in manifest(out)}
    small.write_text(SMALL.replace("Goodbye.", "Goodbye, and thank you."), encoding="utf-8")
    result = render(small, "-o", out, "--prune")
    assert result.exit_code == 0, result.output
    assert ": 1 synthesised, 2 from the cache" in result.stdout
    assert result.stdout.endswith("pruned 1 unused file\n")
    new = {line["file"] for line in manifest(out)}
    assert len(old - new) == 1 and not (out / (old - new).pop()).exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([*new, "manifest.json"])


def test_a_recorded_file_is_checked_and_converted(small: Path, tmp_path: Path) -> None:
    """A 44.1 kHz stereo recording is listed for every language (`*`) and converted to 8 kHz 16-bit mono."""
    out = tmp_path / "out"
    result = render(small, "-o", out)
    assert result.exit_code == 0, result.output
    assert ": 2 synthesised, 0 from the cache, 1 recordings converted\n" in result.stdout
    (recorded,) = [line for line in manifest(out) if line["kind"] == "recorded"]
    assert recorded["language"] == "*" and recorded["source"] == "welcome.wav"
    assert is_phone_ready(out / recorded["file"]) and recorded["duration_s"] == pytest.approx(1.0)


def test_a_missing_audio_file_fails_clearly_before_anything_is_synthesised(small: Path, tmp_path: Path) -> None:
    """The error points at the prompt in the flow and names the file; nothing is written."""
    (small.parent / "welcome.wav").unlink()
    result = render(small, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{small}:4:1: prompt `welcome` plays 'welcome.wav', but there is no such file" in result.output
    assert not (tmp_path / "out").exists()


def test_an_audio_file_that_is_not_a_wav_fails_clearly(small: Path, tmp_path: Path) -> None:
    """A recording must be a readable PCM WAV file."""
    (small.parent / "welcome.wav").write_text("not audio", encoding="utf-8")
    result = render(small, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{small}:4:1: prompt `welcome` plays 'welcome.wav': " in result.output
    assert "welcome.wav: not a readable PCM WAV file" in result.output
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_a_voice_that_is_not_installed_fails_before_rendering(small: Path, tmp_path: Path) -> None:
    """A wrong `[voices]` entry is reported with the language, not spoken with espeak-ng's default voice."""
    (tmp_path / "env.toml").write_text('[voices]\nzh-CN = "mandarin"\n', encoding="utf-8")
    result = render(small, "-o", tmp_path / "out", "--env", tmp_path / "env.toml")
    assert result.exit_code == 2
    assert "no installed espeak-ng voice 'mandarin' for zh-CN" in result.output
    assert list((tmp_path / "out").glob("*.wav")) == []
