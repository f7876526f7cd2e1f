"""The appeal being prepared: its draft, checklist evaluation and warnings (pure rules).

Rendering of subject and body is a port (services.ports.TemplateRenderer); this module decides
*what* an appeal contains and what it still lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from mpdesk.domain.identifiers import (
    GOODS_IDENTIFIERS,
    Identifier,
    IdType,
    check_identifier,
    is_valid_ean,
)
from mpdesk.domain.knowledge import Channel, Checklist, KnowledgeBase
from mpdesk.domain.tickets import Attachment, Ticket

#: a description shorter than this many words is too vague to act on
MIN_DESCRIPTION_WORDS = 6


@dataclass(frozen=True)
class AttachmentInfo:
    filename: str
    size: int
    media_type: str
    sha256: str


@dataclass
class AppealDraft:
    marketplace: str
    category: str
    description: str = ""
    identifiers: list[Identifier] = field(default_factory=list)
    event_date: date | None = None
    attachments: list[AttachmentInfo] = field(default_factory=list)
    channel_id: str = ""
    shop_name: str = ""
    vague: bool | None = None  # set by triage when it judged the description

    def first(self, id_type: IdType) -> str:
        return next((i.value for i in self.identifiers if i.type is id_type), "")


def draft_from_ticket(
    ticket: Ticket,
    shop_name: str = "",
    identifiers: list[Identifier] | None = None,
    attachments: list[Attachment] | None = None,
    vague: bool | None = None,
) -> AppealDraft:
    """The draft a saved ticket stands for (to re-render it, or to continue it in a follow-up
    or a claim with more identifiers and evidence)."""
    return AppealDraft(
        marketplace=ticket.marketplace,
        category=ticket.category,
        description=ticket.description,
        identifiers=list(ticket.identifiers if identifiers is None else identifiers),
        event_date=ticket.event_date,
        attachments=[
            AttachmentInfo(a.filename, a.size, a.media_type, a.sha256)
            for a in (ticket.attachments if attachments is None else attachments)
        ],
        channel_id=ticket.channel_id,
        shop_name=shop_name,
        vague=vague,
    )


@dataclass(frozen=True)
class ChecklistState:
    id: str
    label_ru: str
    done: bool
    question_ru: str
    required: bool


@dataclass(frozen=True)
class Warning:
    """``code`` keys a message in the catalogue; ``fields`` fill its placeholders."""

    code: str
    fields: dict[str, str]


def is_description_vague(text: str) -> bool:
    words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    return len(words) < MIN_DESCRIPTION_WORDS


def evaluate_checklist(checklist: Checklist, draft: AppealDraft) -> list[ChecklistState]:
    states = []
    for item in checklist.items:
        if item.id == "identifier":
            wanted = set(item.id_types) or set(GOODS_IDENTIFIERS)
            done = any(i.type in wanted for i in draft.identifiers)
        elif item.id == "date":
            done = draft.event_date is not None
        elif item.id == "description":
            vague = (
                draft.vague if draft.vague is not None else is_description_vague(draft.description)
            )
            done = bool(draft.description.strip()) and not vague
        elif item.id == "evidence":
            done = bool(draft.attachments)
        else:
            done = False
        states.append(ChecklistState(item.id, item.label_ru, done, item.question_ru, item.required))
    return states


def is_complete(states: list[ChecklistState]) -> bool:
    return all(s.done for s in states if s.required)


def collect_warnings(
    kb: KnowledgeBase, draft: AppealDraft, channel: Channel | None, today: date
) -> list[Warning]:
    warnings: list[Warning] = []
    if channel is not None and not channel.official:
        warnings.append(Warning("warn_unofficial_channel", {"channel": channel.name_ru}))
    if channel is not None and channel.kind.value == "email" and not channel.address:
        warnings.append(Warning("warn_channel_address_unknown", {"channel": channel.name_ru}))
    for unofficial in kb.unofficial_channels(draft.marketplace):
        if unofficial.warning_ru:
            warnings.append(Warning("warn_unofficial_known", {"text": unofficial.warning_ru}))
    for ident in draft.identifiers:
        problem = check_identifier(draft.marketplace, ident)
        if problem is not None:
            warnings.append(
                Warning(
                    "warn_identifier_format",
                    {"type": ident.type.value, "value": ident.value, "expected": problem.expected},
                )
            )
        elif ident.type is IdType.BARCODE and len(ident.value) in (8, 13, 14):
            if not is_valid_ean(ident.value):
                warnings.append(Warning("warn_ean_checksum", {"value": ident.value}))
    if draft.event_date is not None and draft.event_date > today:
        warnings.append(Warning("warn_future_date", {"date": draft.event_date.isoformat()}))
    return warnings
