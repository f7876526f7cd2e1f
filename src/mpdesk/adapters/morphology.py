"""``TextAnalyzer``: tokens and sentences by two compiled regular expressions, lemmas by
pymorphy3.

Tokens follow razdel's conventions that triage relies on (a number with inner separators is one
token: «12.10.2026», «1 200,50» → «1», «200,50»; words keep inner hyphens and underscores:
«WB-GI-44», «posting_number», «кто-то»; every other symbol is a token of its own), at a
fraction of razdel's cost. Sentences end at «.», «!», «?» or «…» followed by a space and a
capital letter, digit or quote, and at blank lines; the triage analysis splits them further
(lines, lowercase chat text, abbreviations). pymorphy3 is imported on first use, never at
import time, so commands that do not triage do not pay for it. Lemmas are cached per word.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_TOKEN = re.compile(r"\d+(?:[.,:/]\d+)+|\w+(?:[-'’]\w+)*|[^\w\s]")
_SENTENCE_END = re.compile(r"[.!?…]+[\"»)]*\s+(?=[\"«(]?[^\W_a-zа-яё])|\n\s*\n")

#: longer "words" are junk; pymorphy3's analogy search recurses on them
MAX_WORD = 40


class MorphologyAnalyzer:
    def __init__(self, cache_size: int = 200_000) -> None:
        self._morph: Any = None
        self.lemma = lru_cache(maxsize=cache_size)(self._lemma)  # type: ignore[method-assign]

    def _load(self) -> None:
        import pymorphy3

        self._morph = pymorphy3.MorphAnalyzer()

    def tokenize(self, text: str) -> list[tuple[int, int, str]]:
        # only whitespace lies between tokens, so each is found right after the previous one
        # (cheaper than asking every match object for its span)
        found, pos, find = [], 0, text.find
        for word in _TOKEN.findall(text):
            start = find(word, pos)
            pos = start + len(word)
            found.append((start, pos, word))
        return found

    def sentences(self, text: str) -> list[tuple[int, int]]:
        spans, start = [], 0
        for m in _SENTENCE_END.finditer(text):
            stop = m.end()
            chunk = text[start:stop]
            if chunk.strip():
                lead = len(chunk) - len(chunk.lstrip())
                spans.append((start + lead, start + len(chunk.rstrip())))
            start = stop
        chunk = text[start:]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((start + lead, start + len(chunk.rstrip())))
        return spans

    def lemma(self, word: str) -> str:
        return self._lemma(word)

    def _lemma(self, word: str) -> str:
        if self._morph is None:
            self._load()
        if len(word) > MAX_WORD or not word.isalpha() or not any("а" <= c <= "я" for c in word):
            return word
        parses = self._morph.parse(word)
        return str(parses[0].normal_form) if parses else word


_shared: list[MorphologyAnalyzer] = []


def shared_analyzer() -> MorphologyAnalyzer:
    """One analyzer per process (the pymorphy3 dictionary is loaded once)."""
    if not _shared:
        _shared.append(MorphologyAnalyzer())
    return _shared[0]


def normal_forms(word: str) -> list[str]:
    """Every normal form of a word (used by the search lemmatiser, adapters/lemmatizer.py)."""
    analyzer = shared_analyzer()
    if analyzer._morph is None:
        analyzer._load()
    return [str(p.normal_form) for p in analyzer._morph.parse(word)]


def best_form(word: str) -> str:
    """The normal form of the most probable parse (pymorphy3 orders parses by score): «были»
    → «быть», never the rare «быль» that ``normal_forms`` also gives."""
    analyzer = shared_analyzer()
    if analyzer._morph is None:
        analyzer._load()
    parses = analyzer._morph.parse(word)
    return str(parses[0].normal_form) if parses else word


def is_known(word: str) -> bool:
    """Whether the dictionary has this word (used by search: a word still being typed is not)."""
    analyzer = shared_analyzer()
    if analyzer._morph is None:
        analyzer._load()
    return bool(analyzer._morph.word_is_known(word))
