"""How long a prompt plays: the rendered file's length when it is rendered, else an estimate calibrated against
espeak-ng's real output (`speech/calibration.py`, measured by `bench/prompt_lengths.py`).

The estimate reads the text the way the voice does. Mandarin (`cmn`) is summed character by character from the
measured length of each of the 3,755 common characters (GB2312 level 1), with the pauses at punctuation, numbers
read as Chinese numerals and Latin words read as English; English (`en-us`) is counted in words, syllables and
consonants, numbers read as words and capitals spelled. A linear fit over a corpus of rendered texts weighs these;
other speaking rates scale by a measured power of the rate. A voice that was never measured borrows the calibration
of the script its text is written in.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from callflow.flowlang.environment import Environment
from callflow.speech import calibration
from callflow.speech.audio import AudioError, duration_s, is_complete_wav
from callflow.speech.cache import PromptCache
from callflow.speech.manifest import MANIFEST
from callflow.speech.types import Voice
from callflow.speech.voices import DEFAULT_RATE_WPM, voice_for

FILE_PROMPT_S = 2.0
"""The length of an audio-file prompt whose file cannot be read."""

HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z']+")
DIGITS = re.compile(r"\d+")
CLAUSE_MARKS = "，、；：,;:"
STOP_MARKS = "。？！.?!"
_ENDING = "。？！.?! \n\t"
_VOWELS = re.compile(r"[aeiouy]+")
_CONSONANTS = re.compile(r"[bcdfghjklmnpqrstvwxz]")
FUNCTION_WORDS = frozenset((
    "a", "an", "the", "to", "of", "and", "or", "for", "in", "on", "at", "by", "with", "from", "is", "are", "was",
    "be", "it", "you", "your", "we", "our", "i", "me", "my", "this", "that", "as", "if", "then",
))  # fmt: skip
"""Words English speech reduces: counted apart from the others."""

_ZH_DIGITS = "零一二三四五六七八九"
_EN_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


# -- numbers as the voices read them --------------------------------------------------------------------------


def zh_number(digits: str) -> str:
    """A run of digits as Chinese numerals (`12345` -> 一万二千三百四十五); past eight digits, or with a leading zero,
    digit by digit."""
    if len(digits) > 8 or (len(digits) > 1 and digits[0] == "0"):
        return "".join(_ZH_DIGITS[int(d)] for d in digits)
    number = int(digits)
    if number == 0:
        return "零"
    high, low = divmod(number, 10000)
    said = _zh_four(high, False) + "万" + (_zh_four(low, True) if low else "") if high else _zh_four(low, False)
    return said[1:] if said.startswith("一十") else said


def _zh_four(value: int, after_higher: bool) -> str:
    said, zero = "", False
    for digit, unit in zip(f"{value:04d}", ("千", "百", "十", ""), strict=True):
        if digit == "0":
            zero = bool(said) or after_higher
        else:
            said += ("零" if zero else "") + _ZH_DIGITS[int(digit)] + unit
            zero = False
    return said


def en_number(digits: str) -> str:
    """A run of digits as English words (`120` -> one hundred twenty); past six digits, digit by digit."""
    number = int(digits)
    if len(digits) > 6 or number >= 1_000_000:
        return " ".join(_EN_ONES[int(d)] for d in digits)
    return _en_words(number)


def _en_words(number: int) -> str:
    if number < 20:
        return _EN_ONES[number]
    if number < 100:
        return _EN_TENS[number // 10] + ("" if number % 10 == 0 else " " + _EN_ONES[number % 10])
    if number < 1000:
        rest = "" if number % 100 == 0 else " " + _en_words(number % 100)
        return _EN_ONES[number // 100] + " hundred" + rest
    rest = "" if number % 1000 == 0 else " " + _en_words(number % 1000)
    return _en_words(number // 1000) + " thousand" + rest


def syllables(word: str) -> int:
    """Syllables of an English word, counted from its vowel groups (a silent final e not counted)."""
    lower = word.lower()
    count = len(_VOWELS.findall(lower))
    if lower.endswith("e") and not lower.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)


# -- what the fit weighs --------------------------------------------------------------------------------------


@cache
def character_seconds() -> Mapping[str, float]:
    """Each measured Chinese character's own length (alone, less the silence around any utterance)."""
    return {ch: cs / 100 for cs, chars in calibration.CMN_CHARACTERS.items() for ch in chars}


@cache
def _median_character_s() -> float:
    return statistics.median(character_seconds().values())


def _body(text: str) -> str:
    """The text without its final punctuation (the pause after the last word is part of every utterance)."""
    return text.strip().rstrip(_ENDING)


def _pauses(body: str) -> list[float]:
    return [float(sum(c in CLAUSE_MARKS for c in body)), float(sum(c in STOP_MARKS for c in body))]


