"""API schemas (pydantic), named in the XCreate / XUpdate / XPublic family.

Text fields refuse NUL characters and lone surrogates (no database stores them) and have the
same length limits as the journal's columns.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from mpdesk.domain.accounts import Role
from mpdesk.domain.identifiers import IdType
from mpdesk.domain.tickets import Status

INT32 = 2**31 - 1


def _clean(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("invalid Unicode (lone surrogate)") from exc
    return value


def _iso_date(value: object) -> object:
    """A request's date is the text ``YYYY-MM-DD`` (pydantic alone also takes a number of
    seconds since 1970, which the schema's ``format: date`` does not allow)."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    if not isinstance(value, str | date):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: what ``_clean`` lets through, said in the schema as far as JSON Schema regexes can (ECMA and
#: Python syntax alike; a lone surrogate is not expressible, so ``_clean`` still checks it)
CLEAN_PATTERN = "^[^\\x00]*$"
Clean = AfterValidator(_clean)


def _text(min_length: int, max_length: int) -> Any:
    return Field(
        min_length=min_length or None,
        max_length=max_length,
        json_schema_extra={"pattern": CLEAN_PATTERN},
    )


Id32 = Annotated[str, _text(1, 32), Clean]
Str64 = Annotated[str, _text(0, 64), Clean]
NonEmpty64 = Annotated[str, _text(1, 64), Clean]
Value100 = Annotated[str, _text(1, 100), Clean]
Name200 = Annotated[str, _text(1, 200), Clean]
FileName = Annotated[str, _text(0, 255), Clean]
Comment = Annotated[str, _text(0, 5000), Clean]
LongText = Annotated[str, _text(0, 20_000), Clean]
NonEmptyLongText = Annotated[str, _text(1, 20_000), Clean]
Body = Annotated[str, _text(1, 50_000), Clean]
AmountText = Annotated[str, _text(1, 20), Clean]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Text20 = Annotated[str, _text(0, 20), Clean]
Text40 = Annotated[str, _text(0, 40), Clean]
Text100 = Annotated[str, _text(0, 100), Clean]
Text300 = Annotated[str, _text(0, 300), Clean]
Text500 = Annotated[str, _text(0, 500), Clean]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- errors ------------------------------------------------------------------------------


class ErrorPublic(BaseModel):
    """The one error envelope of the API."""

    ok: Literal[False] = False
    code: str = Field(description="Stable error code (English, snake_case).")
    message: str = Field(description="What happened and what to do, in Russian.")
    fields: dict[str, Any] = Field(description="Values that fill the message.")


# --- tickets -----------------------------------------------------------------------------


class IdentifierIn(Strict):
    type: IdType
    value: Value100


class IdentifierPublic(BaseModel):
    type: IdType
    value: str


class TicketCreate(Strict):
    marketplace: Id32
    category: Id32
    description: LongText = ""
    shop_id: int | None = Field(default=None, ge=1, le=INT32)
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=30)
    event_date: IsoDate | None = None
    channel: Str64 = ""
    follow_up_of: int | None = Field(
        default=None, ge=1, le=INT32, description="Open it in this appeal's case, as a follow-up."
    )


class TicketUpdate(Strict):
    category: Id32 | None = None
    description: LongText | None = None
    identifiers: list[IdentifierIn] | None = Field(default=None, max_length=30)
    event_date: IsoDate | None = None
    clear_event_date: StrictBool = False
    channel: NonEmpty64 | None = None
    version: int | None = Field(default=None, ge=1, le=INT32)


class AttachmentPublic(BaseModel):
    id: int | None
    filename: str
    size: int
    media_type: str
    sha256: str
    added_at: str | None


class MessagePublic(BaseModel):
    id: int | None
    direction: Literal["out", "in", "note"]
    channel: str
    author: str
    body: str
    at: str | None


class EventPublic(BaseModel):
    kind: str
    at: str | None
    actor: str
    from_: str = Field(alias="from")
    to: str
    detail: str


URGENT_FILTER = (
    "Only urgent tickets: open, and either the seller's text names an urgent problem (a "
    "blocked cabinet, frozen payouts, sales stopped) or a seller's clock (objection window, "
    "follow-up window) ends within 24 hours. Derived at request time, never stored."
)


