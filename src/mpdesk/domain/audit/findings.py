"""Findings: problems worth an appeal, with stable ids, money at stake, evidence and a status.

new → drafted | dismissed | claimed
drafted → claimed | dismissed | new (the appeal was dropped)
claimed → recovered (with the amount received) | dismissed
dismissed → new
recovered is final.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from mpdesk.domain.audit.rows import RowRef
from mpdesk.domain.errors import NotFoundError, UserInputError


class FindingKind(StrEnum):
    ACCEPTANCE_SHORTFALL = "acceptance_shortfall"
    ACCEPTANCE_SURPLUS = "acceptance_surplus"
    DUPLICATE_LOGISTICS = "duplicate_logistics"
    PENALTY = "penalty"
    OZON_WRITEOFF = "ozon_writeoff"
    OZON_COMPENSATION_REDUCED = "ozon_compensation_reduced"
    OZON_DECOMPENSATION = "ozon_decompensation"


#: the triage category of the appeal each kind leads to
CATEGORY: dict[FindingKind, str] = {
    FindingKind.ACCEPTANCE_SHORTFALL: "acceptance",
    FindingKind.ACCEPTANCE_SURPLUS: "acceptance",
    FindingKind.DUPLICATE_LOGISTICS: "finance",
    FindingKind.PENALTY: "finance",
    FindingKind.OZON_WRITEOFF: "finance",
    FindingKind.OZON_COMPENSATION_REDUCED: "finance",
    FindingKind.OZON_DECOMPENSATION: "finance",
}

#: the knowledge-base deadline rule (``deadlines.yaml`` id) whose clock applies to a kind
DEADLINE_RULE: dict[FindingKind, str] = {
    FindingKind.ACCEPTANCE_SHORTFALL: "wb_acceptance_act_objection",
    FindingKind.ACCEPTANCE_SURPLUS: "wb_acceptance_act_objection",
    FindingKind.DUPLICATE_LOGISTICS: "wb_weekly_report_objection",
    FindingKind.PENALTY: "wb_weekly_report_objection",
}

ACCEPTANCE_KINDS = frozenset({FindingKind.ACCEPTANCE_SHORTFALL, FindingKind.ACCEPTANCE_SURPLUS})

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def finding_id(kind: FindingKind, keys: Mapping[str, str], scope: str = "") -> str:
    """The id of a finding before it is given to a shop: the same kind and keys give the same
    id in every run and on every machine (``for_shop`` then makes it the shop's own).

    ``scope`` separates findings whose keys are only unique inside one file (a penalty keyed by
    a file row number)."""
    text = "|".join([kind.value, *(f"{k}={keys[k]}" for k in sorted(keys)), scope])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def shop_finding_id(base_id: str, shop: str) -> str:
    """A finding's id in one shop (``shop`` is the shop's name, unique in a journal): the same
    files audited for another shop give other ids, so nothing saved for one shop can touch
    another's findings."""
    return hashlib.sha256(f"{shop}|{base_id}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Evidence:
    ref: RowRef
    values: dict[str, str] = field(default_factory=dict)
    role: str = ""  # which source the row is: shipped | accepted | goods | charge | storno | …


@dataclass(frozen=True)
class Finding:
    id: str
    kind: FindingKind
    marketplace: str
    amount: Decimal | None
    keys: dict[str, str]
    details: dict[str, Any]
    evidence: tuple[Evidence, ...]
    event_date: date | None = None  # when the objection clock starts (acceptance, report)
    group: str = ""  # findings of one group go into one appeal (a supply, a report)
    currency: str = "RUB"  # ISO 4217 code of ``amount`` (the report's currency)

    @property
    def category(self) -> str:
        return CATEGORY[self.kind]


def make_finding(
    kind: FindingKind,
    marketplace: str,
    keys: dict[str, str],
    details: dict[str, Any],
    evidence: list[Evidence],
    amount: Decimal | None,
    event_date: date | None,
    group: str,
    scope: str = "",
    currency: str = "RUB",
) -> Finding:
    """A finding; a currency other than roubles joins the id's scope (the same order may be
    charged in two reports of different currencies), so rouble ids stay as they were."""
    if currency != "RUB":
        scope = f"{scope}|{currency}"
    return Finding(
        id=finding_id(kind, keys, scope),
        kind=kind,
        marketplace=marketplace,
        amount=None if amount is None else money(amount),
        keys=keys,
        details=details,
        evidence=tuple(evidence),
        event_date=event_date,
        group=group,
        currency=currency,
    )


def for_shop(finding: Finding, shop: str) -> Finding:
    """The finding as it belongs to ``shop`` (its id scoped by ``shop_finding_id``)."""
    return replace(finding, id=shop_finding_id(finding.id, shop))


def appeal_key(finding: Finding) -> tuple[str, str]:
    """Findings with the same key go into one appeal: one per supply for acceptance findings
    (shortfalls and surpluses together), one per report and kind for finance findings."""
    if finding.kind in ACCEPTANCE_KINDS:
        return ("acceptance", finding.keys["supply_id"])
    return (finding.kind.value, finding.group)


# --- lifecycle of a saved finding ------------------------------------------------------------


class FindingNotFoundError(NotFoundError):
    code = "finding_not_found"

    def __init__(self, finding_id: str) -> None:
        super().__init__(finding_id=finding_id)


class FindingStatus(StrEnum):
    NEW = "new"
    DRAFTED = "drafted"
    DISMISSED = "dismissed"
    CLAIMED = "claimed"
    RECOVERED = "recovered"


FINDING_TRANSITIONS: dict[FindingStatus, frozenset[FindingStatus]] = {
    # money may come back at any stage: with no appeal, after the drafted appeal was sent
    FindingStatus.NEW: frozenset(
        {
            FindingStatus.DRAFTED,
            FindingStatus.DISMISSED,
            FindingStatus.CLAIMED,
            FindingStatus.RECOVERED,
        }
    ),
    FindingStatus.DRAFTED: frozenset(
        {
            FindingStatus.CLAIMED,
            FindingStatus.DISMISSED,
            FindingStatus.NEW,
            FindingStatus.RECOVERED,
        }
    ),
    FindingStatus.CLAIMED: frozenset({FindingStatus.RECOVERED, FindingStatus.DISMISSED}),
    FindingStatus.DISMISSED: frozenset({FindingStatus.NEW}),
    FindingStatus.RECOVERED: frozenset(),
}


@dataclass
class SavedFinding:
    """A finding in the journal: the finding as last audited plus its status."""

    finding: Finding
    shop_id: int
    status: FindingStatus
    created_at: datetime
    updated_at: datetime
    deadline: date | None = None
    ticket_id: int | None = None
    amount_recovered: Decimal | None = None
    comment: str = ""

    @property
    def id(self) -> str:
        return self.finding.id

    def transition(self, target: FindingStatus, now: datetime, comment: str = "") -> None:
        if target not in FINDING_TRANSITIONS[self.status]:
            allowed = sorted(s.value for s in FINDING_TRANSITIONS[self.status])
            raise UserInputError(
                "finding_invalid_transition",
                finding_id=self.id,
                current=self.status.value,
                target=target.value,
                allowed=", ".join(allowed) or "—",
            )
        self.status = target
        self.updated_at = now
        if comment:
            self.comment = comment

    def recover(self, amount: Decimal, now: datetime, comment: str = "") -> None:
        if amount < 0:
            raise UserInputError("finding_negative_amount", finding_id=self.id)
        self.transition(FindingStatus.RECOVERED, now, comment)
        self.amount_recovered = money(amount)

    def refresh(self, finding: Finding, now: datetime) -> bool:
        """Take the newest audit's version of a finding that is still ``new``.

        Returns True when something changed (more evidence, another amount)."""
        if self.status is not FindingStatus.NEW:
            return False
        old = self.finding
        if (old.amount, old.details, old.evidence) == (
            finding.amount,
            finding.details,
            finding.evidence,
        ):
            return False
        self.finding = finding
        self.updated_at = now
        return True
