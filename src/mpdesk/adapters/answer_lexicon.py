"""Load ``knowledge/answers/lexicon.yaml`` under a strict schema into
``domain.answers.AnswerLexicon``.

A user knowledge directory may hold its own ``answers/lexicon.yaml``: its phrase tables are
merged over the shipped ones (a phrase's weight replaced or added; weight 0 switches a phrase
off), its other keys replace the shipped ones. Errors name the file and the key path.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.knowledge_memo import remembered
from mpdesk.domain.answers.lexicon import (
    AnswerClass,
    AnswerLexicon,
    HeaderBlock,
    NumberFormat,
    Phrase,
    QuoteMarkers,
    RequestItem,
    RequestKind,
    compile_phrase,
)

RELATIVE = "answers/lexicon.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"bad regular expression: {exc}") from exc
    return value


def _phrases(value: list[str] | dict[str, float]) -> list[str] | dict[str, float]:
    for text in value:
        compile_phrase(text, 1.0, 0)  # raises ValueError with the phrase named
    return value


class ItemSchema(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: RequestKind
    label_ru: str = Field(min_length=1)
    terms: list[str] = Field(min_length=1)

    _t = field_validator("terms")(_phrases)


class RequestsSchema(_Strict):
    weight: float = Field(gt=0, le=20)
    verbs: list[str] = Field(min_length=1)
    needs: list[str] = []
    items: list[ItemSchema] = Field(min_length=1)

    _t = field_validator("verbs", "needs")(_phrases)

    @field_validator("items")
    @classmethod
    def _unique(cls, value: list[ItemSchema]) -> list[ItemSchema]:
        ids = [i.id for i in value]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate item id")
        return value


class BlockSchema(_Strict):
    first: str
    then: str
    within: int = Field(ge=1, le=10)

    _r = field_validator("first", "then")(_regex)


class QuotesSchema(_Strict):
    prefix: str = Field(max_length=3)
    lines: list[str] = []
    blocks: list[BlockSchema] = []
    forward: list[str] = []

    @field_validator("lines", "forward")
    @classmethod
    def _all(cls, value: list[str]) -> list[str]:
        return [_regex(v) for v in value]


class AutoSubjectSchema(_Strict):
    weight: float = Field(gt=0, le=20)
    phrases: list[str] = Field(min_length=1)

    _t = field_validator("phrases")(_phrases)


class FormatSchema(_Strict):
    marketplace: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    pattern: str
    source: str = Field(min_length=20)

    _r = field_validator("pattern")(_regex)


class AppealNumbersSchema(_Strict):
    labels: list[str] = Field(min_length=1)
    connectors: list[str] = []
    formats: list[FormatSchema] = Field(min_length=1)

    _t = field_validator("labels")(_phrases)


class AmountsSchema(_Strict):
    pattern: str
    claimed: list[str] = []

    @field_validator("pattern")
    @classmethod
    def _groups(cls, value: str) -> str:
        if "(?P<whole>" not in _regex(value) or "(?P<cents>" not in value:
            raise ValueError("the pattern needs the groups «whole» and «cents»")
        return value


class TermsSchema(_Strict):
    days: str
    date: str
    business: list[str] = []
    hours: list[str] = []
    weeks: list[str] = []
    numbers: dict[str, int] = {}

    @field_validator("days")
    @classmethod
    def _days(cls, value: str) -> str:
        for group in ("count", "kind", "unit"):
            if f"(?P<{group}>" not in _regex(value):
                raise ValueError(f"the pattern needs the group «{group}»")
        return value

    @field_validator("date")
    @classmethod
    def _date(cls, value: str) -> str:
        for group in ("day", "month", "year"):
            if f"(?P<{group}>" not in _regex(value):
                raise ValueError(f"the pattern needs the group «{group}»")
        return value


class LexiconSchema(_Strict):
    version: int = Field(ge=1, le=1)
    min_score: float = Field(gt=0, le=20)
    max_gap: int = Field(ge=0, le=8)
    #: words that bind to the next word of a phrase (no gap after them)
    bound_words: list[str] = []
    classes: dict[AnswerClass, dict[str, float]]
    partial: list[str] = []
    history: list[str] = []
    negations: list[str] = Field(min_length=1)
    negations_after: list[str] = []
    conditionals: list[str] = []
    requests: RequestsSchema
    quotes: QuotesSchema
    auto_subject: AutoSubjectSchema
    appeal_numbers: AppealNumbersSchema
    amounts: AmountsSchema
    terms: TermsSchema

    _t = field_validator("partial", "conditionals", "negations_after")(_phrases)

    @field_validator("classes")
    @classmethod
    def _classes(cls, value: dict[AnswerClass, dict[str, float]]) -> dict[AnswerClass, Any]:
        for weights in value.values():
            _phrases(weights)
            if any(abs(w) > 20 for w in weights.values()):
                raise ValueError("weights lie between -20 and 20")
        return value


def load_answer_lexicon(files: KnowledgeFiles) -> AnswerLexicon:
    return remembered(
        "answer-lexicon",
        files.sources(RELATIVE),
        lambda: to_domain(files.overlaid(RELATIVE, LexiconSchema)),
    )


def to_domain(s: LexiconSchema) -> AnswerLexicon:
    gap, bound = s.max_gap, frozenset(s.bound_words)

    def phrases(texts: list[str] | dict[str, float]) -> tuple[Phrase, ...]:
        weights = texts if isinstance(texts, dict) else dict.fromkeys(texts, 1.0)
        return tuple(compile_phrase(t, w, gap, bound) for t, w in weights.items() if w)

    connectors = "|".join(re.escape(c) for c in sorted(s.appeal_numbers.connectors, key=len)[::-1])
    labels = "|".join(p.pattern.pattern for p in phrases(s.appeal_numbers.labels))
    lead = rf"(?:{labels})(?:\s*(?:{connectors})\b\.?)*\s*[:№#]?\s*" if connectors else labels

    def number(fmt: str) -> re.Pattern[str]:
        return re.compile(rf"{lead}(?P<number>(?<![\d.]){fmt})(?![\d]|[.,]\d)")

    q = s.quotes
    return AnswerLexicon(
        classes={cls: phrases(weights) for cls, weights in s.classes.items()},
        min_score=s.min_score,
        negations=frozenset(s.negations),
        negations_after=phrases(s.negations_after),
        conditionals=phrases(s.conditionals),
        history=frozenset(s.history),
        partial=phrases(s.partial),
        request_verbs=phrases(s.requests.verbs),
        request_needs=phrases(s.requests.needs),
        request_weight=s.requests.weight,
        items=tuple(
            RequestItem(i.id, i.kind, i.label_ru, phrases(i.terms)) for i in s.requests.items
        ),
        quotes=QuoteMarkers(
            prefix=q.prefix,
            lines=tuple(re.compile(p) for p in q.lines),
            blocks=tuple(
                HeaderBlock(re.compile(b.first), re.compile(b.then), b.within) for b in q.blocks
            ),
            forward=tuple(re.compile(p) for p in q.forward),
        ),
        auto_subject=phrases(s.auto_subject.phrases),
        auto_subject_weight=s.auto_subject.weight,
        appeal_labels=re.compile(labels),
        number_formats=tuple(
            NumberFormat(f.marketplace, number(f.pattern), f.source)
            for f in s.appeal_numbers.formats
        ),
        amount=re.compile(s.amounts.pattern, re.IGNORECASE),
        claimed=frozenset(s.amounts.claimed),
        term_days=re.compile(s.terms.days),
        term_date=re.compile(s.terms.date),
        business_words=frozenset(s.terms.business),
        hour_words=frozenset(s.terms.hours),
        week_words=frozenset(s.terms.weeks),
        number_words=dict(s.terms.numbers),
        max_gap=gap,
    )
