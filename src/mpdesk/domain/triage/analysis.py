"""Tokens, sentences and lexicon matches of one text.

``TextAnalyzer`` is the port for tokenisation and lemmatisation (implemented with razdel and
pymorphy3 in ``adapters/morphology.py``); ``analyze`` runs it and the term index over a folded
text and returns every match with its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from mpdesk.domain.triage.lexicon import Lexicon, Term
from mpdesk.domain.triage.normalize import fold


class TextAnalyzer(Protocol):
    def tokenize(self, text: str) -> list[tuple[int, int, str]]:
        """(start, stop, text) of every token, in order."""
        ...

    def sentences(self, text: str) -> list[tuple[int, int]]:
        """(start, stop) of every sentence, in order, covering the text."""
        ...

    def lemma(self, word: str) -> str:
        """Normal form of a lowercase word (the word itself when unknown)."""
        ...


class Token(NamedTuple):  # a tuple: built ~30 times per text, ten times cheaper than a dataclass
    start: int
    stop: int
    text: str  # folded surface form
    lemma: str
    sentence: int


class Match(NamedTuple):
    term: str
    group: str
    weight: float
    first: int  # token index
    last: int  # token index
    sentence: int


class Sentence(NamedTuple):
    start: int
    stop: int
    is_request: bool
    is_subject: bool


@dataclass(frozen=True)
class Analysis:
    text: str  # folded text
    tokens: list[Token]
    sentences: list[Sentence]
    matches: list[Match]
    _kinds: dict[str | tuple[str, ...], list[Match]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _match_kinds: list[str] = field(default_factory=list, init=False, repr=False, compare=False)

    def of_kinds(self, *kinds: str) -> list[Match]:
        """The matches whose group is of one of ``kinds`` (``topic`` for ``topic:finance``,
        ``money`` for ``money``), in text order; each reader of the matches asks for its own
        kinds, so a text's matches are sorted by kind once, not once per reader."""
        index = self._kinds
        if not index:  # every kind's list, in one pass ("" marks it done)
            index[""] = []
            kinds_of = self._match_kinds
            for m in self.matches:
                kind = m.group.partition(":")[0]
                kinds_of.append(kind)
                same = index.get(kind)
                if same is None:
                    index[kind] = [m]
                else:
                    same.append(m)
        if len(kinds) == 1:
            return index.get(kinds[0], [])
        found = index.get(kinds)
        if found is None:
            present = [k for k in kinds if k in index]
            if len(present) <= 1:
                found = index[present[0]] if present else []
            else:
                found = [
                    m for m, k in zip(self.matches, self._match_kinds, strict=True) if k in present
                ]
            index[kinds] = found
        return found


# the lookbehinds make a failed match cost one word, not the rest of a long letter run
_LAST_WORD = re.compile(r"(?<![^\W\d_])([^\W\d_]+)\.\s*$")
_PERIOD = re.compile(r"(?<![^\W\d_])([^\W\d_]*)[.!?]+\s+(?=[^\W_])")
_STOP_MARK = re.compile(r"[.!?]")


def _split_periods(
    spans: list[tuple[int, int]], text: str, clean: str, abbreviations: frozenset[str]
) -> list[tuple[int, int]]:
    """Chat texts are lowercase, so a sentence also ends at «. » before a lowercase word,
    unless the word before the period is an abbreviation («шт.», «руб.»)."""
    merged: list[tuple[int, int]] = []
    for start, stop in spans:  # razdel splits «арт. 123»: join after an abbreviation
        tail = None
        if merged:  # only a span that ends with «.» (and maybe spaces) can end in an abbreviation
            before, end = merged[-1]
            last = text[end - 1] if end > before else ""
            if last == "." or last.isspace():
                tail = _LAST_WORD.search(text, before, end)
        head = clean[start : start + 2]
        capital = len(head) == 2 and head[0].isupper() and head[1].islower()  # «Просим»
        if tail is not None and tail.group(1) in abbreviations and not capital:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    result = []
    for start, stop in merged:
        pos = start
        # a period inside the span needs a space and a letter after it: most spans have none
        inner = _STOP_MARK.search(text, start, stop - 2) is not None
        for m in _PERIOD.finditer(text, start, stop) if inner else ():
            if m.group(1) in abbreviations:
                continue
            result.append((pos, m.end()))
            pos = m.end()
        if pos < stop:
            result.append((pos, stop))
    return result