class UrgencyPublic(BaseModel):
    reason: str = Field(
        description="cabinet_blocked | payouts_frozen | sales_stopped | deadline_today | "
        "objection_window | follow_up_window"
    )
    label: str = Field(description="The reason in Russian.")
    action: str = Field(description="The first action to take now (Russian).")
    due_at: str | None = Field(description="When the clock ends (a clock reason), UTC ISO 8601.")


class TicketSummaryPublic(BaseModel):
    id: int
    shop_id: int
    marketplace: str
    category: str
    status: Status
    subject: str
    event_date: str | None
    channel: str
    external_id: str | None
    urgent: bool = Field(description="Urgent now (derived when asked, see `urgency`).")
    urgency: UrgencyPublic | None = Field(description="Why it is urgent and what to do now.")
    parent_id: int | None
    case_id: int | None = Field(description="The case: its first appeal's id.")
    amount_claimed: str | None
    amount_recovered: str | None
    created_at: str | None
    updated_at: str | None
    submitted_at: str | None
    reply_due_at: str | None
    first_answer_at: str | None
    closed_at: str | None
    version: int
    identifiers: list[IdentifierPublic]


class TicketPublic(TicketSummaryPublic):
    description: str
    body: str
    attachments: list[AttachmentPublic]
    messages: list[MessagePublic]
    events: list[EventPublic]
    allowed_transitions: list[Status]


class TicketListPublic(BaseModel):
    items: list[TicketSummaryPublic]
    total: int = Field(description="Matching tickets, exact up to `total_capped`.")
    total_capped: bool = Field(description="True when there are more than `total` matches.")
    limit: int
    offset: int
    has_next: bool


class TransitionCreate(Strict):
    to: Status
    comment: Comment = ""
    external_id: Str64 = Field(
        default="", description="The marketplace's number; required to mark a draft submitted."
    )
    channel: Str64 = ""
    amount_recovered: AmountText | None = None
    version: int | None = Field(default=None, ge=1, le=INT32)


class MessageCreate(Strict):
    direction: Literal["in", "note"] = Field(
        description="`in`: the marketplace's answer; `note`: an internal note."
    )
    body: Body


# --- triage, knowledge, shops ------------------------------------------------------------


class TriageRequest(Strict):
    text: NonEmptyLongText
    marketplace: Id32 | None = None
    attachments: list[FileName] = Field(default_factory=list, max_length=50)
    received_at: IsoDate | None = None


class ChecklistItemPublic(BaseModel):
    id: str
    label: str
    done: bool
    required: bool
    question: str | None


class AppealPreviewPublic(BaseModel):
    subject: str
    body: str
    complete: bool
    channel: dict[str, Any]
    checklist: list[ChecklistItemPublic]
    missing: list[str]
    questions: list[str]
    warnings: list[dict[str, Any]]


class TriagePublic(BaseModel):
    available: bool = Field(description="False when the triage engine is not installed.")
    marketplace: str | None
    category: str | None
    identifiers: list[IdentifierPublic]
    event_date: date | None
    channel: str | None
    missing: list[str]
    questions: list[str]
    needs_confirmation: bool = Field(
        description="The engine is unsure between `category` and the first alternative: ask "
        "the person (`confirmation_question`) and take their answer as the category."
    )
    category_alternatives: list[str] = Field(
        description="Other likely categories, most likely first (the triage contract's ids)."
    )
    confirmation_question: str = Field(description="The question to ask when unsure (Russian).")
    urgent: bool = Field(description="The problem needs action now (a blocked cabinet, …).")
    appeal: AppealPreviewPublic | None = Field(
        description="The appeal composed from the result, when marketplace and category are known."
    )


class ShopPublic(BaseModel):
    id: int
    name: str
    marketplace: str
    is_default: bool
    role: Role


class ShopCreate(Strict):
    name: Name200
    marketplace: Id32


class MePublic(BaseModel):
    id: int
    login: str
    name: str
    is_admin: bool
    shops: list[ShopPublic]
