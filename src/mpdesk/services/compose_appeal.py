"""Use case: turn an appeal draft into a complete appeal for the right official channel.

The one composer every surface uses (new appeals on the CLI, the pages and the API, previews,
edits, follow-ups, drafts from audit findings). The letter is built from the facts the template
context carries — marketplace, category, channel, identifiers, dates and money formatted by
``services.formatting``, rows of goods — and the seller's own words, cleaned up with the
knowledge base's shorthand list (``domain.seller_text``), go into a quoted «Описание продавца»
block, never as the only description. The body is plain text (what a support portal or chat
form takes, tables as aligned lines); ``Appeal.html`` is the same letter for an e-mail's HTML
part (``domain.letter_text``).
"""

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
from mpdesk.domain.letter_text import plain_text, to_html
from mpdesk.domain.seller_text import clean_seller_text
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

    @property
    def html(self) -> str:
        """The letter as HTML (the e-mail's alternative part)."""
        return to_html(self.body)


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


#: what templates may call to format values for people (the one formatting module)
FORMATTERS: dict[str, Any] = {
    "money": formatting.money,
    "number": formatting.number,
    "day": formatting.day,
}


def signature(kb: KnowledgeBase, draft: AppealDraft) -> str:
    """The shop's name under the letter; none for the default shop mpdesk named after the
    marketplace (a letter to Wildberries is not signed «Wildberries (основной)»)."""
    label = kb.marketplaces[draft.marketplace].name_ru
    default = kb.messages.get("shop_default_name", "").replace("{label}", label)
    return "" if draft.shop_name.strip() in ("", default) else draft.shop_name.strip()


def template_context(kb: KnowledgeBase, draft: AppealDraft, channel: Channel) -> dict[str, Any]:
    """What a template sees. ``description`` is the seller's text cleaned up for quoting;
    ``amounts`` the money identifiers formatted («235,00 ₽»); ``fmt`` the formatters."""
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
        "description": clean_seller_text(draft.description, kb.shorthand),
        "amounts": [formatting.money(a) for a in ids[IdType.AMOUNT.value]],
        "fmt": FORMATTERS,
        "attachments": [a.filename for a in draft.attachments],
        "shop_name": draft.shop_name,
        "signature": signature(kb, draft),
        "channel": {"id": channel.id, "name": channel.name_ru, "kind": channel.kind.value},
        "topic": "",
        "rows_files": {},
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
    own = kb.template_id(draft.marketplace, draft.category)
    tid = template_id or own
    context = template_context(kb, draft, channel)
    context.update(extra_context or {})
    if tid != own:  # a follow-up or a claim names the problem as the first appeal did
        context["topic"] = renderer.render(own, "ru", context)[0]
    subject, source = renderer.render(tid, "ru", context)
    body = plain_text(source)
    warnings = collect_warnings(kb, draft, channel, today)
    # one warning per distinct text
    unique = list({(w.code, tuple(sorted(w.fields.items()))): w for w in warnings}.values())
    return Appeal(draft, tid, subject, body, channel, states, unique)
