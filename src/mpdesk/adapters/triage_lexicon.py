"""Load ``knowledge/triage/lexicon.yaml`` under a strict schema into ``domain.triage.Lexicon``.

The user knowledge directory may hold its own ``triage/lexicon.yaml``: its term tables are
merged over the shipped ones (a term's weight replaced or added; weight 0 switches a term off),
its scalar settings replace the shipped ones. Errors name the file and the key path.
"""

from __future__ import annotations

import base64
import json
import sys
from array import array
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.knowledge_memo import remembered
from mpdesk.domain.errors import KnowledgeBaseError
from mpdesk.domain.identifiers import IdType
from mpdesk.domain.marketplaces import CategoryId
from mpdesk.domain.triage.lexicon import CategoryTerms, DateWords, EntityWords, Lexicon
from mpdesk.domain.triage.model import CategoryModel
from mpdesk.domain.urgency import PROBLEM_KINDS

RELATIVE = "triage/lexicon.yaml"
_ID_LABEL_TYPES = {t.value for t in IdType if t is not IdType.AMOUNT}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


Weights = dict[str, float]


def _check_terms(terms: list[str] | dict[str, float]) -> list[str] | dict[str, float]:
    for term in terms:
        if not term.strip() or term != term.lower() or "ё" in term:
            raise ValueError(f"term «{term}» must be non-empty lowercase, with «е» for «ё»")
    return terms


class RequestsSchema(_Strict):
    terms: list[str] = Field(min_length=1)
    subject_labels: list[str] = []
    abbreviations: list[str] = []
    imperative_endings: list[str] = []
    infinitive_endings: list[str] = []
    question_words: list[str] = []
    request_boost: float = Field(ge=1, le=20)
    ask_outside_request: float = Field(ge=0, le=1)

    _terms = field_validator("terms", "question_words")(_check_terms)


class MarketplacesSchema(_Strict):
    min_score: float = Field(gt=0)
    shape_weights: dict[str, float] = {}
    terms: dict[str, Weights]

    @field_validator("terms")
    @classmethod
    def _terms(cls, value: dict[str, Weights]) -> dict[str, Weights]:
        for weights in value.values():
            _check_terms(weights)
        return value


class CategoryTermsSchema(_Strict):
    topic: Weights
    ask: Weights = {}
    against: Weights = {}

    _t = field_validator("topic", "ask", "against")(_check_terms)


class CategoriesSchema(_Strict):
    min_score: float = Field(ge=0)
    confirm_below: float = Field(default=0.6, ge=0, le=1)
    alternative_min: float = Field(default=0.05, ge=0, le=1)
    how_to_words: list[str] = []
    how_to_category: CategoryId = CategoryId.OTHER
    how_to_weight: float = Field(default=0.0, ge=0, le=20)
    default: CategoryId
    priority: list[CategoryId]
    terms: dict[CategoryId, CategoryTermsSchema]

    @field_validator("terms")
    @classmethod
    def _all(cls, value: dict[CategoryId, CategoryTermsSchema]) -> dict[CategoryId, Any]:
        missing = {c.value for c in CategoryId} - {c.value for c in value}
        if missing:
            raise ValueError(f"categories without terms: {', '.join(sorted(missing))}")
        return value


class VagueSchema(_Strict):
    min_informative: int = Field(ge=1, le=20)
    terms: list[str]
    signature: list[str] = []
    general: list[str] = []
    general_min: int = Field(default=2, ge=1, le=20)
    concrete: list[str] = []

    _t = field_validator("terms", "signature", "general", "concrete")(_check_terms)


class UrgentSchema(_Strict):
    #: kind of urgent problem (snake_case id) → its phrases
    terms: dict[str, list[str]] = {}
    against: list[str] = []

    _t = field_validator("against")(_check_terms)

    @field_validator("terms")
    @classmethod
    def _kinds(cls, kinds: dict[str, list[str]]) -> dict[str, list[str]]:
        for kind, terms in kinds.items():
            if kind not in PROBLEM_KINDS:
                raise ValueError(f"unknown kind «{kind}», expected one of {list(PROBLEM_KINDS)}")
            _check_terms(terms)
        return kinds


