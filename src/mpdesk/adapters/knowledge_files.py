"""Load the knowledge base from YAML files under strict schemas.

Shipped files live in the ``mpdesk/knowledge`` package directory; a user directory overrides
or extends them: list files (marketplaces, categories, channels, deadlines) merge by ``id``,
``messages.ru.yaml`` merges by key, checklists and templates replace by file name.
Errors name the file and the key path (``KnowledgeBaseError``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mpdesk.adapters.knowledge_memo import remembered
from mpdesk.domain.errors import KnowledgeBaseError
from mpdesk.domain.identifiers import IdType
from mpdesk.domain.knowledge import (
    Category,
    Channel,
    ChannelKind,
    Checklist,
    ChecklistItem,
    DeadlineRule,
    KnowledgeBase,
    Marketplace,
    Shorthand,
)
from mpdesk.domain.legal import LegalEntity, LegalSource

M = TypeVar("M", bound=BaseModel)
SHIPPED_DIR = Path(__file__).resolve().parent.parent / "knowledge"
_ID = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    # schemas are built on first validation: a process that finds its knowledge in the cache
    # (knowledge_memo) never builds them
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class LegalSourceSchema(_Strict):
    title_ru: str = Field(min_length=1)
    url: str = Field(default="", pattern=r"^(https?://\S+)?$")
    checked_on: date


class LegalEntitySchema(_Strict):
    """A marketplace's legal entity; the registration numbers' check digits are verified by
    ``mpdesk kb check``, every fact carries at least one source."""

    name_ru: str = Field(min_length=1)
    inn: str = Field(pattern=r"^[0-9]{10}$")
    ogrn: str = Field(pattern=r"^[0-9]{13}$")
    address_ru: str = Field(min_length=1)
    sources: list[LegalSourceSchema] = Field(min_length=1)


class MarketplaceSchema(_Strict):
    id: str = Field(pattern=_ID)
    name_ru: str = Field(min_length=1)
    synonyms: list[str] = []
    default_channel: str = Field(pattern=_ID)
    legal_entity: LegalEntitySchema | None = None


class CategorySchema(_Strict):
    id: str = Field(pattern=_ID)
    label_ru: str = Field(min_length=1)
    description_ru: str = Field(min_length=1)
    tie_break_ru: str = ""
    wording: dict[str, str] = {}
    urgent: bool = False


class ChannelSchema(_Strict):
    id: str = Field(pattern=_ID)
    marketplace: str
    name_ru: str = Field(min_length=1)
    kind: Literal["portal_form", "email", "chat"]
    official: bool
    categories: list[str] = []
    reply_hours: int = Field(default=48, gt=0, le=24 * 90)
    menu_path_ru: str = ""
    url: str = ""
    address: str = ""
    notes_ru: str = ""
    default: bool = False
    warning_ru: str = ""
    gives_number: bool = False


class ChecklistItemSchema(_Strict):
    id: str = Field(pattern=_ID)
    label_ru: str = Field(min_length=1)
    question_ru: str = Field(min_length=1)
    required: bool = True
    id_types: list[IdType] = []
    evidence_kinds_ru: list[str] = []


class ChecklistFileSchema(_Strict):
    category: str = Field(pattern=_ID)
    marketplaces: dict[str, list[ChecklistItemSchema]]


class DeadlineSchema(_Strict):
    id: str = Field(pattern=_ID)
    kind: Literal["reply", "objection", "claim_wait", "follow_up", "claim_answer"]
    days: int = Field(gt=0, le=3650)
    business_days: bool = False
    marketplace: str = ""
    categories: list[str] = []
    label_ru: str = Field(min_length=1)
    source: str = Field(min_length=1)


class ShorthandSchema(_Strict):
    id: str = Field(pattern=_ID)
    words: list[str] = Field(min_length=1)
    replacement: str = Field(min_length=1)

    @field_validator("words")
    @classmethod
    def _lowercase_words(cls, words: list[str]) -> list[str]:
        for word in words:
            if not word.strip() or word != " ".join(word.lower().split()):
                raise ValueError(f"{word!r}: lowercase, single spaces, no outer spaces")
        return words


class _ListFile(_Strict):
    pass


class MarketplacesFile(_ListFile):
    marketplaces: list[MarketplaceSchema]


class CategoriesFile(_ListFile):
    categories: list[CategorySchema]


class ChannelsFile(_ListFile):
    channels: list[ChannelSchema]


class DeadlinesFile(_ListFile):
    deadlines: list[DeadlineSchema]


class ShorthandFile(_ListFile):
    shorthand: list[ShorthandSchema]


class MessagesFile(_Strict):
    messages: dict[str, str]


def _read_yaml(path: Path) -> Any:
    # PyYAML loads on the first file read: a process whose knowledge comes from the cache
    # (``knowledge_memo``) never needs it
    import yaml

    # libyaml's safe loader when available (8x faster than the pure-Python one)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        raise KnowledgeBaseError(str(path), where, str(exc.problem)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(str(path), "", str(exc)) from exc


def _validate(model: type[M], path: Path, data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(root)"
        raise KnowledgeBaseError(str(path), key, first["msg"]) from exc


def _merge_keys(base: Any, override: Any) -> Any:
    """Dicts merge key by key (recursively); anything else is replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge_keys(base[key], value) if key in base else value
        return merged
    return override


