"""Value objects of the answer lexicon (``knowledge/answers/lexicon.yaml``).

Phrases are word sequences in lower case with «е» for «ё»; a word ending in ``*`` matches any
word that starts with it. Consecutive words of a phrase may be ``max_gap`` words apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class AnswerClass(StrEnum):
    """What support decided (answer contract)."""

    RESOLVED = "resolved"
    REFUSED = "refused"
    NEEDS_DATA = "needs_data"
    NO_DECISION = "no_decision"
    AUTO_REPLY = "auto_reply"


class RequestKind(StrEnum):
    """What a requested item is, in the contract's terms."""

    IDENTIFIER = "identifier"
    DATE = "date"
    DESCRIPTION = "description"
    EVIDENCE = "evidence"


@dataclass(frozen=True)
class Phrase:
    text: str
    weight: float
    pattern: re.Pattern[str]
    #: a literal every match contains (a cheap pre-filter before the regex runs)
    anchor: str


@dataclass(frozen=True)
class RequestItem:
    """A finer item support may ask for (photo, act, УПД…), mapped to a contract kind."""

    id: str
    kind: RequestKind
    label_ru: str
    phrases: tuple[Phrase, ...]


@dataclass(frozen=True)
class NumberFormat:
    """How one marketplace writes its appeal numbers; ``source`` says where that is from."""

    marketplace: str
    pattern: re.Pattern[str]
    source: str


@dataclass(frozen=True)
class HeaderBlock:
    """A quote header spread over lines (Outlook: «От:» then «Отправлено:» within a few lines)."""

    first: re.Pattern[str]
    then: re.Pattern[str]
    within: int


@dataclass(frozen=True)
class QuoteMarkers:
    """Lines that open quoted or forwarded history in a reply."""

    prefix: str  # the quote prefix of a line («>»)
    lines: tuple[re.Pattern[str], ...]
    blocks: tuple[HeaderBlock, ...] = ()
    #: lines that open a forwarded message (its content may be the answer itself)
    forward: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class AnswerLexicon:
    classes: dict[AnswerClass, tuple[Phrase, ...]]
    min_score: float
    #: words that turn a credit phrase into a refusal, just before it or inside it
    negations: frozenset[str]
    #: phrases that turn a credit phrase into a refusal right after it («отменён не будет»)
    negations_after: tuple[Phrase, ...]
    conditionals: tuple[Phrase, ...]
    history: frozenset[str]
    partial: tuple[Phrase, ...]
    #: imperative request phrases (a request by themselves)
    request_verbs: tuple[Phrase, ...]
    #: words that make a request only when an item is named in the same sentence
    request_needs: tuple[Phrase, ...]
    request_weight: float
    items: tuple[RequestItem, ...]
    quotes: QuoteMarkers
    auto_subject: tuple[Phrase, ...]
    auto_subject_weight: float
    appeal_labels: re.Pattern[str]
    number_formats: tuple[NumberFormat, ...]
    amount: re.Pattern[str]
    claimed: frozenset[str]
    #: «в течение 3 рабочих дней», «до 15.12.2025»: promised terms (for the next step)
    term_days: re.Pattern[str]
    term_date: re.Pattern[str]
    business_words: frozenset[str]
    hour_words: frozenset[str]
    week_words: frozenset[str]
    number_words: dict[str, int] = field(default_factory=dict)
    max_gap: int = 5


_WORD = re.compile(r"^[\w-]+\*?$")


def compile_phrase(
    text: str, weight: float, max_gap: int, bound: frozenset[str] = frozenset()
) -> Phrase:
    """``"компенсаци* начисл*"`` → a regex over a normalised sentence (words joined by one
    space). Up to ``max_gap`` other words may stand between two words of the phrase, except
    after a ``bound`` word (a preposition or «не» binds to the next word). Raises
    ``ValueError`` for a malformed phrase."""
    words = text.split()
    if not words or not all(_WORD.match(w) for w in words):
        raise ValueError(f"phrase «{text}»: words of letters and digits, «*» only at the end")
    if text != text.lower() or "ё" in text:
        raise ValueError(f"phrase «{text}» must be lowercase, with «е» for «ё»")
    gap = rf" (?:[\w-]+ ){{0,{max_gap}}}"
    body = ""
    for i, word in enumerate(words):
        part = re.escape(word[:-1]) + r"[\w-]*" if word.endswith("*") else re.escape(word)
        if i:
            body += " " if words[i - 1] in bound else gap
        body += part
    pattern = re.compile(rf"(?<![\w-]){body}(?![\w-])")
    anchor = max((w.rstrip("*") for w in words), key=len)
    return Phrase(text, weight, pattern, anchor)
