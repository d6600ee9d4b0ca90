"""Prompt lengths: the simulator plays each prompt as long as espeak-ng's rendered file lasts, or as long as the
calibrated estimate says when it is not rendered. The examples' prompts are rendered with the real synthesiser (into
pytest's cache folder, so a second run takes no time)."""

from __future__ import annotations

import asyncio
import json
import statistics
import wave
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from callflow.flowlang.environment import Environment, load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.line import COMMAND_GAP_S
from callflow.runtime.simulator.run import Simulator
from callflow.runtime.simulator.script import parse_script
from callflow.runtime.types import Audio
from callflow.speech.cache import PromptCache
from callflow.speech.lengths import PromptLengths, en_number, estimate_s, zh_number
from callflow.speech.manifest import Entry, plan, render, write_manifest
from callflow.speech.synthesis import Pyttsx3Synthesizer
from callflow.speech.types import Voice

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FRIDAY_10 = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def rendered(request: pytest.FixtureRequest) -> tuple[Path, list[Entry]]:
    """Every prompt of the examples rendered by espeak-ng, with the manifest, in a folder kept between runs."""
    folder = Path(request.config.cache.mkdir("callflow-rendered-prompts"))
    environment = load_environment(EXAMPLES / "callflow.toml")
    jobs = []
    for path in sorted(EXAMPLES.glob("*.flow")):
        flow = load_file(path).flow
        assert flow is not None
        jobs.extend(plan(flow, EXAMPLES, environment))
    entries = render(jobs, PromptCache(folder, Pyttsx3Synthesizer()))
    write_manifest(entries, folder)
    return folder, [e for e in entries if e.file is not None and e.job.kind == "synthesised"]


