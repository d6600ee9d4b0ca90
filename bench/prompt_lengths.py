"""Calibration: how long espeak-ng takes to say a text, measured with the real synthesiser, fitted, written back.

Everything is rendered the way prompts are (`PromptCache` over `Pyttsx3Synthesizer`: espeak-ng through pyttsx3,
resampled to 8 kHz) at the default 150 words per minute, and the length is the rendered file's:

- `cmn`: each of the 3,755 level-1 characters of GB2312 alone (its own length), then ~300 generated texts of those
  characters with punctuation, digits and English words (seeded), to fit how they add up;
- `en-us`: the English sentences of this project's README and docs/, and ~400 texts made of them (seeded);
- both: six texts again at 110 and 190 words per minute, for how the length scales with the rate.

The weights of `speech/lengths.py`'s features are a least-squares fit of relative error. The result is checked
against every static prompt of the examples (which the fit never saw), written to `speech/calibration.py` and
summarised in docs/speech.md. Run it after upgrading espeak-ng or changing the features:

    .venv/bin/python bench/prompt_lengths.py [--cache DIR] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import random
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.speech import lengths
from callflow.speech.cache import PromptCache
from callflow.speech.manifest import plan
from callflow.speech.synthesis import Pyttsx3Synthesizer
from callflow.speech.types import Voice

if TYPE_CHECKING:
    from .check_speed import replace_section
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from check_speed import replace_section

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MODULE = ROOT / "speech" / "calibration.py"
DOCS = ROOT / "docs" / "speech.md"
SECTION = "prompt_lengths"
RATES = (110, 190)
VOICES = {"cmn": ("zh-CN", "hanzi"), "en-us": ("en", "words")}


def gb2312_level1() -> list[str]:
    """The 3,755 most common Chinese characters: GB2312's first level, rows 16 to 55."""
    found = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            if row == 0xD7 and cell > 0xF9:
                break
            found.append(bytes([row, cell]).decode("gb2312"))
    return found


def english_sentences() -> list[str]:
    """Plain English sentences of the README and docs (no code, paths or markup)."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
    found = re.findall(r"[A-Z][a-z][^.!?`|*#\n]*[.!?]", text)
    return sorted({s for s in found if 15 < len(s) < 160 and not re.search(r"[_/=<>{}()\[\]\d]", s)})


def english_corpus(sentences: list[str], rng: random.Random) -> list[str]:
    """The sentences, pairs of them, clauses, short phrases with numbers, and pairs of short sentences."""
    words = [w.strip(".,;:!?") for s in sentences for w in s.split() if w.strip(".,;:!?").isalpha()]
    texts = set(sentences)
    for _ in range(150):
        texts.add(" ".join(rng.sample(sentences, 2)))
    for _ in range(80):
        first, second = rng.sample(sentences, 2)
        texts.add(first.rstrip(".!?") + ", " + second[0].lower() + second[1:])
    for _ in range(120):
        phrase = " ".join(rng.sample(words, rng.randint(2, 9)))
        texts.add(f"{phrase[0].upper()}{phrase[1:]} press {rng.choice(['1', '2', '9', '0', '12', '120', '2026'])}.")
    for _ in range(60):
        one, two = (" ".join(rng.sample(words, rng.randint(1, 4))) for _ in range(2))
        texts.add(f"{one.capitalize()}. {two.capitalize()}.")
    return sorted(texts)


def chinese_corpus(characters: list[str], english: list[str], rng: random.Random) -> list[str]:
    """Texts of common characters in clauses and sentences, some with digits or English words."""
    words = [w.strip(".,;:!?") for s in english for w in s.split() if w.strip(".,;:!?").isalpha()]
    texts = set()
    for _ in range(320):
        parts = []
        for _ in range(rng.randint(1, 4)):
            part = "".join(rng.choice(characters) for _ in range(rng.randint(2, 12)))
            if rng.random() < 0.3:
                digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 8)))
                cut = rng.randint(0, len(part))
                part = part[:cut] + digits + part[cut:]
            if rng.random() < 0.15:
                part += "，" + " ".join(rng.sample(words, rng.randint(1, 4))) + " " + rng.choice("123456789")
            parts += [part, rng.choice("，，。；：、")]
        texts.add("".join(parts[:-1]) + rng.choice(["。", "。", "？", ""]))
    return sorted(texts)


def example_prompts() -> dict[str, list[str]]:
    """Every static prompt text of the examples, by voice: what the calibration is judged on."""
    environment = load_environment(EXAMPLES / "callflow.toml")
    found: dict[str, set[str]] = {voice: set() for voice in VOICES}
    for path in sorted(EXAMPLES.glob("*.flow")):
        flow = load_file(path).flow
        assert flow is not None, path
        for job in plan(flow, EXAMPLES, environment):
            if job.kind == "synthesised" and job.text and job.voice and job.voice.name in found:
                found[job.voice.name].add(job.text)
    return {voice: sorted(texts) for voice, texts in found.items()}


class Renderer:
    """Lengths of texts as prompts are rendered, through a prompt cache (so a second run is quick)."""

    def __init__(self, folder: Path) -> None:
        self.cache = PromptCache(folder, Pyttsx3Synthesizer())

    def seconds(self, texts: Sequence[str], voice: Voice, what: str) -> list[float]:
        """The rendered length of each text."""
        out = []
        for index, text in enumerate(texts, 1):
            out.append(self.cache.render(text, voice).seconds)
            if index % 250 == 0 or index == len(texts):
                print(f"  {voice.name} {what}: {index}/{len(texts)}", file=sys.stderr)
        return out


def fit(features: Callable[[str], list[float]], texts: Sequence[str], seconds: Sequence[float]) -> list[float]:
    """Weights of the features by least squares on the relative error."""
    matrix = np.array([features(t) for t in texts])
    target = np.array(seconds)
    scale = 1.0 / target
    weights, *_ = np.linalg.lstsq(matrix * scale[:, None], target * scale, rcond=None)
    return [round(float(w), 5) for w in weights]


def errors(predict: Callable[[str], float], texts: Sequence[str], seconds: Sequence[float]) -> list[float]:
    """Relative errors of the predictions."""
    return [(predict(t) - s) / s for t, s in zip(texts, seconds, strict=True)]


def summary(errs: list[float]) -> str:
    """Mean and largest error, and how many are within 5 %."""
    within = sum(abs(e) <= 0.05 for e in errs)
    worst = max(errs, key=abs)
    return (
        f"{len(errs)} texts: mean error {100 * statistics.mean(abs(e) for e in errs):.1f} %, "
        f"largest {100 * worst:+.1f} %, {within} within 5 %"
    )


def espeak_version() -> str:
    """espeak-ng's version, as it prints it."""
    try:
        out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return "espeak-ng (version unknown)"
    match = re.search(r"eSpeak NG text-to-speech: (\S+)", out)
    return f"espeak-ng {match.group(1)}" if match else "espeak-ng (version unknown)"


