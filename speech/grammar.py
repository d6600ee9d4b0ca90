"""The vosk grammar for what a node expects: its phrases, written in the words the model knows, as a JSON list."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

UNKNOWN_WORD = "[unk]"
"""Vosk's word for speech outside the grammar; only some models know it (the Korean model does not)."""

MAX_WORD_CHARS = 8
"""The longest word looked up when Chinese written without spaces is split into the model's words."""

Known = Callable[[str], bool]
"""Whether a word is in the model's vocabulary."""


def normalise(phrase: str) -> str:
    """A phrase as vosk writes what it heard: lower case, words separated by single spaces."""
    return " ".join(phrase.lower().split())


def grammar_json(phrases: Iterable[str]) -> str:
    """A vosk grammar: the phrases normalised, without empty or repeated ones, as a JSON list."""
    unique = dict.fromkeys(text for text in map(normalise, phrases) if text)
    return json.dumps(list(unique), ensure_ascii=False)


def in_words(phrase: str, known: Known) -> str | None:
    """A phrase in words the model knows, or None if it has a word the model does not know.

    Chinese written without spaces (`人工服务`) is split into the fewest known words (`人工 服务`), since a vosk
    grammar ignores every word missing from the vocabulary.
    """
    words: list[str] = []
    for token in normalise(phrase).split():
        if known(token):
            words.append(token)
            continue
        parts = _split(token, known) if all(_is_han(ch) for ch in token) else None
        if parts is None:
            return None
        words.extend(parts)
    return " ".join(words) or None


def _split(token: str, known: Known) -> list[str] | None:
    """The fewest known words that make up `token`, or None."""
    best: list[list[str] | None] = [[], *([None] * len(token))]
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - MAX_WORD_CHARS), end):
            head, current = best[start], best[end]
            if head is not None and (current is None or len(head) + 1 < len(current)) and known(token[start:end]):
                best[end] = [*head, token[start:end]]
    return best[-1]


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


@dataclass(frozen=True)
class Grammar:
    """The phrases a model can listen for, each written in the model's words and mapped back to the phrase as the
    flow wrote it; the phrases it cannot hear (a word not in its vocabulary) are set aside."""

    phrases: Mapping[str, str]
    unheard: tuple[str, ...] = ()
    unknown_word: bool = False

    @classmethod
    def build(cls, phrases: Iterable[str], known: Known) -> Grammar:
        """The grammar of `phrases` for a model with the vocabulary `known`; the first of equal phrases wins."""
        found: dict[str, str] = {}
        unheard: list[str] = []
        for phrase in phrases:
            words = in_words(phrase, known)
            if words is None:
                if normalise(phrase):
                    unheard.append(phrase)
            else:
                found.setdefault(words, phrase)
        return cls(found, tuple(unheard), known(UNKNOWN_WORD))

    def to_json(self) -> str:
        """The grammar for `KaldiRecognizer`, ending with `[unk]` when the model knows it."""
        return grammar_json([*self.phrases, *([UNKNOWN_WORD] if self.unknown_word else [])])

    def expected(self, text: str) -> str | None:
        """The phrase, as the flow wrote it, that vosk's `text` is; None for anything else (`[unk]` included)."""
        return self.phrases.get(normalise(text))
