"""What an answer states besides its class: the appeal number, the credited amount, the items
asked for, the refusal reason and a promised term («в течение 3 рабочих дней»)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from mpdesk.domain.answers.classify import any_match
from mpdesk.domain.answers.lexicon import AnswerLexicon, RequestKind
from mpdesk.domain.answers.text import Sentence, normalise

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
_REASON_LIMIT = 300


@dataclass(frozen=True)
class Term:
    """A promised term: ``days`` (working days when ``business``) or a calendar ``day``."""

    days: int | None = None
    business: bool = False
    day: int | None = None
    month: int | None = None
    year: int | None = None


def appeal_number(texts: list[str], marketplace: str | None, lex: AnswerLexicon) -> str | None:
    """The first appeal number in ``texts`` (subject, new part, quote — in that order), as
    written without spaces and «№». The hinted marketplace's formats are tried first."""
    formats = sorted(lex.number_formats, key=lambda f: f.marketplace != marketplace)
    for text in texts:
        probe = text.lower().replace("ё", "е")
        for fmt in formats:
            m = fmt.pattern.search(probe)
            if m:
                return _SPACES.sub("", m.group("number")).lstrip("№").upper()
    return None


def _to_decimal(whole: str, cents: str | None) -> Decimal | None:
    try:
        value = Decimal(_SPACES.sub("", whole) + "." + (cents or "0").ljust(2, "0"))
    except InvalidOperation:
        return None
    return value.quantize(Decimal("0.01"))


def amounts(raw: str, lex: AnswerLexicon) -> list[Decimal]:
    """Money in a sentence, leaving out sums named as claimed («из заявленных 2 000 ₽»)."""
    found = []
    for m in lex.amount.finditer(raw):
        before = normalise(raw[: m.start()]).split()[-2:]
        if lex.claimed.intersection(before):
            continue
        value = _to_decimal(m.group("whole"), m.group("cents"))
        if value is not None and value > 0:
            found.append(value)
    return found


def credited_amount(
    sentences: list[Sentence], credited: list[int], lex: AnswerLexicon
) -> Decimal | None:
    """The sum in the first credit sentence, or in the sentence right after it."""
    for index in credited:
        for near in (index, index + 1):
            if near < len(sentences):
                found = amounts(sentences[near].raw, lex)
                if found:
                    return found[0]
    return None


def requested_items(
    sentences: list[Sentence], requests: tuple[int, ...], lex: AnswerLexicon
) -> tuple[tuple[RequestKind, ...], tuple[str, ...]]:
    """Contract kinds and finer item ids named in the request sentences, in lexicon order."""
    norms = [sentences[i].norm for i in requests]
    details = tuple(item.id for item in lex.items if any(any_match(item.phrases, n) for n in norms))
    by_id = {item.id: item.kind for item in lex.items}
    kinds = tuple(k for k in RequestKind if any(by_id[d] is k for d in details))
    return kinds, details


def reason(sentences: list[Sentence], refused: list[int]) -> str:
    """The sentence that carries the refusal, as written (cut at a word boundary)."""
    if not refused:
        return ""
    text = sentences[refused[-1]].raw
    if len(text) <= _REASON_LIMIT:
        return text
    return text[:_REASON_LIMIT].rsplit(" ", 1)[0] + "…"


def promised_term(text: str, lex: AnswerLexicon) -> Term | None:
    """«в течение 3 рабочих дней», «до 15.12.2025» in the new part of an answer."""
    probe = text.lower().replace("ё", "е")
    m = lex.term_days.search(probe)
    if m:
        count = m.group("count")
        n = int(count) if count.isdigit() else lex.number_words.get(count)
        if n is not None and 0 < n <= 365:
            unit = m.group("unit")
            if any(unit.startswith(w) for w in lex.hour_words):
                return Term(days=max(1, -(-n // 24)))
            if any(unit.startswith(w) for w in lex.week_words):
                return Term(days=n * 7)
            business = bool(m.group("kind")) and any(
                m.group("kind").startswith(w) for w in lex.business_words
            )
            return Term(days=n, business=business)
    d = lex.term_date.search(probe)
    if d:
        year = d.group("year")
        full = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
        return Term(day=int(d.group("day")), month=int(d.group("month")), year=full)
    return None


def is_auto_subject(subject: str, lex: AnswerLexicon) -> bool:
    return bool(subject) and any_match(lex.auto_subject, normalise(subject))