def hanzi_features(text: str, characters: Mapping[str, float] | None = None) -> list[float]:
    """Features of a text for a Mandarin voice: characters by their measured lengths (`characters`, else the
    calibration's), numbers, pauses, Latin words."""
    if characters is None:
        seconds, unknown = character_seconds(), _median_character_s()
    else:
        seconds, unknown = characters, statistics.median(characters.values())
    body = _body(text)
    hanzi = HANZI.findall(body)
    numerals = "".join(zh_number(n) for n in DIGITS.findall(body))
    words = LATIN_WORD.findall(body)
    return [
        1.0,
        sum(seconds.get(c, unknown) for c in hanzi),
        float(len(hanzi)),
        sum(seconds.get(c, unknown) for c in numerals),
        float(len(numerals)),
        *_pauses(body),
        float(len(words)),
        float(sum(syllables(w) for w in words)),
        float(sum(len(w) for w in words)),
    ]


def words_features(text: str) -> list[float]:
    """Features of a text for an English voice: content words, their syllables and consonants, function words,
    spelled capitals, pauses; numbers read as words."""
    body = DIGITS.sub(lambda m: f" {en_number(m.group())} ", _body(text))
    words = LATIN_WORD.findall(body)
    spelled = [w for w in words if len(w) > 1 and w.isupper()]
    said = [w for w in words if not (len(w) > 1 and w.isupper())]
    function = [w for w in said if w.lower() in FUNCTION_WORDS]
    content = [w for w in said if w.lower() not in FUNCTION_WORDS]
    return [
        1.0,
        float(len(content)),
        float(sum(syllables(w) for w in content)),
        float(sum(len(_CONSONANTS.findall(w.lower())) for w in content)),
        float(len(function)),
        float(sum(len(w) for w in spelled)),
        *_pauses(body),
    ]


FEATURES: Mapping[str, Callable[[str], list[float]]] = {"hanzi": hanzi_features, "words": words_features}
"""The feature functions of the two kinds of calibration, by name."""


# -- the estimate ---------------------------------------------------------------------------------------------


def _voice_name(name: str) -> str:
    return name.strip().lower().rsplit("/", 1)[-1]


def calibration_for(voice: Voice, text: str) -> calibration.Calibration:
    """The calibration of a voice, or, for a voice never measured, that of the script the text is written in."""
    found = calibration.VOICES.get(_voice_name(voice.name))
    if found is not None:
        return found
    return calibration.VOICES["cmn" if HANZI.search(text) else "en-us"]


def estimate_s(text: str, voice: Voice) -> float:
    """How long `voice` takes to say `text`, as calibrated (seconds, to the millisecond)."""
    measured = calibration_for(voice, text)
    features = FEATURES[measured.model](text)
    seconds = sum(w * f for w, f in zip(measured.weights, features, strict=True))
    seconds *= float((DEFAULT_RATE_WPM / voice.rate_wpm) ** measured.rate_exponent)
    return round(max(seconds, measured.shortest_s), 3)


class PromptLengths:
    """How long each prompt plays on a line: rendered files' lengths from a prompts folder (`render-prompts`' output,
    which is also the prompt cache), else the calibrated estimate; audio files from their own headers."""

    def __init__(
        self, environment: Environment | None = None, prompts: Path | None = None, flows: Path | None = None
    ) -> None:
        self.environment = environment
        self.prompts = prompts
        self.flows = flows
        self._cache = PromptCache(prompts, _NoSynthesizer()) if prompts is not None else None
        self._listed = _manifest(prompts) if prompts is not None else {}
        self._known: dict[tuple[str, str], float] = {}

    def text_s(self, text: str, language: str | None) -> float:
        """A text prompt: the rendered file's length, else the estimate for the language's voice."""
        key = (text, language or "")
        known = self._known.get(key)
        if known is None:
            voice = voice_for(language or "en", self.environment)
            known = self._known[key] = self._rendered(text, voice) or estimate_s(text, voice)
        return known

    def file_s(self, file: str) -> float:
        """An audio-file prompt (relative to the flows' folder): the file's length, else `FILE_PROMPT_S`."""
        key = (file, "\0file")
        known = self._known.get(key)
        if known is None:
            path = Path(file) if self.flows is None else self.flows / file
            try:
                known = duration_s(path)
            except AudioError:
                known = FILE_PROMPT_S
            self._known[key] = known
        return known

    def _rendered(self, text: str, voice: Voice) -> float | None:
        listed = self._listed.get((text, _voice_name(voice.name), voice.rate_wpm))
        if listed is not None or self._cache is None:
            return listed
        path = self._cache.path(text, voice)
        return round(duration_s(path), 3) if is_complete_wav(path) else None


def _manifest(folder: Path) -> dict[tuple[str, str, int], float]:
    """The lengths `render-prompts` listed in a folder's manifest, by (text, voice, rate)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    listed = {}
    for line in data.get("prompts", []) if isinstance(data, dict) else []:
        text, voice, seconds = line.get("text"), line.get("voice"), line.get("duration_s")
        if line.get("kind") == "synthesised" and text and voice and isinstance(seconds, int | float):
            listed[(text, _voice_name(voice), int(line.get("rate_wpm") or DEFAULT_RATE_WPM))] = float(seconds)
    return listed


class _NoSynthesizer:
    """The prompt cache is only looked into here: nothing is ever synthesised."""

    def synthesize(self, text: str, voice: Voice, path: Path) -> None:
        raise AssertionError("prompt lengths never synthesise")
