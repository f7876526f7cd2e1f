"""API schemas of audits and saved findings (``XCreate`` / ``XPublic`` family).

The audit result follows ``shared/spec/audit-contract.md`` (``files``, ``findings``,
``summary``), plus ``saved`` and ``usable``. Money is a decimal string in roubles, dates are ISO
``YYYY-MM-DD`` (a deadline is the last day to object, Moscow calendar), times UTC ISO 8601.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from mpdesk.domain.tickets import Status
from mpdesk.entrypoints.api.schemas import AmountText, Comment, Strict

FindingKindName = Literal[
    "acceptance_shortfall", "acceptance_surplus", "duplicate_logistics", "penalty",
    "ozon_writeoff", "ozon_compensation_reduced", "ozon_decompensation",
]  # fmt: skip
FindingStatusName = Literal["new", "drafted", "dismissed", "claimed", "recovered"]
ReportKindName = Literal[
    "wb_realization_detail", "wb_incomes", "wb_supply_goods", "shipment_list",
    "ozon_transactions", "ozon_compensation", "ozon_decompensation",
]  # fmt: skip
FindingIdText = Annotated[str, Field(pattern=r"^[0-9a-f]{16}$", description="A finding's id.")]


class AuditFilePublic(BaseModel):
    path: str = Field(description="The uploaded file's name (never a server path).")
    kind: ReportKindName | None = Field(description="Recognised by content; null if unusable.")
    format: Literal["xlsx", "xls", "ods", "csv", "json"] | None
    rows: int
    problem: str | None = Field(description="Why the file is not (fully) used, in Russian.")
    problem_code: str | None
    usable: bool
    sha256: str | None
    archive: str | None = Field(
        default=None, description="For a member of a ZIP archive: the archive's name."
    )
    copy_of: str | None = Field(
        default=None, description="The file that already has this file's rows (counted once)."
    )


class EvidencePublic(BaseModel):
    file: str
    row: int = Field(description="Row number in the file (1 = first line).")
    sha256: str
    role: str = Field(description="What the row is: charge, storno, fine, shipped, accepted…")


class AuditFindingPublic(BaseModel):
    id: str
    kind: FindingKindName
    marketplace: str
    category: str
    amount: str | None = Field(description="Money at stake, or null when no price is known.")
    currency: str = Field(default="RUB", description="ISO 4217 code of `amount`.")
    keys: dict[str, str]
    details: dict[str, Any]
    evidence: list[EvidencePublic]
    deadline: date | None = Field(description="Last day to object, when the kind has a rule.")
    title: str = Field(description="One Russian line: what is wrong and how much.")


class KindSummaryPublic(BaseModel):
    count: int
    amount: str | None = Field(description="Money at stake in roubles (RUB findings only).")
    by_currency: dict[str, str] = Field(
        default_factory=dict, description="ISO 4217 code → sum; currencies are never added."
    )


class AuditSummaryPublic(BaseModel):
    by_kind: dict[FindingKindName, KindSummaryPublic]
    total_amount: str | None = Field(description="Roubles only (RUB findings).")
    by_currency: dict[str, str] = Field(
        default_factory=dict, description="ISO 4217 code → sum; currencies are never added."
    )


class AuditSavedPublic(BaseModel):
    added: int
    updated: int
    unchanged: int
    new_files: int


class AuditPublic(BaseModel):
    files: list[AuditFilePublic]
    findings: list[AuditFindingPublic]
    summary: AuditSummaryPublic
    saved: AuditSavedPublic | None = Field(description="Null when `save` was false.")
    usable: bool = Field(description="At least one file could be used.")


class FindingPublic(AuditFindingPublic):
    """A saved finding with its status."""

    kind_label: str
    status: FindingStatusName
    status_label: str
    shop_id: int
    ticket_id: int | None = Field(description="The appeal drafted from the finding.")
    amount_recovered: str | None
    event_date: date | None
    created_at: str
    updated_at: str
    comment: str | None


class FindingTotalPublic(BaseModel):
    count: int
    amount: str
    recovered: str


class FindingListPublic(BaseModel):
    items: list[FindingPublic]
    total: int = Field(description="Findings matching the filters (all pages).")
    amount: str = Field(description="Money at stake of all matching findings.")
    recovered: str = Field(description="Money recovered of all matching findings.")
    by_kind: dict[FindingKindName, FindingTotalPublic]
    limit: int
    offset: int
    has_next: bool


class DraftCreate(Strict):
    ids: list[FindingIdText] = Field(min_length=1, max_length=500)


class DraftedPublic(BaseModel):
    ticket_id: int
    subject: str
    status: Status
    amount_claimed: str | None
    finding_ids: list[str]
    attachment: str = Field(description="File name of the evidence XLSX attached.")
    deadline: date | None


class DraftListPublic(BaseModel):
    appeals: list[DraftedPublic]


class FindingStatusUpdate(Strict):
    to: Literal["new", "dismissed", "claimed", "recovered"] = Field(
        description="Drafting is `POST /findings/draft`; `recovered` needs `amount`."
    )
    amount: AmountText | None = Field(default=None, description="Money received, roubles.")
    comment: Comment = ""