def module_text(voices: dict[str, dict[str, object]], characters: dict[str, float], note: str) -> str:
    """The source of speech/calibration.py."""
    groups: dict[int, list[str]] = {}
    for ch, seconds in characters.items():
        groups.setdefault(round(seconds * 100), []).append(ch)
    lines = [
        '"""How long espeak-ng takes to say things, as measured on a real synthesiser: the data of',
        "`speech/lengths.py`'s estimate. Generated by `bench/prompt_lengths.py`; run it again rather than editing.",
        "",
        *note.splitlines(),
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from dataclasses import dataclass",
        "",
        "",
        "@dataclass(frozen=True)",
        "class Calibration:",
        '    """One voice\'s fitted weights (for the features of `model` in `speech/lengths.py`), how its length',
        '    scales with the rate, and how the fit did."""',
        "",
        "    voice: str",
        "    model: str",
        "    weights: tuple[float, ...]",
        "    rate_exponent: float",
        '    """Length at rate R = length at 150 wpm × (150 / R) ** rate_exponent."""',
        "    shortest_s: float",
        '    """The shortest utterance measured: no estimate is shorter."""',
        "    measured: str",
        "",
        "",
        "VOICES: dict[str, Calibration] = {",
    ]
    for name, data in voices.items():
        lines += [
            f"    {name!r}: Calibration(",
            f"        voice={name!r},",
            f"        model={data['model']!r},",
            f"        weights={tuple(data['weights'])!r},",  # type: ignore[call-overload]
            f"        rate_exponent={data['rate_exponent']!r},",
            f"        shortest_s={data['shortest_s']!r},",
            "        measured=(",
            *(f"            {piece!r}" for piece in textwrap.wrap(str(data["measured"]), 100, drop_whitespace=False)),
            "        ),",
            "    ),",
        ]
    lines += [
        "}",
        "",
        "CMN_CHARACTERS: dict[int, str] = {",
        "    # centiseconds: the characters that take that long alone (with the silence around any utterance)",
    ]
    for centiseconds in sorted(groups):
        chars = "".join(groups[centiseconds])
        pieces = [f'"{chars[start : start + 50]}"' for start in range(0, len(chars), 50)]
        lines.append(f"    {centiseconds}: {pieces[0]}")
        lines.extend(f"    {piece}" for piece in pieces[1:])
        lines[-1] += ","
    lines += ["}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure, fit, check against the examples, write the calibration and its summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cache", type=Path, help="keep the rendered texts here (a second run is then quick)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the module and docs alone")
    args = parser.parse_args(argv)
    folder = args.cache or Path(tempfile.mkdtemp(prefix="callflow-calibration-"))
    renderer = Renderer(folder)
    rng = random.Random(20261120)
    sentences = english_sentences()
    common = gb2312_level1()
    judged = example_prompts()
    today = datetime.date.today().isoformat()

    cmn = Voice("zh-CN", "cmn")
    alone = dict(zip(common, renderer.seconds(common, cmn, "characters"), strict=True))
    table = {ch: round(seconds, 2) for ch, seconds in alone.items()}  # as the module keeps them

    corpora = {"cmn": chinese_corpus(common, sentences, rng), "en-us": english_corpus(sentences, rng)}
    voices: dict[str, dict[str, object]] = {}
    report = []
    for name, (language, model) in VOICES.items():
        voice = Voice(language, name)
        features = (lambda text: lengths.hanzi_features(text, table)) if model == "hanzi" else lengths.words_features
        texts = corpora[name]
        seconds = renderer.seconds(texts, voice, "corpus")
        weights = fit(features, texts, seconds)

        def predict(text: str, w: list[float] = weights, f: Callable[[str], list[float]] = features) -> float:
            return sum(a * b for a, b in zip(w, f(text), strict=True))

        sample = texts[:: max(1, len(texts) // 6)][:6]
        base = renderer.seconds(sample, voice, "rates at 150")
        exponents = []
        for rate in RATES:
            at_rate = renderer.seconds(sample, Voice(language, name, rate), f"rates at {rate}")
            exponents += [math.log(r / b) / math.log(150 / rate) for r, b in zip(at_rate, base, strict=True)]
        exponent = round(statistics.median(exponents), 3)
        examples = judged[name]
        actual = renderer.seconds(examples, voice, "examples")
        fitted, checked = summary(errors(predict, texts, seconds)), summary(errors(predict, examples, actual))
        measured = f"{today}, {espeak_version()}: fitted on {fitted}; the examples' prompts: {checked}"
        voices[name] = {
            "model": model,
            "weights": weights,
            "rate_exponent": exponent,
            "shortest_s": round(min([*seconds, *alone.values()] if name == "cmn" else seconds), 3),
            "measured": measured,
        }
        report.append((name, len(texts), fitted, checked, exponent))
        print(f"{name}: weights {weights}\n  fit: {fitted}\n  examples: {checked}\n  rate exponent {exponent}")

    note = (
        f"Measured {today} with {espeak_version()} through pyttsx3, rendered to 8 kHz like every prompt, at 150 words\n"
        "per minute; `cmn` from each of GB2312's 3,755 level-1 characters alone and a generated corpus, `en-us` from\n"
        "this project's English sentences. The `measured` line of each voice says how the fit did."
    )
    if not args.no_write:
        MODULE.write_text(module_text(voices, alone, note), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "ruff", "format", str(MODULE)], check=False, capture_output=True)
        body = docs_section(report, today)
        DOCS.write_text(replace_section(DOCS.read_text(encoding="utf-8"), SECTION, body), encoding="utf-8")
        print(f"wrote {MODULE.relative_to(ROOT)} and the summary in {DOCS.relative_to(ROOT)}")
    print(json.dumps({name: data["measured"] for name, data in voices.items()}, ensure_ascii=False, indent=1))
    return 0


def docs_section(report: list[tuple[str, int, str, str, float]], today: str) -> str:
    """The calibration's summary for docs/speech.md."""
    rows = [
        "| voice | fitted on | the examples' prompts (never seen by the fit) | rate exponent |",
        "|---|---|---|---|",
        *(f"| `{name}` | {fitted} | {checked} | {exponent} |" for name, _, fitted, checked, exponent in report),
    ]
    return "\n".join(
        [
            f"`bench/prompt_lengths.py`, {today}, {espeak_version()} (pyttsx3, 8 kHz, 150 words per minute):",
            "",
            *rows,
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
