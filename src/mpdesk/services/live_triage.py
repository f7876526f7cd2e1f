"""Triage for the «Новое обращение» page and ``POST /api/v1/triage``: the same
``triage_case`` as ``mpdesk triage`` and ``mpdesk new --text``, its result narrowed to the fields
a form can take (known marketplace and category, identifiers without repeats)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from mpdesk.domain.identifiers import Identifier
from mpdesk.domain.triage.requests import Problem
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
    #: other problems the text raises besides the main one (each may become its own appeal)
    other_problems: list[Problem] = field(default_factory=list)


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
        other_problems=[
            p
            for p in result.problems[1:]
            if p.category in ctx.kb.categories and p.category != result.category
        ],
    )


def split_problem(
    ctx: ServiceContext,
    text: str,
    category: str,
    marketplace_hint: str | None = None,
    received_at: date | None = None,
) -> tuple[Problem, Suggestion] | None:
    """The problem of ``category`` that ``text`` raises besides its main one, with what triage
    finds in its own request sentence (numbers, date) for a separate appeal; None when the text
    raises no such problem. The category is the one asked for, whatever the sentence alone
    would get."""
    whole = suggest(ctx, text, marketplace_hint, received_at=received_at)
    found = next((p for p in whole.other_problems if p.category == category), None)
    if found is None:
        return None
    part = suggest(ctx, found.sentence, whole.marketplace, received_at=received_at)
    return found, replace(
        part,
        marketplace=part.marketplace or whole.marketplace,
        category=category,
        needs_confirmation=False,
        alternatives=[],
        question="",
        other_problems=[],
    )