class EntitiesSchema(_Strict):
    max_label_gap: int = Field(ge=0, le=10)
    labels: dict[str, list[str]]
    article: list[str]
    glue: list[str] = []
    number_words: list[str] = []
    links: list[str] = []
    quantity_units: list[str] = []
    currency: list[str] = []
    thousands: list[str] = []
    millions: list[str] = []
    stop_labels: list[str] = []
    glue_prefixes: list[str] = []
    money_words: list[str] = []
    money_gap: int = Field(default=3, ge=0, le=10)
    billions: list[str] = []

    @field_validator("labels")
    @classmethod
    def _types(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - _ID_LABEL_TYPES
        if unknown:
            raise ValueError(f"unknown entity types: {', '.join(sorted(unknown))}")
        for terms in value.values():
            _check_terms(terms)
        return value


class DatesSchema(_Strict):
    months: dict[str, int]
    weekdays: dict[str, int]
    relative_days: dict[str, int]
    number_words: dict[str, int]
    day_units: list[str]
    week_units: list[str]
    ago: list[str]
    last: list[str]
    last_week: list[str] = []
    deadline: list[str] = []
    deadline_after: list[str] = []
    background: list[str] = []
    property_words: list[str] = []
    document: list[str] = []
    field_labels: list[str] = []
    max_past_days_without_year: int = Field(ge=0, le=366)

    @field_validator("months")
    @classmethod
    def _months(cls, value: dict[str, int]) -> dict[str, int]:
        if sorted(set(value.values())) != list(range(1, 13)):
            raise ValueError("months must map stems to all of 1..12")
        return value

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: dict[str, int]) -> dict[str, int]:
        if sorted(set(value.values())) != list(range(7)):
            raise ValueError("weekdays must map stems to all of 0..6 (Monday = 0)")
        return value


class LexiconSchema(_Strict):
    version: int = Field(ge=1, le=1)
    phrase_gap: int = Field(ge=0, le=6)
    slang: dict[str, str] = {}
    stopwords: list[str] = []
    requests: RequestsSchema
    marketplaces: MarketplacesSchema
    categories: CategoriesSchema
    vague: VagueSchema
    urgent: UrgentSchema = UrgentSchema()
    entities: EntitiesSchema
    dates: DatesSchema


def load_lexicon(files: KnowledgeFiles) -> Lexicon:
    return remembered(
        "triage-lexicon",
        files.sources(RELATIVE),
        lambda: to_domain(files.overlaid(RELATIVE, LexiconSchema)),
        files.cache_dir,
    )


def _active(weights: Weights) -> dict[str, float]:
    return {term: w for term, w in weights.items() if w != 0}


