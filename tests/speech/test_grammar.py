"""The vosk grammar: a node's phrases, normalised, in the words the model knows, as a JSON list."""

from __future__ import annotations

import json

from callflow.speech.grammar import Grammar, grammar_json, in_words, normalise

VOCABULARY = {"네", "아니요", "상담원", "연결", "人工", "服务", "人工服务台", "账单", "查询", "账", "单"}


def known(word: str) -> bool:
    return word in VOCABULARY


def test_phrases_are_normalised_as_vosk_writes_what_it_heard() -> None:
    """Lower case, one space between words."""
    assert normalise("  Talk   to an\tAGENT ") == "talk to an agent"


def test_the_grammar_drops_empty_and_repeated_phrases_and_keeps_non_ascii_text() -> None:
    """The JSON keeps Hangul and Chinese as they are (vosk reads UTF-8, not escapes), in the order given."""
    text = grammar_json(["네", " 네 ", "", "   ", "Agent", "agent", "人工"])
    assert text == '["네", "agent", "人工"]'
    assert json.loads(text) == ["네", "agent", "人工"]


def test_chinese_written_without_spaces_is_split_into_known_words() -> None:
    """A grammar ignores unknown words, so 账单查询 is listened for as 账单 查询 (the fewest known words)."""
    assert in_words("账单查询", known) == "账单 查询"
    assert in_words("人工服务台", known) == "人工服务台"
    assert in_words("人工 服务", known) == "人工 服务"


def test_a_phrase_with_an_unknown_word_cannot_be_heard() -> None:
    """Latin or Hangul words are never split into pieces: an unknown one makes the phrase unhearable."""
    assert in_words("agent", known) is None
    assert in_words("상담원 연결해", known) is None
    assert in_words("账单退款", known) is None


def test_the_grammar_maps_what_vosk_heard_back_to_the_phrase_as_written() -> None:
    """The first of two equal phrases wins; phrases the model cannot hear are set aside, not sent to vosk."""
    grammar = Grammar.build(["상담원 연결", "Agent", "账单查询", "상담원  연결", "네"], known)
    assert grammar.to_json() == '["상담원 연결", "账单 查询", "네"]'
    assert grammar.unheard == ("Agent",)
    assert grammar.expected("账单 查询") == "账单查询"
    assert grammar.expected("상담원 연결") == "상담원 연결"
    assert grammar.expected("네 네") is None


def test_a_model_that_knows_unk_hears_other_speech_as_unk() -> None:
    """`[unk]` ends the grammar only when the model knows it (the Korean model does not); it is never a phrase."""
    assert not Grammar.build(["네"], known).unknown_word
    grammar = Grammar.build(["네"], lambda word: known(word) or word == "[unk]")
    assert grammar.to_json() == '["네", "[unk]"]'
    assert grammar.expected("[unk]") is None
