"""Class of an answer from phrase hits in its new part, with the contract's tie-breaks.

1. Only the new part is scored (quoted history never decides); among decisions the last counts.
2. A refusal that also asks for data is ``refused``.
3. A partial compensation is ``resolved``.
4. A bare acknowledgement is ``auto_reply``; «передано специалистам» makes it ``no_decision``.
A credit phrase that is negated («не будет начислена») counts as a refusal; one under a
condition («если подтвердится…») or about the past («ранее») is no decision at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from mpdesk.domain.answers.lexicon import AnswerClass, AnswerLexicon, Phrase
from mpdesk.domain.answers.text import Sentence

DECISIONS = (AnswerClass.RESOLVED, AnswerClass.REFUSED)
#: list lines after a request that ends with «:» which still belong to it
_LIST_LINES = 10


@dataclass(frozen=True)
class Hit:
    cls: AnswerClass
    weight: float
    sentence: int
    offset: int  # where the phrase ends in its sentence


@dataclass(frozen=True)
class Verdict:
    cls: AnswerClass
    hits: tuple[Hit, ...]
    #: sentences that ask the seller for something
    requests: tuple[int, ...]
    scores: dict[AnswerClass, float]

    def sentences_of(self, cls: AnswerClass) -> list[int]:
        return sorted({h.sentence for h in self.hits if h.cls is cls})


def matches(phrases: tuple[Phrase, ...], norm: str) -> list[tuple[Phrase, int, int]]:
    """Every (phrase, start, end) found in a normalised text."""
    found = []
    for phrase in phrases:
        if phrase.anchor not in norm:
            continue
        for m in phrase.pattern.finditer(norm):
            found.append((phrase, m.start(), m.end()))
    return found


def any_match(phrases: tuple[Phrase, ...], norm: str) -> bool:
    return any(p.anchor in norm and p.pattern.search(norm) for p in phrases)


def _is_negated(norm: str, start: int, end: int, lex: AnswerLexicon) -> bool:
    before = norm[:start].split()[-3:]
    if lex.negations.intersection(before + norm[start:end].split()):
        return True
    after = " ".join(norm[end:].split()[:3])
    return any(p.pattern.match(after) for p in lex.negations_after)


def _hits(sentences: list[Sentence], lex: AnswerLexicon) -> list[Hit]:
    hits: list[Hit] = []
    for index, sentence in enumerate(sentences):
        norm = sentence.norm
        for cls, phrases in lex.classes.items():
            for phrase, start, end in matches(phrases, norm):
                head = norm[:start]
                if cls in DECISIONS and any_match(lex.conditionals, head):
                    continue
                if cls is AnswerClass.RESOLVED:
                    if lex.history.intersection(head.split() + norm[start:end].split()):
                        continue
                    own = lex.negations.intersection(phrase.text.split())
                    if not own and _is_negated(norm, start, end, lex):
                        cls = AnswerClass.REFUSED
                hits.append(Hit(cls, phrase.weight, index, end))
    return hits


def request_sentences(sentences: list[Sentence], lex: AnswerLexicon) -> tuple[int, ...]:
    """Sentences that ask for something: an imperative («приложите»), or a need («необходимо»,
    «не хватает») naming an item; under a condition («если остались вопросы, пишите») only with
    an item."""
    found: list[int] = []
    lacking = lex.classes.get(AnswerClass.NEEDS_DATA, ())
    listing = 0  # list lines left after a request that ends with «:»
    for index, sentence in enumerate(sentences):
        norm = sentence.norm
        named_here = any(any_match(i.phrases, norm) for i in lex.items)
        if listing and named_here:
            found.append(index)
            listing -= 1
            continue
        listing = 0
        if any_match(lacking, norm) and (named_here or sentence.raw.endswith(":")):
            found.append(index)
            listing = _LIST_LINES if sentence.raw.endswith(":") else 0
            continue
        imperative = any_match(lex.request_verbs, norm)
        need = any_match(lex.request_needs, norm)
        if not imperative and not need:
            continue
        named = any(any_match(item.phrases, norm) for item in lex.items)
        conditional = any_match(lex.conditionals, norm)
        if (imperative and (named or not conditional)) or (need and named):
            found.append(index)
            listing = _LIST_LINES if sentence.raw.endswith(":") else 0
    return tuple(found)


def classify(sentences: list[Sentence], lex: AnswerLexicon, auto_weight: float = 0.0) -> Verdict:
    """``auto_weight``: extra weight for an automatic reply from outside the text (subject,
    mail headers)."""
    hits = _hits(sentences, lex)
    requests = request_sentences(sentences, lex)
    scores = dict.fromkeys(AnswerClass, 0.0)
    for hit in hits:
        scores[hit.cls] += hit.weight
    scores[AnswerClass.NEEDS_DATA] += lex.request_weight * len(requests)
    scores[AnswerClass.AUTO_REPLY] += auto_weight
    cls = _decide(scores, hits, sentences, lex)
    return Verdict(cls, tuple(hits), requests, scores)


def _decide(
    scores: dict[AnswerClass, float], hits: list[Hit], sentences: list[Sentence], lex: AnswerLexicon
) -> AnswerClass:
    enough = {cls for cls, score in scores.items() if score >= lex.min_score}
    if AnswerClass.RESOLVED in enough and AnswerClass.REFUSED in enough:
        credited = {h.sentence for h in hits if h.cls is AnswerClass.RESOLVED}
        if any(
            any_match(lex.partial, sentences[i].norm) or lex.amount.search(sentences[i].raw)
            for i in credited
        ):
            return AnswerClass.RESOLVED  # tie-break 3: a partial compensation
        last = max((h for h in hits if h.cls in DECISIONS), key=lambda h: (h.sentence, h.offset))
        return last.cls  # tie-break 1: the last decision counts
    for cls in (
        AnswerClass.RESOLVED,
        AnswerClass.REFUSED,  # tie-break 2: a refusal that also asks for data
        AnswerClass.NEEDS_DATA,
        AnswerClass.NO_DECISION,  # tie-break 4: «передано специалистам» beats an acknowledgement
        AnswerClass.AUTO_REPLY,
    ):
        if cls in enough:
            return cls
    return AnswerClass.NO_DECISION
