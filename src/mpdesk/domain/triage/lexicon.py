"""The triage lexicon as plain data, and its compiled form: a term index over tokens.

The loader (``adapters/triage_lexicon.py``) validates the YAML and builds ``Lexicon``;
``TermIndex`` turns term strings (``слово``, ``слов*``, ``~слово``, phrases) into fast lookups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class CategoryTerms:
    topic: dict[str, float]
    ask: dict[str, float]
    against: dict[str, float]


@dataclass(frozen=True)
class EntityWords:
    max_label_gap: int
    labels: dict[str, tuple[str, ...]]  # IdType value -> terms
    article: tuple[str, ...]
    glue: frozenset[str]
    number_words: frozenset[str]
    links: frozenset[str]
    quantity_units: frozenset[str]
    currency: frozenset[str]
    thousands: frozenset[str]
    millions: frozenset[str]
    stop_labels: tuple[str, ...]
    glue_prefixes: tuple[str, ...]
    money_words: tuple[str, ...] = ()
    money_gap: int = 3
    billions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DateWords:
    months: dict[str, int]
    weekdays: dict[str, int]
    relative_days: dict[str, int]
    number_words: dict[str, int]
    day_units: frozenset[str]
    week_units: frozenset[str]
    ago: frozenset[str]
    last: tuple[str, ...]
    last_week: tuple[str, ...]
    deadline: tuple[str, ...]
    deadline_after: frozenset[str]
    background: tuple[str, ...]
    property_words: tuple[str, ...]
    field_labels: tuple[str, ...]
    max_past_days_without_year: int
    document: tuple[str, ...] = ()

    @property
    def relative_lookup(self) -> tuple[dict[str, int], tuple[tuple[str, int], ...]]:
        """``relative_days`` split into exact words and prefix stems (``вчерашн*``), in the
        lexicon's order (the first matching key wins)."""
        found = self.__dict__.get("_relative_lookup")
        if found is None:
            exact: dict[str, int] = {}
            for key, back in self.relative_days.items():
                if not key.endswith("*"):
                    exact.setdefault(key, back)
            stems = tuple((k[:-1], b) for k, b in self.relative_days.items() if k.endswith("*"))
            found = (exact, stems)
            self.__dict__["_relative_lookup"] = found
        return found

    @property
    def weekday_initials(self) -> frozenset[str]:
        """First letters of the weekday stems (a quick test before the stems are tried)."""
        found = self.__dict__.get("_weekday_initials")
        if found is None:
            found = frozenset(stem[:1] for stem in self.weekdays)
            self.__dict__["_weekday_initials"] = found
        return found


@dataclass(frozen=True)
class Lexicon:
    phrase_gap: int
    slang: dict[str, str]
    stopwords: frozenset[str]
    request_terms: tuple[str, ...]
    subject_labels: frozenset[str]
    abbreviations: frozenset[str]
    imperative_endings: tuple[str, ...]
    infinitive_endings: tuple[str, ...]
    request_boost: float
    ask_outside_request: float
    mp_min_score: float
    mp_shape_weights: dict[str, float]
    mp_terms: dict[str, dict[str, float]]
    cat_min_score: float
    cat_default: str
    cat_priority: tuple[str, ...]
    cat_terms: dict[str, CategoryTerms]
    how_to_words: frozenset[str]
    how_to_category: str
    how_to_weight: float
    vague_min_informative: int
    vague_terms: tuple[str, ...]
    vague_signature: tuple[str, ...]
    entities: EntityWords
    dates: DateWords
    confirm_below: float = 0.6
    alternative_min: float = 0.05
    question_words: frozenset[str] = frozenset()
    urgent_terms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind → phrases
    urgent_against: tuple[str, ...] = ()
    vague_general: tuple[str, ...] = ()
    vague_general_min: int = 2
    vague_concrete: tuple[str, ...] = ()
    index: TermIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", TermIndex.build(self))


# --- term index ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a term: exact, prefix (``*``) and/or fuzzy (``~``)."""

    text: str
    prefix: bool
    fuzzy: bool


@dataclass(frozen=True, slots=True)
class Term:
    """A compiled term: its words and the groups it feeds, with weights."""

    words: tuple[int, ...]  # word ids
    text: str
    hits: tuple[tuple[str, float], ...]  # (group, weight)


def parse_term(raw: str) -> tuple[Word, ...]:
    words = []
    for part in raw.split():
        fuzzy = part.startswith("~") and len(part) > 1
        part = part[1:] if fuzzy else part
        prefix = part.endswith("*") and len(part) > 1
        part = part[:-1] if prefix else part
        words.append(Word(part, prefix, fuzzy))
    return tuple(words)


#: typo tolerance only for word-sized tokens
MAX_FUZZY_LEN = 24
#: lexicon words (and prefix stems) at least this long tolerate one typo without «~»
AUTO_FUZZY_MIN = 6


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


def is_one_typo(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance between ``a`` and ``b`` is at most 1."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1 :] == b[i + 1 :] or (
            i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
        )
    return a[i + 1 :] == b[i:] if la > lb else a[i:] == b[i + 1 :]


