"""Use case: turn an appeal draft into a complete appeal for the right official channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from mpdesk.domain.appeal import (
    AppealDraft,
    ChecklistState,
    Warning,
    collect_warnings,
    evaluate_checklist,
    is_complete,
)
from mpdesk.domain.errors import UnknownValueError
from mpdesk.domain.identifiers import IdType
from mpdesk.domain.knowledge import Channel, KnowledgeBase
from mpdesk.services import formatting
from mpdesk.services.ports.knowledge import TemplateRenderer


@dataclass(frozen=True)
class Appeal:
    draft: AppealDraft
    template_id: str
    subject: str
    body: str
    channel: Channel
    checklist: list[ChecklistState]
    warnings: list[Warning]

    @property
    def complete(self) -> bool:
        return is_complete(self.checklist)

    @property
    def missing(self) -> list[ChecklistState]:
        return [s for s in self.checklist if not s.done]


def validate_choice(kb: KnowledgeBase, marketplace: str, category: str) -> None:
    if marketplace not in kb.marketplaces:
        raise UnknownValueError("marketplace", marketplace, sorted(kb.marketplaces))
    if category not in kb.categories:
        raise UnknownValueError("category", category, sorted(kb.categories))


def choose_channel(kb: KnowledgeBase, marketplace: str, category: str, channel_id: str) -> Channel:
    if channel_id:
        channel = kb.channels.get(channel_id)
        if channel is None or channel.marketplace not in (marketplace, "*"):
            allowed = sorted(c.id for c in kb.channels.values() if c.marketplace == marketplace)
            raise UnknownValueError("channel", channel_id, allowed)
        return channel
    channel = kb.default_channel(marketplace, category)
    if channel is None:
        raise UnknownValueError("channel", "", sorted(kb.channels))
    return channel


def template_context(kb: KnowledgeBase, draft: AppealDraft, channel: Channel) -> dict[str, Any]:
    ids: dict[str, list[str]] = {t.value: [] for t in IdType}
    for ident in draft.identifiers:
        if ident.value not in ids[ident.type.value]:
            ids[ident.type.value].append(ident.value)
    category = kb.categories[draft.category]
    marketplace = kb.marketplaces[draft.marketplace]
    return {
        "marketplace": {"id": marketplace.id, "name": marketplace.name_ru},
        "category": {
            "id": category.id,
            "label": category.label_ru,
            "wording": category.wording.get(marketplace.id, category.label_ru),
        },
        "ids": ids,
        "event_date": formatting.day(draft.event_date) if draft.event_date else "",
        "description": draft.description.strip(),
        "attachments": [a.filename for a in draft.attachments],
        "shop_name": draft.shop_name,
        "channel": {"id": channel.id, "name": channel.name_ru},
        "external_id": "",
        "first_submitted": "",
        "history": [],
    }


def compose_appeal(
    kb: KnowledgeBase,
    renderer: TemplateRenderer,
    draft: AppealDraft,
    today: date,
    template_id: str | None = None,
    extra_context: dict[str, Any] | None = None,
) -> Appeal:
    validate_choice(kb, draft.marketplace, draft.category)
    channel = choose_channel(kb, draft.marketplace, draft.category, draft.channel_id)
    checklist = kb.checklist(draft.marketplace, draft.category)
    states = evaluate_checklist(checklist, draft) if checklist else []
    tid = template_id or kb.template_id(draft.marketplace, draft.category)
    context = template_context(kb, draft, channel)
    context.update(extra_context or {})
    subject, body = renderer.render(tid, "ru", context)
    warnings = collect_warnings(kb, draft, channel, today)
    # one warning per distinct text
    unique = list({(w.code, tuple(sorted(w.fields.items()))): w for w in warnings}.values())
    return Appeal(draft, tid, subject, body, channel, states, unique)
