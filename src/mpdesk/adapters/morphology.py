"""``TextAnalyzer`` over razdel (tokens, sentences) and pymorphy3 (lemmas).

Both libraries are imported on first use, never at import time, so commands that do not
triage do not pay for them. Lemmas are cached per word (sellers repeat the same words).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

#: longer "words" are junk; pymorphy3's analogy search recurses on them
MAX_WORD = 40


class MorphologyAnalyzer:
    def __init__(self, cache_size: int = 200_000) -> None:
        self._morph: Any = None
        self._tokenize: Any = None
        self._sentenize: Any = None
        self.lemma = lru_cache(maxsize=cache_size)(self._lemma)  # type: ignore[method-assign]

    def _load(self) -> None:
        import pymorphy3
        from razdel import sentenize, tokenize

        self._morph = pymorphy3.MorphAnalyzer()
        self._tokenize = tokenize
        self._sentenize = sentenize

    def tokenize(self, text: str) -> list[tuple[int, int, str]]:
        if self._tokenize is None:
            self._load()
        return [(t.start, t.stop, t.text) for t in self._tokenize(text)]

    def sentences(self, text: str) -> list[tuple[int, int]]:
        if self._sentenize is None:
            self._load()
        return [(s.start, s.stop) for s in self._sentenize(text)]

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


def is_known(word: str) -> bool:
    """Whether the dictionary has this word (used by search: a word still being typed is not)."""
    analyzer = shared_analyzer()
    if analyzer._morph is None:
        analyzer._load()
    return bool(analyzer._morph.word_is_known(word))
