"""Audits and saved findings as one signed-in person sees them (the «Аудит» page and the API).

Like ``services/desk.py`` for tickets: a finding of a shop the person cannot see is reported
as *not found*; auditing into a shop, drafting appeals and changing a finding's status need the
manager role in that shop. The use cases themselves are ``services/audit.py`` and
``services/findings.py``; this module only scopes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from mpdesk.domain.accounts import Principal, Role
from mpdesk.domain.audit.findings import (
    FINDING_TRANSITIONS,
    FindingKind,
    FindingNotFoundError,
    FindingStatus,
    SavedFinding,
    money,
)
from mpdesk.domain.audit.totals import FindingTotal
from mpdesk.domain.errors import ForbiddenError, UnknownValueError, UserInputError
from mpdesk.domain.shops import Shop
from mpdesk.services import findings, journal
from mpdesk.services.audit import AuditResult, audit_ports, audit_reports
from mpdesk.services.audit_views import finding_public, kind_label, saved_finding_public
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.audit import FindingFilter, ReadProgress

#: the order of the status filter and of the action buttons
STATUS_ORDER = tuple(FindingStatus)
KIND_ORDER = tuple(FindingKind)


@dataclass(frozen=True)
class FindingQuery:
    kinds: Sequence[str] = ()
    statuses: Sequence[str] = ()
    shop_id: int | None = None
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True)
class FindingsPage:
    findings: list[SavedFinding]
    totals: list[FindingTotal]  # over every finding the query matches, in ``KIND_ORDER``
    count: int  # findings the query matches (all pages)
    has_next: bool
    amount: Decimal = field(default=Decimal("0.00"))  # money at stake, all pages
    recovered: Decimal = field(default=Decimal("0.00"))


def audit_shops(ctx: ServiceContext, principal: Principal) -> list[Shop]:
    """Shops the person may audit into (manager or owner)."""
    return journal.list_shops(ctx, principal, editable=True)


def editable_shop(ctx: ServiceContext, principal: Principal, shop_id: int) -> Shop:
    shop = journal.get_shop(ctx, principal, shop_id)  # another shop: not found
    if not principal.can(shop.id, Role.MANAGER):
        raise ForbiddenError(shop_id=shop.id)
    return shop


def audit_for_shop(
    ctx: ServiceContext,
    principal: Principal,
    paths: Sequence[Path],
    shop_id: int | None,
    save: bool = True,
    progress: ReadProgress | None = None,
) -> AuditResult:
    """Audit the files into one of the person's shops (``shop_id``, or their only one)."""
    if shop_id is None:
        shops = audit_shops(ctx, principal)
        if len(shops) != 1:
            raise (UserInputError("audit_shop_required") if shops else ForbiddenError())
        shop = shops[0]
    else:
        shop = editable_shop(ctx, principal, shop_id)
    return audit_reports(ctx, paths, save=save, shop_name=shop.name, progress=progress)


def _choices(field_name: str, values: Sequence[str], allowed: Sequence[str]) -> list[str]:
    for value in values:
        if value not in allowed:
            raise UnknownValueError(field_name, value, list(allowed))
    return list(dict.fromkeys(values))


def _filter(principal: Principal, query: FindingQuery) -> FindingFilter:
    statuses = _choices("status", query.statuses, [s.value for s in STATUS_ORDER])
    return FindingFilter(
        kinds=_choices("kind", query.kinds, [k.value for k in KIND_ORDER]),
        statuses=[FindingStatus(s) for s in statuses],
        shop_id=query.shop_id,
        shop_ids=principal.shop_ids,  # another shop's id matches nothing
        limit=query.limit,
        offset=query.offset,
    )


def list_visible(ctx: ServiceContext, principal: Principal, query: FindingQuery) -> FindingsPage:
    """One page of the findings of the person's shops, and the totals of all pages."""
    flt = _filter(principal, query)
    with audit_ports(ctx).uow() as uow:
        rows = uow.audits.list(replace(flt, limit=query.limit + 1))
        found = uow.audits.totals(flt)
    order = {k.value: i for i, k in enumerate(KIND_ORDER)}
    totals = sorted(found, key=lambda t: order.get(t.kind, len(order)))
    return FindingsPage(
        findings=rows[: query.limit],
        totals=totals,
        count=sum(t.count for t in totals),
        has_next=len(rows) > query.limit,
        amount=money(sum((t.amount for t in totals), Decimal(0))),
        recovered=money(sum((t.recovered for t in totals), Decimal(0))),
    )


