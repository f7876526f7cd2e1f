"""Live triage for the «Новое обращение» page and ``POST /api/v1/triage``.

Uses ``mpdesk.services.triage_case.triage_case`` when that module is installed (it is built
separately); without it — or if it fails — a small fallback only guesses the marketplace from
the knowledge base's synonyms, and the person fills in the rest. Never raises for bad text.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.services.context import ServiceContext

log = logging.getLogger(__name__)
MODULE = "mpdesk.services.triage_case"


@dataclass(frozen=True)
class Suggestion:
    available: bool  # False when only the fallback ran
    marketplace: str | None = None
    category: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    event_date: date | None = None
    channel: str | None = None
    missing: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _identifiers(raw: Any) -> list[Identifier]:
    found: list[Identifier] = []
    for item in raw or []:
        if isinstance(item, Identifier):
            found.append(item)
            continue
        try:
            found.append(Identifier(IdType(str(_get(item, "type"))), str(_get(item, "value"))))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


def _date(raw: Any) -> date | None:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and raw:
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            return None
    return None


def guess_marketplace(ctx: ServiceContext, text: str) -> str | None:
    words = set(re.findall(r"\w+", text.lower()))
    for market in ctx.kb.marketplaces.values():
        names = {market.id, *(s.lower() for s in market.synonyms)}
        if any((n in words) if " " not in n else (n in text.lower()) for n in names):
            return market.id
    return None


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
    try:
        module: Any = importlib.import_module(MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != MODULE:
            log.warning("triage module failed to import: %s", exc)
        module = None
    if module is not None and callable(getattr(module, "triage_case", None)):
        try:
            result = module.triage_case(
                ctx, text, received_at or ctx.clock.today(), list(attachments), hint
            )
            marketplace = _get(result, "marketplace") or hint
            category = _get(result, "category")
            return Suggestion(
                available=True,
                marketplace=str(marketplace) if marketplace else None,
                category=str(category) if category in ctx.kb.categories else None,
                identifiers=_identifiers(_get(result, "entities")),
                event_date=_date(_get(result, "event_date")),
                channel=_get(result, "channel") or None,
                missing=[str(m) for m in (_get(result, "missing") or [])],
                questions=[str(q) for q in (_get(result, "questions") or [])],
            )
        except Exception:  # triage must never break the page
            log.exception("triage_case failed; using the fallback")
    return Suggestion(available=False, marketplace=hint or guess_marketplace(ctx, text))
