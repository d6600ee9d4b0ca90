"""Benchmark: how fast prompts are synthesised (real-time factor) and how long the hotline's prompts take to render.

The real-time factor is synthesis seconds over audio seconds, for every static prompt of the reference hotline
spoken by pyttsx3/espeak-ng (Mandarin with `cmn`, English with `en-us`), after a warm-up. Rendering is what
`callflow render-prompts` does (plan, synthesise, resample to 8 kHz, write, manifest), timed in-process into an
empty cache folder (cold) and again into the filled one (from the cache); the whole command, Python start-up and
imports included, is timed once each way beside it.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.speech.audio import duration_s
from callflow.speech.cache import PromptCache
from callflow.speech.manifest import Entry, Job, plan, render, write_manifest
from callflow.speech.synthesis import Pyttsx3Synthesizer

if TYPE_CHECKING:
    from .check_speed import load, publish
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_speed import load, publish

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HOTLINE = EXAMPLES / "hotline_12345.flow"
SECTION = "speech_speed"
TARGET_COLD_S = 20.0
TARGET_CACHED_S = 0.5


def hotline_jobs() -> list[Job]:
    """What rendering the hotline's prompts means: each prompt in zh-CN and en."""
    flow = load_file(HOTLINE).flow
    assert flow is not None
    return plan(flow, EXAMPLES, load_environment(EXAMPLES / "callflow.toml"))


def real_time_factor(jobs: list[Job], folder: Path) -> dict[str, tuple[float, float]]:
    """Synthesis seconds and audio seconds per language, for every static prompt."""
    synthesizer = Pyttsx3Synthesizer()
    spoken = [job for job in jobs if job.kind == "synthesised" and job.text and job.voice]
    warm = spoken[0]
    assert warm.text is not None and warm.voice is not None
    synthesizer.synthesize(warm.text, warm.voice, folder / "warm-up.wav")
    totals: dict[str, tuple[float, float]] = {}
    for index, job in enumerate(spoken):
        assert job.text is not None and job.voice is not None
        path = folder / f"rtf-{index}.wav"
        start = time.perf_counter()
        synthesizer.synthesize(job.text, job.voice, path)
        took = time.perf_counter() - start
        synthesis, audio = totals.get(job.language, (0.0, 0.0))
        totals[job.language] = (synthesis + took, audio + duration_s(path))
    return totals


def render_all(jobs: list[Job], folder: Path) -> tuple[float, list[Entry]]:
    """Seconds to render every job into `folder` and write the manifest, as `render-prompts` does."""
    start = time.perf_counter()
    entries = render(jobs, PromptCache(folder, Pyttsx3Synthesizer()))
    write_manifest(entries, folder)
    return time.perf_counter() - start, entries


def command_s(*args: str | Path) -> float:
    """Wall-clock seconds of a `callflow` command, start-up included."""
    script = Path(sys.executable).parent / "callflow"
    start = time.perf_counter()
    subprocess.run([str(script), *map(str, args)], check=True, capture_output=True)
    return time.perf_counter() - start


def section(
    rtf: dict[str, tuple[float, float]],
    cold: list[float],
    cached: list[float],
    command: tuple[float, float, float],
    files: int,
    dynamic: int,
    load_before: str,
) -> str:
    """This benchmark's part of docs/performance.md."""
    today = datetime.date.today().isoformat()
    synthesis = sum(s for s, _ in rtf.values())
    audio = sum(a for _, a in rtf.values())
    rows = [
        f"| {language} | {s:.2f} | {a:.1f} | {s / a:.4f} | {a / s:,.0f}× |" for language, (s, a) in sorted(rtf.items())
    ]
    cold_ok = "met" if min(cold) < TARGET_COLD_S else "**missed**"
    cached_ok = "met" if min(cached) < TARGET_CACHED_S else "**missed**"
    return "\n".join(
        [
            "## Synthesising prompts",
            "",
            f"`bench/speech_speed.py`, {today}: the reference hotline's {files} static prompt files (every prompt in "
            f"zh-CN and en; {dynamic} prompts with variables are left for call time) spoken by pyttsx3/espeak-ng "
            "(`cmn` and `en-us` at 150 words per minute). The real-time factor is synthesis time over audio length "
            "(espeak-ng's 22,050 Hz output, before resampling), after a warm-up.",
            "",
            "| language | synthesis (s) | audio (s) | real-time factor | faster than real time |",
            "|---|--:|--:|--:|--:|",
            *rows,
            f"| both | {synthesis:.2f} | {audio:.1f} | {synthesis / audio:.4f} | {audio / synthesis:,.0f}× |",
            "",
            "Rendering them all (synthesise, resample to 8 kHz 16-bit mono with soxr, write atomically, manifest), "
            f"in-process; best / median of {len(cold)} cold runs (each into an empty folder) and {len(cached)} runs "
            "from the cache:",
            "",
            "| render | best (s) | median (s) | whole command, start-up included (s) |",
            "|---|--:|--:|--:|",
            f"| cold | {min(cold):.3f} | {statistics.median(cold):.3f} | {command[0]:.2f} |",
            f"| from the cache | {min(cached):.3f} | {statistics.median(cached):.3f} | {command[1]:.2f} |",
            "",
            f"- all hotline prompts rendered cold in under {TARGET_COLD_S:g} s: {min(cold):.2f} s — {cold_ok}",
            f"- from the cache in under {TARGET_CACHED_S:g} s: {min(cached):.3f} s — {cached_ok}",
            "",
            f"Load average before the run: {load_before}. The whole command also starts Python and loads every "
            f"`callflow` command (`callflow --help` alone takes {command[2]:.2f} s here), which is nearly all of its "
            "time when every prompt is cached.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print it and record it in docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="cold renders to time (and twice as many cached)")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args(argv)
    load_before = load()
    jobs = hotline_jobs()
    with tempfile.TemporaryDirectory(prefix="speech-speed-") as scratch:
        root = Path(scratch)
        (root / "rtf").mkdir()
        rtf = real_time_factor(jobs, root / "rtf")
        cold, cached = [], []
        for run in range(args.runs):
            folder = root / f"cold-{run}"
            seconds, entries = render_all(jobs, folder)
            assert not any(entry.cached for entry in entries), "a cold run found a cached file"
            cold.append(seconds)
        for _ in range(2 * args.runs):
            seconds, entries = render_all(jobs, root / "cold-0")
            assert all(entry.cached for entry in entries if entry.file), "a cached run synthesised"
            cached.append(seconds)
        shutil.rmtree(root / "cold-0")
        out = root / "command"
        command = (command_s("render-prompts", HOTLINE, "-o", out), command_s("render-prompts", HOTLINE, "-o", out))
        command += (command_s("--help"),)
    files = sum(1 for entry in entries if entry.file)
    body = section(rtf, cold, cached, command, files, len(entries) - files, load_before)
    print(body)
    if not args.no_docs:
        publish(SECTION, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
