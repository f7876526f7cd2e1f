"""Tokens, sentences and lexicon matches of one text.

``TextAnalyzer`` is the port for tokenisation and lemmatisation (implemented with razdel and
pymorphy3 in ``adapters/morphology.py``); ``analyze`` runs it and the term index over a folded
text and returns every match with its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from mpdesk.domain.triage.lexicon import Lexicon
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


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    stop: int
    text: str  # folded surface form
    lemma: str
    sentence: int


@dataclass(frozen=True, slots=True)
class Match:
    term: str
    group: str
    weight: float
    first: int  # token index
    last: int  # token index
    sentence: int


@dataclass(frozen=True)
class Sentence:
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

    def groups(self, prefix: str) -> list[Match]:
        return [m for m in self.matches if m.group.startswith(prefix)]


# the lookbehinds make a failed match cost one word, not the rest of a long letter run
_LAST_WORD = re.compile(r"(?<![^\W\d_])([^\W\d_]+)\.\s*$")
_PERIOD = re.compile(r"(?<![^\W\d_])([^\W\d_]*)[.!?]+\s+(?=[^\W_])")


def _split_periods(
    spans: list[tuple[int, int]], text: str, clean: str, abbreviations: frozenset[str]
) -> list[tuple[int, int]]:
    """Chat texts are lowercase, so a sentence also ends at «. » before a lowercase word,
    unless the word before the period is an abbreviation («шт.», «руб.»)."""
    merged: list[tuple[int, int]] = []
    for start, stop in spans:  # razdel splits «арт. 123»: join after an abbreviation
        tail = _LAST_WORD.search(text, merged[-1][0], merged[-1][1]) if merged else None
        head = clean[start : start + 2]
        capital = len(head) == 2 and head[0].isupper() and head[1].islower()  # «Просим»
        if tail is not None and tail.group(1) in abbreviations and not capital:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    result = []
    for start, stop in merged:
        pos = start
        for m in _PERIOD.finditer(text, start, stop):
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


def _is_imperative(token: Token, lexicon: Lexicon) -> bool:
    """«перенесите» (lemma «перенести»): a polite imperative, i.e. a request."""
    return (
        token.text != token.lemma
        and token.text.endswith(lexicon.imperative_endings)
        and token.lemma.endswith(lexicon.infinitive_endings)
    )


def analyze(clean: str, lexicon: Lexicon, analyzer: TextAnalyzer) -> Analysis:
    """``clean`` is the normalised text (normalize.normalize_text); sentences are found on it
    (capital letters help), tokens and terms on its folded form."""
    index = lexicon.index
    text = fold(clean)
    spans = _split_lines(analyzer.sentences(clean), text)
    spans = _split_periods(spans, text, clean, lexicon.abbreviations) or [(0, len(text))]
    tokens: list[Token] = []
    sent = 0
    for start, stop, word in analyzer.tokenize(text):
        while sent < len(spans) - 1 and start >= spans[sent][1]:
            sent += 1
        lemma = analyzer.lemma(word).replace("ё", "е") if word.isalpha() else word
        tokens.append(Token(start, stop, word, lemma, sent))
    word_sets = [index.match_token(t.text, t.lemma, lexicon.slang.get(t.text, "")) for t in tokens]
    matches: list[Match] = []
    gap = lexicon.phrase_gap
    n = len(tokens)
    for i, wids in enumerate(word_sets):
        for wid in wids:
            for tid in index.by_first.get(wid, ()):
                term = index.terms[tid]
                last = i
                ok = True
                for next_wid in term.words[1:]:
                    found = -1
                    skipped = 0  # words between; punctuation does not count
                    for k in range(last + 1, min(n, last + 1 + 3 * (gap + 1))):
                        if tokens[k].sentence != tokens[i].sentence:
                            break
                        if next_wid in word_sets[k]:
                            found = k
                            break
                        if tokens[k].text[:1].isalnum():
                            skipped += 1
                            if skipped > gap:
                                break
                    if found < 0:
                        ok = False
                        break
                    last = found
                if ok:
                    for group, weight in term.hits:
                        matches.append(Match(term.text, group, weight, i, last, tokens[i].sentence))
    request_sents = {m.sentence for m in matches if m.group == "request"}
    request_sents.update(t.sentence for t in tokens if _is_imperative(t, lexicon))
    sentences = []
    for idx, (start, stop) in enumerate(spans):
        chunk = text[start:stop].strip()
        first_word = chunk.split(":", 1)[0].strip() if ":" in chunk[:20] else ""
        is_subject = first_word in lexicon.subject_labels
        is_request = idx in request_sents or chunk.endswith("?") or is_subject
        sentences.append(Sentence(start, stop, is_request, is_subject))
    return Analysis(text, tokens, sentences, matches)
