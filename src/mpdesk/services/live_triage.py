"""Triage for the «Новое обращение» page and ``POST /api/v1/triage``: the same
``triage_case`` as ``mpdesk triage`` and ``mpdesk new --text``, its result narrowed to the fields
a form can take (known marketplace and category, identifiers without repeats)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from mpdesk.domain.identifiers import Identifier
from mpdesk.services.context import ServiceContext
from mpdesk.services.triage_case import triage_case


@dataclass(frozen=True)
class Suggestion:
    available: bool  # False when there was no text to read
    marketplace: str | None = None
    category: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    event_date: date | None = None
    channel: str | None = None
    missing: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    #: unsure between ``category`` and ``alternatives[0]``: the person chooses («Это скорее…»)
    needs_confirmation: bool = False
    alternatives: list[str] = field(default_factory=list)
    question: str = ""
    urgent: bool = False


def suggest(
    ctx: ServiceContext,
    text: str,
    marketplace_hint: str | None = None,
    attachments: Sequence[str] = (),
    received_at: date | None = None,
) -> Suggestion:
    hint = marketplace_hint if marketplace_hint in ctx.kb.marketplaces else None
    if not text.strip():
        return Suggestion(available=False, marketplace=hint)
    result = triage_case(ctx, text, received_at or ctx.clock.today(), list(attachments), hint)
    marketplace = result.marketplace or hint
    return Suggestion(
        available=True,
        marketplace=marketplace if marketplace in ctx.kb.marketplaces else None,
        category=result.category if result.category in ctx.kb.categories else None,
        identifiers=list(dict.fromkeys(result.entities)),
        event_date=result.event_date,
        channel=result.channel or None,
        missing=list(result.missing),
        questions=list(result.questions),
        needs_confirmation=result.needs_confirmation,
        alternatives=[c for c in result.category_alternatives if c in ctx.kb.categories],
        question=result.confirmation_question,
        urgent=result.urgent,
    )