class KnowledgeFiles:
    """``KnowledgeSource`` over the shipped directory plus an optional user directory."""

    def __init__(
        self,
        user_dir: Path | None = None,
        shipped_dir: Path = SHIPPED_DIR,
        cache_dir: Path | None = None,
    ) -> None:
        self.shipped_dir = shipped_dir
        self.user_dir = user_dir if user_dir and user_dir.is_dir() else None
        #: where parsed knowledge is kept between processes (``knowledge_memo``); None: nowhere
        self.cache_dir = cache_dir

    @property
    def dirs(self) -> list[Path]:
        return [self.shipped_dir, *([self.user_dir] if self.user_dir else [])]

    def template_dirs(self) -> list[Path]:
        """Template search path, user directory first."""
        return [d / "templates" for d in reversed(self.dirs)]

    def _files(self, relative: str) -> list[Path]:
        return [d / relative for d in self.dirs if (d / relative).is_file()]

    def sources(self, *patterns: str) -> list[Path]:
        """The files of every knowledge directory matching the glob patterns, shipped first:
        what a loader reads, for ``knowledge_memo.remembered``."""
        return [
            p for d in self.dirs for pat in patterns for p in sorted(d.glob(pat)) if p.is_file()
        ]

    def _merge_list(
        self, relative: str, model: type[BaseModel], key: str, origins: dict[str, str]
    ) -> list[Any]:
        merged: dict[str, Any] = {}
        for path in self._files(relative):
            parsed = _validate(model, path, _read_yaml(path))
            seen: set[str] = set()
            for i, item in enumerate(getattr(parsed, key)):
                if item.id in seen:
                    raise KnowledgeBaseError(str(path), f"{key}.{i}.id", f"duplicate id {item.id}")
                seen.add(item.id)
                merged[item.id] = item
                origins[f"{key}:{item.id}"] = str(path)
        if not merged:
            raise KnowledgeBaseError(str(self.shipped_dir / relative), "", "file is missing")
        return list(merged.values())

    def _checklists(self, origins: dict[str, str]) -> dict[tuple[str, str], Checklist]:
        by_name: dict[str, Path] = {}
        for d in self.dirs:
            for path in sorted((d / "checklists").glob("*.yaml")):
                by_name[path.name] = path
        result: dict[tuple[str, str], Checklist] = {}
        for path in by_name.values():
            parsed = _validate(ChecklistFileSchema, path, _read_yaml(path))
            for mp, items in parsed.marketplaces.items():
                result[(mp, parsed.category)] = Checklist(
                    mp,
                    parsed.category,
                    tuple(
                        ChecklistItem(
                            i.id,
                            i.label_ru,
                            i.question_ru,
                            i.required,
                            tuple(i.id_types),
                            tuple(i.evidence_kinds_ru),
                        )
                        for i in items
                    ),
                )
                origins[f"checklist:{mp}:{parsed.category}"] = str(path)
        return result

    def _templates(self, origins: dict[str, str]) -> frozenset[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for d in self.dirs:
            for path in (d / "templates").glob("*/*.md.j2"):
                if path.name.startswith("_"):
                    continue  # partials are included, never selected
                key = (path.name.removesuffix(".md.j2"), path.parent.name)
                found.add(key)
                origins[f"template:{key[1]}:{key[0]}"] = str(path)
        return frozenset(found)

    def _messages(self, origins: dict[str, str]) -> dict[str, str]:
        messages: dict[str, str] = {}
        for path in self._files("messages.ru.yaml"):
            messages.update(_validate(MessagesFile, path, _read_yaml(path)).messages)
            origins[f"messages:{path}"] = str(path)
        return messages

    def overlaid(self, relative: str, model: type[M]) -> M:
        """One mapping file whose user copy overrides the shipped one key by key (nested
        mappings merge, anything else is replaced). The merged result is validated after each
        copy, so an error names the file that broke it."""
        copies = self.raw(relative)
        if not copies:
            raise KnowledgeBaseError(str(self.shipped_dir / relative), "", "file is missing")
        data: Any = None
        parsed: M | None = None
        for path, raw in copies:
            if raw is not None and not isinstance(raw, dict):
                raise KnowledgeBaseError(str(path), "(root)", "expected a mapping")
            data = raw if data is None else _merge_keys(data, raw or {})
            parsed = _validate(model, path, data)
        assert parsed is not None
        return parsed

    def raw(self, relative: str) -> list[tuple[Path, Any]]:
        """Parsed YAML of every copy of a file (shipped first), for loaders of other parts."""
        return [(p, _read_yaml(p)) for p in self._files(relative)]

    def load(self) -> KnowledgeBase:
        read = self.sources("*.yaml", "checklists/*.yaml", "templates/*/*.md.j2")
        return remembered("knowledge-base", read, self._load, self.cache_dir)

    def _load(self) -> KnowledgeBase:
        origins: dict[str, str] = {}
        mps = self._merge_list("marketplaces.yaml", MarketplacesFile, "marketplaces", origins)
        cats = self._merge_list("categories.yaml", CategoriesFile, "categories", origins)
        chans = self._merge_list("channels.yaml", ChannelsFile, "channels", origins)
        dls = self._merge_list("deadlines.yaml", DeadlinesFile, "deadlines", origins)
        short = self._merge_list("shorthand.yaml", ShorthandFile, "shorthand", origins)
        return KnowledgeBase(
            marketplaces={
                m.id: Marketplace(
                    m.id, m.name_ru, tuple(m.synonyms), m.default_channel, _legal(m.legal_entity)
                )
                for m in mps
            },
            categories={
                c.id: Category(
                    c.id, c.label_ru, c.description_ru, c.tie_break_ru, dict(c.wording), c.urgent
                )
                for c in cats
            },
            channels={c.id: _channel(c) for c in chans},
            checklists=self._checklists(origins),
            templates=self._templates(origins),
            deadlines=tuple(
                DeadlineRule(
                    d.id,
                    d.kind,
                    d.days,
                    d.business_days,
                    d.marketplace,
                    tuple(d.categories),
                    d.label_ru,
                    d.source,
                )
                for d in dls
            ),
            messages=self._messages(origins),
            origins=origins,
            shorthand=tuple(Shorthand(s.id, tuple(s.words), s.replacement) for s in short),
        )


def _legal(e: LegalEntitySchema | None) -> LegalEntity | None:
    if e is None:
        return None
    sources = tuple(LegalSource(s.title_ru, s.url, s.checked_on) for s in e.sources)
    return LegalEntity(e.name_ru, e.inn, e.ogrn, e.address_ru, sources)


def _channel(c: ChannelSchema) -> Channel:
    return Channel(
        id=c.id,
        marketplace=c.marketplace,
        name_ru=c.name_ru,
        kind=ChannelKind(c.kind),
        official=c.official,
        categories=tuple(c.categories),
        reply_hours=c.reply_hours,
        menu_path_ru=c.menu_path_ru,
        url=c.url,
        address=c.address,
        notes_ru=c.notes_ru,
        default=c.default,
        warning_ru=c.warning_ru,
        gives_number=c.gives_number,
    )


def iter_schema_names() -> Iterable[str]:
    return (
        "marketplaces.yaml",
        "categories.yaml",
        "channels.yaml",
        "deadlines.yaml",
        "shorthand.yaml",
    )
