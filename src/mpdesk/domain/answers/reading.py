"""``read_answer``: the whole reading of one support answer (answer contract)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mpdesk.domain.answers import extract
from mpdesk.domain.answers.classify import Verdict, classify
from mpdesk.domain.answers.extract import Term
from mpdesk.domain.answers.lexicon import AnswerClass, AnswerLexicon, RequestKind
from mpdesk.domain.answers.text import sentences, split_reply


@dataclass(frozen=True)
class AnswerReading:
    answer_class: AnswerClass
    appeal_number: str | None = None
    #: contract kinds asked for (only for ``needs_data``)
    requested: tuple[RequestKind, ...] = ()
    #: finer items asked for (photo, video, act, upd…), in lexicon order
    details: tuple[str, ...] = ()
    #: money credited or to be credited (only for ``resolved``)
    amount: Decimal | None = None
    #: the sentence that carries a refusal, as written
    reason: str = ""
    promised: Term | None = None
    #: the answer held quoted or forwarded history that was not scored
    has_quote: bool = False

    def contract(self) -> dict[str, Any]:
        """The reading line of ``mpdesk answer --jsonl`` (without ``id``)."""
        return {
            "class": self.answer_class.value,
            "appeal_number": self.appeal_number,
            "requested": [k.value for k in self.requested],
            "amount": None if self.amount is None else f"{self.amount:.2f}",
            "details": list(self.details),
            "reason": self.reason or None,
        }


def _verdict(text: str, lex: AnswerLexicon, auto_weight: float) -> tuple[Verdict, list[Any]]:
    found = sentences(text)
    return classify(found, lex, auto_weight), found


def read_answer(
    text: str,
    lex: AnswerLexicon,
    subject: str = "",
    marketplace: str | None = None,
    auto_submitted: bool = False,
) -> AnswerReading:
    """``auto_submitted``: the transport marked the message automatic (mail headers)."""
    split = split_reply(text, lex.quotes)
    auto_weight = lex.auto_subject_weight * (
        int(extract.is_auto_subject(subject, lex)) + int(auto_submitted)
    )
    body = split.new
    verdict, found = _verdict(body, lex, auto_weight)
    if split.forwarded and not any(s >= lex.min_score for s in verdict.scores.values()):
        body = split.forwarded_body(lex.quotes)  # a forwarded answer with a bare cover note
        verdict, found = _verdict(body, lex, auto_weight)
    cls = verdict.cls
    number = extract.appeal_number([subject, body, split.quoted], marketplace, lex)
    requested: tuple[RequestKind, ...] = ()
    details: tuple[str, ...] = ()
    if cls is AnswerClass.NEEDS_DATA:
        requested, details = extract.requested_items(found, verdict.requests, lex)
    amount = None
    if cls is AnswerClass.RESOLVED:
        amount = extract.credited_amount(found, verdict.sentences_of(cls), lex)
    why = extract.reason(found, verdict.sentences_of(cls)) if cls is AnswerClass.REFUSED else ""
    return AnswerReading(
        answer_class=cls,
        appeal_number=number,
        requested=requested,
        details=details,
        amount=amount,
        reason=why,
        promised=extract.promised_term(body, lex),
        has_quote=bool(split.quoted),
    )