def to_domain(s: LexiconSchema) -> Lexicon:
    e, d = s.entities, s.dates
    return Lexicon(
        phrase_gap=s.phrase_gap,
        slang=dict(s.slang),
        stopwords=frozenset(s.stopwords),
        request_terms=tuple(s.requests.terms),
        subject_labels=frozenset(s.requests.subject_labels),
        abbreviations=frozenset(s.requests.abbreviations),
        imperative_endings=tuple(s.requests.imperative_endings),
        infinitive_endings=tuple(s.requests.infinitive_endings),
        request_boost=s.requests.request_boost,
        ask_outside_request=s.requests.ask_outside_request,
        mp_min_score=s.marketplaces.min_score,
        mp_shape_weights=dict(s.marketplaces.shape_weights),
        mp_terms={mp: _active(w) for mp, w in s.marketplaces.terms.items()},
        cat_min_score=s.categories.min_score,
        confirm_below=s.categories.confirm_below,
        alternative_min=s.categories.alternative_min,
        question_words=frozenset(s.requests.question_words),
        urgent_terms={kind: tuple(terms) for kind, terms in s.urgent.terms.items()},
        urgent_against=tuple(s.urgent.against),
        vague_general=tuple(s.vague.general),
        vague_general_min=s.vague.general_min,
        vague_concrete=tuple(s.vague.concrete),
        how_to_words=frozenset(s.categories.how_to_words),
        how_to_category=s.categories.how_to_category.value,
        how_to_weight=s.categories.how_to_weight,
        cat_default=s.categories.default.value,
        cat_priority=tuple(c.value for c in s.categories.priority),
        cat_terms={
            cat.value: CategoryTerms(_active(t.topic), _active(t.ask), _active(t.against))
            for cat, t in s.categories.terms.items()
        },
        vague_min_informative=s.vague.min_informative,
        vague_terms=tuple(s.vague.terms),
        vague_signature=tuple(s.vague.signature),
        entities=EntityWords(
            max_label_gap=e.max_label_gap,
            labels={k: tuple(v) for k, v in e.labels.items()},
            article=tuple(e.article),
            glue=frozenset(e.glue),
            number_words=frozenset(e.number_words),
            links=frozenset(e.links),
            quantity_units=frozenset(e.quantity_units),
            currency=frozenset(e.currency),
            thousands=frozenset(e.thousands),
            millions=frozenset(e.millions),
            stop_labels=tuple(e.stop_labels),
            glue_prefixes=tuple(e.glue_prefixes),
            money_words=tuple(e.money_words),
            money_gap=e.money_gap,
            billions=frozenset(e.billions),
        ),
        dates=DateWords(
            months=dict(d.months),
            weekdays=dict(d.weekdays),
            relative_days=dict(d.relative_days),
            number_words=dict(d.number_words),
            day_units=frozenset(d.day_units),
            week_units=frozenset(d.week_units),
            ago=frozenset(d.ago),
            last=tuple(d.last),
            last_week=tuple(d.last_week),
            deadline=tuple(d.deadline),
            deadline_after=frozenset(d.deadline_after),
            background=tuple(d.background),
            property_words=tuple(d.property_words),
            document=tuple(d.document),
            field_labels=tuple(d.field_labels),
            max_past_days_without_year=d.max_past_days_without_year,
        ),
    )


MODEL = "triage/category_model.json"


class ModelSchema(_Strict):
    version: int = Field(ge=2, le=2)
    classes: list[CategoryId] = Field(min_length=2)
    buckets: int = Field(ge=16, le=1 << 20)
    temperature: float = Field(gt=0, le=100)
    bias: list[float]
    dense_weights: list[float]
    weights_f32_base64: str
    trained_on: list[str] = []
    notes: dict[str, Any] = {}


def _weights(encoded: str) -> array[float]:
    values = array("f")
    values.frombytes(base64.b64decode(encoded, validate=True))
    if sys.byteorder == "big":  # the file is little-endian
        values.byteswap()
    return values


def load_model(files: KnowledgeFiles) -> CategoryModel | None:
    """The category model: the user's ``triage/category_model.json`` if any, else the
    shipped one."""
    paths = [d / MODEL for d in reversed(files.dirs) if (d / MODEL).is_file()]
    if not paths:
        return None
    return remembered("triage-model", paths[:1], lambda: _read_model(paths[0]), files.cache_dir)


def _read_model(path: Path) -> CategoryModel:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        parsed = ModelSchema.model_validate(data)
        return CategoryModel(
            classes=tuple(c.value for c in parsed.classes),
            buckets=parsed.buckets,
            weights=_weights(parsed.weights_f32_base64),
            dense_weights=tuple(parsed.dense_weights),
            bias=tuple(parsed.bias),
            temperature=parsed.temperature,
        )
    except (OSError, ValueError) as exc:
        key, problem = "(root)", str(exc)
        if isinstance(exc, ValidationError):
            first = exc.errors()[0]
            key = ".".join(str(p) for p in first["loc"]) or "(root)"
            problem = first["msg"]
        raise KnowledgeBaseError(str(path), key, problem[:200]) from exc


class TriageKit:
    """Lexicon, model and analyzer, loaded on first use (``services.ports.TriageResources``)."""

    def __init__(self, files: KnowledgeFiles) -> None:
        self._files = files
        self._lexicon: Lexicon | None = None
        self._model: CategoryModel | None = None
        self._model_loaded = False
        self._analyzer: Any = None

    def model(self) -> CategoryModel | None:
        if not self._model_loaded:
            self._model = load_model(self._files)
            self._model_loaded = True
        return self._model

    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = load_lexicon(self._files)
        return self._lexicon

    def analyzer(self) -> Any:
        if self._analyzer is None:
            from mpdesk.adapters.morphology import shared_analyzer

            self._analyzer = shared_analyzer()
        return self._analyzer
