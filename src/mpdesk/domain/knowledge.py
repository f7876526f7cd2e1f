"""Value objects of the knowledge base: marketplaces, categories, channels, checklists,
templates, deadline rules and the sellers' shorthand. The loader (adapters/knowledge_files.py)
builds them from YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from mpdesk.domain.identifiers import IdType
from mpdesk.domain.legal import LegalEntity


class ChannelKind(StrEnum):
    PORTAL_FORM = "portal_form"
    EMAIL = "email"
    CHAT = "chat"


@dataclass(frozen=True)
class Marketplace:
    id: str
    name_ru: str
    synonyms: tuple[str, ...] = ()
    default_channel: str = ""
    legal: LegalEntity | None = None  # the addressee of a pre-trial claim


@dataclass(frozen=True)
class Category:
    id: str
    label_ru: str
    description_ru: str
    tie_break_ru: str = ""
    wording: dict[str, str] = field(default_factory=dict)  # marketplace -> its own name
    urgent: bool = False


@dataclass(frozen=True)
class Channel:
    id: str
    marketplace: str
    name_ru: str
    kind: ChannelKind
    official: bool
    categories: tuple[str, ...]
    reply_hours: int = 48
    menu_path_ru: str = ""
    url: str = ""
    address: str = ""
    notes_ru: str = ""
    default: bool = False
    warning_ru: str = ""
    gives_number: bool = False  # the marketplace numbers each appeal made through it

    def serves(self, category: str) -> bool:
        return not self.categories or category in self.categories


@dataclass(frozen=True)
class ChecklistItem:
    id: str  # identifier | date | description | evidence | custom
    label_ru: str
    question_ru: str
    required: bool = True
    id_types: tuple[IdType, ...] = ()
    evidence_kinds_ru: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checklist:
    marketplace: str
    category: str
    items: tuple[ChecklistItem, ...]

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((i for i in self.items if i.id == item_id), None)


@dataclass(frozen=True)
class DeadlineRule:
    """A clock that applies to tickets: ``kind`` is reply | objection | claim_wait | follow_up."""

    id: str
    kind: str
    days: int
    business_days: bool = False
    marketplace: str = ""
    categories: tuple[str, ...] = ()
    label_ru: str = ""
    source: str = ""


@dataclass(frozen=True)
class Shorthand:
    """Words sellers abbreviate («вб», «в лк») and what an appeal letter says instead
    («Wildberries», «в личном кабинете»); ``words`` are lowercase, matched as whole words."""

    id: str
    words: tuple[str, ...]
    replacement: str


@dataclass(frozen=True)
class KnowledgeBase:
    marketplaces: dict[str, Marketplace]
    categories: dict[str, Category]
    channels: dict[str, Channel]
    checklists: dict[tuple[str, str], Checklist]
    templates: frozenset[tuple[str, str]]  # (template_id, locale)
    deadlines: tuple[DeadlineRule, ...] = ()
    messages: dict[str, str] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # item key -> file it came from
    shorthand: tuple[Shorthand, ...] = ()

    def channels_for(self, marketplace: str, category: str) -> list[Channel]:
        return [
            c
            for c in self.channels.values()
            if c.marketplace == marketplace and c.official and c.serves(category)
        ]

    def default_channel(self, marketplace: str, category: str) -> Channel | None:
        candidates = self.channels_for(marketplace, category)
        preferred = [c for c in candidates if c.default]
        pick = preferred or candidates
        return pick[0] if pick else None

    def unofficial_channels(self, marketplace: str) -> list[Channel]:
        return [
            c
            for c in self.channels.values()
            if not c.official and c.marketplace in (marketplace, "*")
        ]

    def checklist(self, marketplace: str, category: str) -> Checklist | None:
        return self.checklists.get((marketplace, category)) or self.checklists.get(("*", category))

    def template_id(self, marketplace: str, category: str, locale: str = "ru") -> str:
        """Most specific template: ``<mp>_<category>``, then ``<category>``, then ``generic``."""
        for candidate in (f"{marketplace}_{category}", category, "generic"):
            if (candidate, locale) in self.templates:
                return candidate
        return "generic"
