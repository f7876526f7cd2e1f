"""API schemas of cases (``services/cases.py``): a case with its appeals, money and findings,
and the duplicates of a new appeal."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from mpdesk.domain.tickets import Status
from mpdesk.entrypoints.api.schemas import INT32, Id32, IdentifierIn, IdentifierPublic, Strict

CaseStateCode = Literal["draft", "open", "resolved", "rejected"]
CaseRoleCode = Literal["appeal", "follow_up", "claim"]


class CaseAppealPublic(BaseModel):
    id: int
    role: CaseRoleCode
    status: Status
    subject: str
    external_id: str
    created_at: str | None
    submitted_at: str | None
    closed_at: str | None
    amount_claimed: str | None = Field(description="Decimal string, roubles.")
    amount_recovered: str | None
    closed_reason: str = Field(description="Why the case's outcome closed it (Russian), or ''.")


class CaseFindingPublic(BaseModel):
    id: str
    kind: str
    status: str
    ticket_id: int | None
    amount: str | None
    currency: str


class CasePublic(BaseModel):
    id: int = Field(description="The case's number: its first appeal's id.")
    shop_id: int
    state: CaseStateCode
    amount_claimed: str | None = Field(description="Counted once per case; drafts excluded.")
    amount_recovered: str | None
    decided_by: int | None = Field(description="The appeal whose final outcome closed the case.")
    closed_at: str | None
    reason: str = Field(description="How the case ended (Russian), or '' while open.")
    appeals: list[CaseAppealPublic]
    findings: list[CaseFindingPublic]


class DuplicateQuery(Strict):
    marketplace: Id32
    shop_id: int | None = Field(default=None, ge=1, le=INT32)
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=30)


class DuplicatePublic(BaseModel):
    case_id: int
    state: CaseStateCode
    matched: list[IdentifierPublic]
    ticket_ids: list[int]
    follow_up_of: int = Field(description="Pass as `follow_up_of` to open the appeal in this case.")
    closed_at: str | None