def visible_findings(
    ctx: ServiceContext, principal: Principal, ids: Sequence[str]
) -> list[SavedFinding]:
    """The findings in the given order; any id unknown or of another shop is *not found*."""
    with audit_ports(ctx).uow() as uow:
        found = uow.audits.get_many(list(dict.fromkeys(ids)))
    for finding_id in ids:
        saved = found.get(finding_id)
        if saved is None or not principal.can_view(saved.shop_id):
            raise FindingNotFoundError(finding_id)
    return [found[i] for i in dict.fromkeys(ids)]


def _require_edit(principal: Principal, chosen: Sequence[SavedFinding]) -> None:
    for saved in chosen:
        if not principal.can(saved.shop_id, Role.MANAGER):
            raise ForbiddenError(shop_id=saved.shop_id)


def change_status(
    ctx: ServiceContext,
    principal: Principal,
    finding_id: str,
    target: FindingStatus,
    amount: Decimal | None = None,
    comment: str = "",
) -> SavedFinding:
    """Dismiss, mark claimed, mark recovered (with the amount received) or reopen."""
    _require_edit(principal, visible_findings(ctx, principal, [finding_id]))
    if target is FindingStatus.RECOVERED and amount is None:
        raise UserInputError("audit_amount_required", finding_id=finding_id)
    return findings.change_finding_status(ctx, finding_id, target, amount, comment)


def draft(
    ctx: ServiceContext, principal: Principal, ids: Sequence[str]
) -> list[findings.DraftedAppeal]:
    """Appeals from the chosen findings (one per supply, one per report and kind)."""
    if not ids:
        raise UserInputError("audit_nothing_chosen")
    _require_edit(principal, visible_findings(ctx, principal, ids))
    return findings.draft_appeals(ctx, list(dict.fromkeys(ids)))


# --- views for the page -----------------------------------------------------------------------


def status_label(ctx: ServiceContext, status: FindingStatus | str) -> str:
    return ctx.message(f"finding_status_{FindingStatus(status).value}")


def _evidence_by_file(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    files: dict[str, list[int]] = {}
    for item in evidence:
        files.setdefault(item["file"], []).append(item["row"])
    return [{"file": name, "rows": sorted(set(rows))} for name, rows in files.items()]


def finding_row(
    ctx: ServiceContext, principal: Principal, saved: SavedFinding, today: date
) -> dict[str, Any]:
    """A saved finding for the table: the API fields plus labels, days left and actions."""
    row = saved_finding_public(ctx, saved)
    can_edit = principal.can(saved.shop_id, Role.MANAGER)
    allowed = FINDING_TRANSITIONS[saved.status] - {FindingStatus.DRAFTED}
    row.update(
        kind_label=kind_label(ctx, saved.finding.kind),
        status_label=status_label(ctx, saved.status),
        deadline_date=saved.deadline,
        days_left=(saved.deadline - today).days if saved.deadline else None,
        evidence_files=_evidence_by_file(row["evidence"]),
        can_edit=can_edit,
        can_draft=can_edit and saved.status is FindingStatus.NEW,
        actions=[s.value for s in STATUS_ORDER if s in allowed] if can_edit else [],
    )
    return row


def run_rows(
    ctx: ServiceContext, principal: Principal, result: AuditResult, today: date
) -> list[dict[str, Any]]:
    """The findings of one audit run: saved ones with their status and actions; ones not
    saved (no ``--save``, or kept in a shop the person cannot see) without."""
    ids = [f.id for f in result.findings]
    saved: dict[str, SavedFinding] = {}
    if ids and result.saved is not None:
        with audit_ports(ctx).uow() as uow:
            saved = {
                i: s for i, s in uow.audits.get_many(ids).items() if principal.can_view(s.shop_id)
            }
    rows = []
    for finding in result.findings:
        if finding.id in saved:
            rows.append(finding_row(ctx, principal, saved[finding.id], today))
            continue
        deadline = result.deadlines.get(finding.id)
        row = finding_public(ctx, finding, deadline)
        row.update(
            kind_label=kind_label(ctx, finding.kind),
            status=None,
            status_label="",
            deadline_date=deadline,
            days_left=(deadline - today).days if deadline else None,
            evidence_files=_evidence_by_file(row["evidence"]),
            ticket_id=None,
            amount_recovered=None,
            can_edit=False,
            can_draft=False,
            actions=[],
        )
        rows.append(row)
    return rows
