"""Russian lemmatiser for full-text search: words → dictionary forms with pymorphy3.

«приёмке», «приёмку», «приёмки» all become «приемка» (ё is folded to е), so a search for any
form finds every other. An ambiguous word yields all its normal forms («стали» → сталь, стать).
The pymorphy3 analyser is the one shared with triage (``adapters/morphology.py``), created on
first use, never at import.
"""

from __future__ import annotations

import re

from mpdesk.adapters.morphology import best_form, is_known, normal_forms

_TOKEN = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-я]")
#: words too common to be worth indexing or searching
STOP_WORDS = frozenset(
    "и в во на не с со по к ко о об от до за из у а но же ли бы что как это для то".split()
)
_CACHE_LIMIT = 200_000


def tokens(text: str) -> list[str]:
    """Lowercased word tokens with ё folded to е, stop words dropped."""
    return [t for t in _TOKEN.findall(text.lower().replace("ё", "е")) if t not in STOP_WORDS]


class Lemmatizer:
    def __init__(self) -> None:
        self._cache: dict[str, tuple[str, ...]] = {}
        self._known: dict[str, bool] = {}
        self._best: dict[str, str] = {}

    def forms(self, token: str) -> tuple[str, ...]:
        """All normal forms of one lowercased token (the token itself when not Russian)."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        if _CYRILLIC.search(token):
            found = dict.fromkeys(f.replace("ё", "е") for f in normal_forms(token))
            result = tuple(found) or (token,)
        else:
            result = (token,)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = result
        return result

    def is_known(self, token: str) -> bool:
        """Whether a lowercased Russian token is a dictionary word (False for other tokens)."""
        found = self._known.get(token)
        if found is None:
            found = bool(_CYRILLIC.search(token)) and is_known(token)
            if len(self._known) >= _CACHE_LIMIT:
                self._known.clear()
            self._known[token] = found
        return found

    def document(self, text: str) -> str:
        """Space-separated normal forms of every word of ``text``."""
        out: list[str] = []
        for token in tokens(text):
            out.extend(self.forms(token))
        return " ".join(out)

    def keywords(self, text: str) -> str:
        """Space-separated most probable normal form of every word of ``text``: one real word
        per word, for similarity and its keyword labels (``document`` keeps every reading,
        which search needs and labels must not show)."""
        out: list[str] = []
        for token in tokens(text):
            best = self._best.get(token)
            if best is None:
                best = best_form(token).replace("ё", "е") if _CYRILLIC.search(token) else token
                if len(self._best) >= _CACHE_LIMIT:
                    self._best.clear()
                self._best[token] = best
            out.append(best)
        return " ".join(out)


_shared: list[Lemmatizer] = []


def lemmatizer() -> Lemmatizer:
    """The process-wide lemmatiser (its dictionary is loaded once, lazily)."""
    if not _shared:
        _shared.append(Lemmatizer())
    return _shared[0]