def _split_lines(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Sentences never cross a line break (subject lines, «Дата:» fields)."""
    result = []
    for start, stop in spans:
        pos = start
        while True:
            nl = text.find("\n", pos, stop)
            if nl < 0:
                break
            if nl > pos:
                result.append((pos, nl))
            pos = nl + 1
        if pos < stop:
            result.append((pos, stop))
    return result


#: words remembered per ``TextAnalyzer`` (lemma and lexicon word ids); bounded
_WORD_CACHE_LIMIT = 200_000


class WordInfo(NamedTuple):
    lemma: str
    word_ids: frozenset[int]  # lexicon words the token matches (surface, lemma, slang, typo)
    #: lexicon terms whose first word it matches, in index order, each with its other words
    starts: tuple[tuple[Term, tuple[int, ...]], ...]
    imperative: bool  # «перенесите»: a polite imperative, i.e. a request


@dataclass
class TextAnalysisCache:
    """What one word costs to look up (its lemma, the lexicon words and terms it matches), kept
    per word so that a text pays for each distinct word once per process, not per occurrence."""

    lexicon: Lexicon
    analyzer: TextAnalyzer
    words: dict[str, WordInfo] = field(default_factory=dict)

    def word(self, word: str) -> WordInfo:
        found = self.words.get(word)
        if found is None:
            found = self._look_up(word)
            if len(self.words) < _WORD_CACHE_LIMIT:
                self.words[word] = found
        return found

    def _look_up(self, word: str) -> WordInfo:
        lexicon, index = self.lexicon, self.lexicon.index
        lemma = self.analyzer.lemma(word).replace("ё", "е") if word.isalpha() else word
        wids = index.match_token(word, lemma, lexicon.slang.get(word, ""))
        starts = tuple(
            (term, term.words[1:])
            for wid in wids
            for term in (index.terms[tid] for tid in index.by_first.get(wid, ()))
        )
        imperative = (
            word != lemma
            and word.endswith(lexicon.imperative_endings)
            and lemma.endswith(lexicon.infinitive_endings)
        )
        return WordInfo(lemma, wids, starts, imperative)


_caches: dict[tuple[int, int], TextAnalysisCache] = {}


def _cache_for(lexicon: Lexicon, analyzer: TextAnalyzer) -> TextAnalysisCache:
    key = (id(lexicon), id(analyzer))
    cache = _caches.get(key)
    if cache is None or cache.lexicon is not lexicon or cache.analyzer is not analyzer:
        if len(_caches) > 8:  # lexicons reloaded many times (tests): forget the old ones
            _caches.clear()
        cache = _caches[key] = TextAnalysisCache(lexicon, analyzer)
    return cache


def analyze(clean: str, lexicon: Lexicon, analyzer: TextAnalyzer) -> Analysis:
    """``clean`` is the normalised text (normalize.normalize_text); sentences are found on it
    (capital letters help), tokens and terms on its folded form."""
    cache = _cache_for(lexicon, analyzer)
    known, look_up = cache.words, cache.word
    text = fold(clean)
    spans = _split_lines(analyzer.sentences(clean), text)
    spans = _split_periods(spans, text, clean, lexicon.abbreviations) or [(0, len(text))]
    tokens: list[Token] = []
    word_sets: list[frozenset[int]] = []
    firsts: list[tuple[int, tuple[tuple[Term, tuple[int, ...]], ...]]] = []  # tokens that start
    request_sents: set[int] = set()
    sent = 0
    bound = spans[0][1]
    last_sent = len(spans) - 1
    for start, stop, word in analyzer.tokenize(text):
        while sent < last_sent and start >= bound:
            sent += 1
            bound = spans[sent][1]
        info = known.get(word) or look_up(word)
        if info.starts:
            firsts.append((len(tokens), info.starts))
        if info.imperative:
            request_sents.add(sent)
        # tuple.__new__ skips the named tuple's Python-level constructor (tens per text)
        tokens.append(_new(Token, (start, stop, word, info.lemma, sent)))
        word_sets.append(info.word_ids)
    matches: list[Match] = []
    gap = lexicon.phrase_gap
    n = len(tokens)
    present = frozenset().union(*word_sets)  # a term whose other words are absent is skipped
    for i, starts in firsts:
        sentence = tokens[i].sentence
        for term, rest in starts:
            last = i
            if rest:
                if not present.issuperset(rest):
                    continue
                last = _phrase_end(tokens, word_sets, i, rest, sentence, gap, n)
                if last < 0:
                    continue
            for group, weight in term.hits:
                matches.append(_new(Match, (term.text, group, weight, i, last, sentence)))
                if group == "request":
                    request_sents.add(sentence)
    sentences = []
    for idx, (start, stop) in enumerate(spans):
        chunk = text[start:stop].strip()
        first_word = chunk.split(":", 1)[0].strip() if ":" in chunk[:20] else ""
        is_subject = first_word in lexicon.subject_labels
        is_request = idx in request_sents or chunk.endswith("?") or is_subject
        sentences.append(_new(Sentence, (start, stop, is_request, is_subject)))
    return Analysis(text, tokens, sentences, matches)


_new = tuple.__new__


def _phrase_end(
    tokens: list[Token],
    word_sets: list[frozenset[int]],
    first: int,
    rest: tuple[int, ...],
    sentence: int,
    gap: int,
    n: int,
) -> int:
    """Index of the token where a phrase whose first word is ``tokens[first]`` ends, its other
    words ``rest`` following in order in the same sentence with at most ``gap`` words between
    each (punctuation does not count); -1 when they do not."""
    last = first
    for next_wid in rest:
        found = -1
        skipped = 0
        for k in range(last + 1, min(n, last + 1 + 3 * (gap + 1))):
            if tokens[k].sentence != sentence:
                break
            if next_wid in word_sets[k]:
                found = k
                break
            if tokens[k].text[:1].isalnum():
                skipped += 1
                if skipped > gap:
                    break
        if found < 0:
            return -1
        last = found
    return last