class TermIndex:
    """Maps tokens to the word ids they match, and word-id sequences to terms.

    Groups are strings: ``request``, ``mp:wb``, ``topic:finance``, ``ask:finance``,
    ``against:finance``, ``vague``, ``label:supply_id``, ``article``, ``stop_label``,
    ``date:deadline``, ``date:last_week``, ``date:field``.
    """

    def __init__(self) -> None:
        self.words: list[Word] = []
        self._word_ids: dict[Word, int] = {}
        self.exact: dict[str, list[int]] = {}
        self.prefixes: dict[str, list[int]] = {}
        self.fuzzy: dict[str, list[int]] = {}  # deletion variant -> word ids
        self.fuzzy_prefix: dict[str, list[int]] = {}  # deletion variant of a stem -> word ids
        self.fuzzy_prefix_lengths: set[int] = set()
        self.terms: list[Term] = []
        self.by_first: dict[int, list[int]] = {}
        self._pending: dict[tuple[int, ...], list[tuple[str, float]]] = {}
        self._texts: dict[tuple[int, ...], str] = {}
        self.max_prefix = 1

    def _word_id(self, word: Word) -> int:
        found = self._word_ids.get(word)
        if found is not None:
            return found
        wid = len(self.words)
        self.words.append(word)
        self._word_ids[word] = wid
        if word.prefix:
            self.prefixes.setdefault(word.text, []).append(wid)
            self.max_prefix = max(self.max_prefix, len(word.text))
        else:
            self.exact.setdefault(word.text, []).append(wid)
        auto = len(word.text) >= AUTO_FUZZY_MIN and word.text.isalpha()
        if word.prefix and (word.fuzzy or auto):
            self.fuzzy_prefix_lengths.add(len(word.text))
            for variant in _deletes(word.text):
                self.fuzzy_prefix.setdefault(variant, []).append(wid)
        elif word.fuzzy or auto:
            for variant in _deletes(word.text):
                self.fuzzy.setdefault(variant, []).append(wid)
        return wid

    def add(self, raw: str, group: str, weight: float = 1.0) -> None:
        ids = tuple(self._word_id(w) for w in parse_term(raw))
        if not ids:
            return
        self._pending.setdefault(ids, []).append((group, weight))
        self._texts.setdefault(ids, raw)

    def freeze(self) -> None:
        for ids, hits in self._pending.items():
            tid = len(self.terms)
            self.terms.append(Term(ids, self._texts[ids], tuple(hits)))
            self.by_first.setdefault(ids[0], []).append(tid)
        self._pending.clear()
        self.match_token = lru_cache(maxsize=65536)(self._match_token)  # type: ignore[method-assign]

    def match_token(self, surface: str, lemma: str, alias: str) -> frozenset[int]:
        return self._match_token(surface, lemma, alias)

    def __getstate__(self) -> dict[str, Any]:  # pickled without its cache (knowledge_memo)
        return {k: v for k, v in self.__dict__.items() if k != "match_token"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.match_token = lru_cache(maxsize=65536)(self._match_token)  # type: ignore[method-assign]

    def _match_token(self, surface: str, lemma: str, alias: str) -> frozenset[int]:
        """Word ids matched by a token (its surface form, lemma and slang alias)."""
        found: set[int] = set()
        forms = {f for f in (surface, lemma, alias) if f}
        known = False  # the token is a lexicon word as it is
        for form in forms:
            exact = self.exact.get(form, [])
            known = known or bool(exact)
            found.update(exact)
            for k in range(1, min(len(form), self.max_prefix) + 1):
                stems = self.prefixes.get(form[:k])
                if stems:
                    found.update(stems)
                    known = known or k >= 5
        # a typo is assumed only for words the lexicon does not know as they are
        # («описание» stays itself, never a typo of «списание»; «доставка» never «поставка»)
        if not known and 5 <= len(surface) <= MAX_FUZZY_LEN:
            for form in forms:
                found.update(self._fuzzy_ids(form))
        return frozenset(found)

    def _fuzzy_ids(self, form: str) -> set[int]:
        found: set[int] = set()
        for variant in _deletes(form):
            for i in self.fuzzy.get(variant, ()):
                if is_one_typo(form, self.words[i].text):
                    found.add(i)
        for length in self.fuzzy_prefix_lengths:
            for cut in (length - 1, length, length + 1):
                if cut > len(form) or cut < 4:
                    continue
                head = form[:cut]
                for variant in _deletes(head):
                    for i in self.fuzzy_prefix.get(variant, ()):
                        if is_one_typo(head, self.words[i].text):
                            found.add(i)
        return found

    @classmethod
    def build(cls, lex: Lexicon) -> TermIndex:
        index = cls()
        for term in lex.request_terms:
            index.add(term, "request")
        for mp, terms in lex.mp_terms.items():
            for term, weight in terms.items():
                index.add(term, f"mp:{mp}", weight)
        for cat, cterms in lex.cat_terms.items():
            for kind, weights in (("topic", cterms.topic), ("ask", cterms.ask),
                                  ("against", cterms.against)):  # fmt: skip
                for term, weight in weights.items():
                    index.add(term, f"{kind}:{cat}", weight)
        for term in lex.vague_terms:
            index.add(term, "vague")
        for term in lex.vague_signature:
            index.add(term, "vague:signature")
        for term in lex.vague_general:
            index.add(term, "vague:general")
        for term in lex.vague_concrete:
            index.add(term, "vague:concrete")
        for kind, phrases in lex.urgent_terms.items():
            for phrase in phrases:
                index.add(phrase, f"urgent:{kind}")
        for term in lex.urgent_against:
            index.add(term, "urgent:against")
        for term in lex.entities.money_words:
            index.add(term, "money")
        for term in lex.dates.document:
            index.add(term, "date:document")
        for id_type, labels in lex.entities.labels.items():
            for term in labels:
                index.add(term, f"label:{id_type}")
        for term in lex.entities.article:
            index.add(term, "article")
        for term in lex.entities.stop_labels:
            index.add(term, "stop_label")
        for term in lex.dates.deadline:
            index.add(term, "date:deadline")
        for term in lex.dates.background:
            index.add(term, "date:background")
        for term in lex.dates.property_words:
            index.add(term, "date:property")
        for term in lex.dates.last_week:
            index.add(term, "date:last_week")
        for term in lex.dates.field_labels:
            index.add(term, "date:field")
        index.freeze()
        return index