def seconds_of(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def test_every_prompt_of_the_examples_lasts_in_the_simulator_as_long_as_its_rendered_file(
    rendered: tuple[Path, list[Entry]],
) -> None:
    """Given the rendered prompts, the simulator's length of each is within 5 % of its file's."""
    folder, entries = rendered
    simulator = Simulator(load_environment(EXAMPLES / "callflow.toml"), EXAMPLES, prompts=folder)
    off = []
    for entry in entries:
        assert entry.file is not None and entry.job.text is not None
        length = simulator.length(Audio(entry.job.text, entry.job.language))
        actual = seconds_of(entry.file)
        if abs(length - actual) > 0.05 * actual:
            off.append((entry.job.prompt, entry.job.language, length, actual))
    simulator.close()
    assert len(entries) >= 100
    assert off == []


def test_a_simulated_call_plays_each_rendered_prompt_for_its_files_length(rendered: tuple[Path, list[Entry]]) -> None:
    """On a simulated call the main menu starts when the rendered greeting has played (after the line's poll)."""
    folder, entries = rendered
    greeting = next(e for e in entries if e.job.prompt == "greeting" and e.job.language == "zh-CN")
    assert greeting.file is not None
    hotline = load_file(EXAMPLES / "hotline_12345.flow").flow
    assert hotline is not None
    simulator = Simulator(load_environment(EXAMPLES / "callflow.toml"), EXAMPLES, prompts=folder)
    try:
        call = asyncio.run(simulator.call(hotline, parse_script(["hangup"]), at=FRIDAY_10))
    finally:
        simulator.close()
    starts = {e["prompt"]: e["t"] for e in call.events if e["event"] == "prompt"}
    assert starts["main_menu"] - starts["greeting"] == pytest.approx(
        COMMAND_GAP_S + seconds_of(greeting.file), abs=1e-3
    )


def test_the_calibrated_estimate_comes_close_to_every_rendered_prompt_of_the_examples(
    rendered: tuple[Path, list[Entry]],
) -> None:
    """Without the files, the estimate is within 5 % on average for each voice and within 20 % for every prompt
    (the fit never saw these prompts: `bench/prompt_lengths.py` measures and reports the same)."""
    _, entries = rendered
    errors: dict[str, list[float]] = {}
    for entry in entries:
        assert entry.file is not None and entry.job.text is not None and entry.job.voice is not None
        actual = seconds_of(entry.file)
        errors.setdefault(entry.job.voice.name, []).append(
            (estimate_s(entry.job.text, entry.job.voice) - actual) / actual
        )
    assert set(errors) == {"cmn", "en-us"}
    for voice, found in errors.items():
        assert statistics.mean(abs(e) for e in found) < 0.05, voice
        assert max(abs(e) for e in found) < 0.20, voice


def test_a_prompt_the_manifest_lists_lasts_as_long_as_it_says(tmp_path: Path) -> None:
    """The lengths `render-prompts` wrote in manifest.json are used as they are."""
    line = {"flow": "f", "prompt": "p", "language": "en", "kind": "synthesised", "text": "Hello there."}
    line |= {"voice": "en-us", "rate_wpm": 150, "file": "x.wav", "duration_s": 7.25}
    (tmp_path / "manifest.json").write_text(json.dumps({"version": 1, "prompts": [line]}), encoding="utf-8")
    lengths = PromptLengths(Environment.empty(), tmp_path)
    assert lengths.text_s("Hello there.", "en") == 7.25
    assert lengths.text_s("Something else.", "en") == estimate_s("Something else.", Voice("en", "en-us"))


def test_a_prompt_file_lasts_as_long_as_the_file_and_a_missing_one_two_seconds(tmp_path: Path) -> None:
    """An audio-file prompt plays for its WAV file's length; a file that cannot be read counts as 2 s."""
    with wave.open(str(tmp_path / "beep.wav"), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(bytes(2 * 8000 * 3))
    lengths = PromptLengths(Environment.empty(), None, tmp_path)
    assert lengths.file_s("beep.wav") == 3.0
    assert lengths.file_s("missing.wav") == 2.0


def test_a_slower_rate_makes_a_longer_prompt() -> None:
    """The estimate scales with the speaking rate: 100 words a minute takes longer than 150, 200 less."""
    text = "Please leave your message after the tone."
    slow, usual, fast = (estimate_s(text, Voice("en", "en-us", rate)) for rate in (100, 150, 200))
    assert slow > usual * 1.4 > fast * 1.4 * 1.3


def test_a_voice_never_measured_borrows_the_calibration_of_its_texts_script() -> None:
    """An unmeasured voice gets Mandarin's estimate for Chinese text and English's for Latin text."""
    chinese, english = "您好，欢迎致电。", "Welcome to the line."
    assert estimate_s(chinese, Voice("zh-TW", "yue")) == estimate_s(chinese, Voice("zh-CN", "cmn"))
    assert estimate_s(english, Voice("fr", "fr")) == estimate_s(english, Voice("en", "en-us"))


def test_more_characters_and_pauses_take_longer() -> None:
    """A longer text, and the same text with a pause, takes longer to say."""
    voice = Voice("zh-CN", "cmn")
    assert estimate_s("您好，欢迎致电热线。", voice) > estimate_s("您好。", voice)
    assert estimate_s("您好，欢迎致电。", voice) > estimate_s("您好欢迎致电。", voice)


@pytest.mark.parametrize(
    ("digits", "said"),
    [
        ("0", "零"),
        ("10", "十"),
        ("12345", "一万二千三百四十五"),
        ("20261001", "二千零二十六万一千零一"),
        ("1005", "一千零五"),
        ("0571", "零五七一"),
        ("123456789", "一二三四五六七八九"),
    ],
)
def test_numbers_are_read_as_chinese_numerals(digits: str, said: str) -> None:
    """Digits in Chinese text are counted as the numerals a Mandarin voice says."""
    assert zh_number(digits) == said


@pytest.mark.parametrize(
    ("digits", "said"),
    [("9", "nine"), ("12", "twelve"), ("120", "one hundred twenty"), ("2026", "two thousand twenty six")],
)
def test_numbers_are_read_as_english_words(digits: str, said: str) -> None:
    """Digits in English text are counted as the words an English voice says."""
    assert en_number(digits) == said
