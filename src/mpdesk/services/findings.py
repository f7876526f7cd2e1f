"""Use cases of audits and saved findings, as one principal sees them: audit files into a
shop, list the findings, change a finding's status, draft appeals from chosen findings.

A finding of a shop the principal cannot see is *not found*; auditing into a shop, drafting
and changing a status need the manager role there. Each use case checks access in the unit of
work it writes with: ``draft_appeals`` writes the tickets and marks their findings
``drafted`` in one transaction.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from mpdesk.domain.accounts import Principal
from mpdesk.domain.audit.findings import (
    FINDING_TRANSITIONS,
    FindingKind,
    FindingNotFoundError,
    FindingStatus,
    SavedFinding,
    appeal_key,
    money,
)
from mpdesk.domain.audit.totals import FindingTotal
from mpdesk.domain.errors import ForbiddenError, UnknownValueError, UserInputError
from mpdesk.domain.identifiers import IdType, normalize_identifier
from mpdesk.domain.shops import Shop
from mpdesk.domain.tickets import Ticket
from mpdesk.services import access
from mpdesk.services.audit import AuditResult, audit_ports, audit_reports
from mpdesk.services.compose_appeal import Appeal
from mpdesk.services.context import ServiceContext
from mpdesk.services.finding_appeals import (
    add_audit_note,
    appeal_draft,
    appeal_total,
    write_evidence,
)
from mpdesk.services.journal import add_ticket
from mpdesk.services.ports.audit import AuditRepository, FindingFilter, ReadProgress

#: the order of the status filter and of the action buttons
STATUS_ORDER = tuple(FindingStatus)
KIND_ORDER = tuple(FindingKind)


# --- auditing into a shop ----------------------------------------------------------------


def audit_shops(ctx: ServiceContext, principal: Principal) -> list[Shop]:
    """Shops the principal may audit into (manager or owner)."""
    with ctx.reads() as uow:
        return access.editable_shops(uow, principal)


def audit_into_shop(
    ctx: ServiceContext,
    principal: Principal,
    paths: Sequence[Path],
    shop_id: int | None,
    save: bool = True,
    progress: ReadProgress | None = None,
    supply_id: str | None = None,
) -> AuditResult:
    """Audit the files into one of the principal's shops (``shop_id``, or their only one);
    ``supply_id`` is the supply of a bare supplies-API goods answer."""
    with ctx.reads() as uow:
        if shop_id is None:
            shops = access.editable_shops(uow, principal)
            if len(shops) != 1:
                raise UserInputError("audit_shop_required") if shops else ForbiddenError()
            shop = shops[0]
        else:
            shop = access.editable_shop(uow, principal, shop_id)
    return audit_reports(ctx, paths, save, shop.name, progress, supply_id)


# --- listing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingQuery:
    kinds: Sequence[str] = ()
    statuses: Sequence[str] = ()
    shop_id: int | None = None
    limit: int | None = 100
    offset: int = 0


@dataclass(frozen=True)
class FindingsPage:
    findings: list[SavedFinding]
    totals: list[FindingTotal]  # over every finding the query matches, in ``KIND_ORDER``
    count: int  # findings the query matches (all pages)
    has_next: bool
    amount: Decimal = field(default=Decimal("0.00"))  # money at stake, all pages
    recovered: Decimal = field(default=Decimal("0.00"))


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


def list_findings(
    ctx: ServiceContext,
    principal: Principal,
    kinds: Sequence[str] = (),
    statuses: Sequence[str] = (),
    limit: int | None = None,
) -> list[SavedFinding]:
    query = FindingQuery(kinds, statuses, limit=limit)
    with audit_ports(ctx).uow() as uow:
        return uow.audits.list(_filter(principal, query))


def list_page(ctx: ServiceContext, principal: Principal, query: FindingQuery) -> FindingsPage:
    """One page of the findings of the principal's shops, and the totals of all pages."""
    limit = query.limit or 100
    flt = _filter(principal, replace(query, limit=limit))
    with audit_ports(ctx).uow() as uow:
        rows = uow.audits.list(replace(flt, limit=limit + 1))
        found = uow.audits.totals(flt)
    order = {k.value: i for i, k in enumerate(KIND_ORDER)}
    totals = sorted(found, key=lambda t: order.get(t.kind, len(order)))
    return FindingsPage(
        findings=rows[:limit],
        totals=totals,
        count=sum(t.count for t in totals),
        has_next=len(rows) > limit,
        amount=money(sum((t.amount for t in totals), Decimal(0))),
        recovered=money(sum((t.recovered for t in totals), Decimal(0))),
    )


def _visible(repo: AuditRepository, principal: Principal, ids: Sequence[str]) -> list[SavedFinding]:
    """The findings in the given order; an id unknown or of another shop is *not found*."""
    found = repo.get_many(list(dict.fromkeys(ids)))
    for finding_id in ids:
        saved = found.get(finding_id)
        if saved is None or not principal.can_view(saved.shop_id):
            raise FindingNotFoundError(finding_id)
    return [found[i] for i in dict.fromkeys(ids)]


def get_findings(
    ctx: ServiceContext, principal: Principal, ids: Sequence[str]
) -> list[SavedFinding]:
    with audit_ports(ctx).uow() as uow:
        return _visible(uow.audits, principal, ids)


# --- changing ----------------------------------------------------------------------------


def change_finding_status(
    ctx: ServiceContext,
    principal: Principal,
    finding_id: str,
    target: FindingStatus,
    amount: Decimal | None = None,
    comment: str = "",
) -> SavedFinding:
    """Dismiss, mark claimed, mark recovered (with the amount received) or reopen."""
    (saved,) = change_findings_status(ctx, principal, [finding_id], target, amount, comment)
    return saved


def change_findings_status(
    ctx: ServiceContext,
    principal: Principal,
    finding_ids: Sequence[str],
    target: FindingStatus,
    amount: Decimal | None = None,
    comment: str = "",
) -> list[SavedFinding]:
    """The same change for several findings, all or none (one unit of work)."""
    now = ctx.clock.now()
    with audit_ports(ctx).uow() as uow:
        found = _visible(uow.audits, principal, list(dict.fromkeys(finding_ids)))
        for saved in found:
            access.require_manager(principal, saved.shop_id)
            _change(ctx, saved, target, amount, comment, now)
            uow.audits.save(saved)
        uow.commit()
        return found


def _change(
    ctx: ServiceContext,
    saved: SavedFinding,
    target: FindingStatus,
    amount: Decimal | None,
    comment: str,
    now: datetime,
) -> None:
    if target not in FINDING_TRANSITIONS[saved.status]:
        label = _status_labels(ctx)
        raise UserInputError(
            "finding_invalid_transition",
            finding_id=saved.id,
            current=label[saved.status],
            target=label[target],
            allowed=", ".join(label[s] for s in sorted(FINDING_TRANSITIONS[saved.status])) or "—",
            current_status=saved.status.value,
            target_status=target.value,
        )
    if target is FindingStatus.RECOVERED:
        if amount is None:
            raise UserInputError("finding_amount_required", finding_id=saved.id)
        saved.recover(amount, now, comment)
    else:
        saved.transition(target, now, comment)


def _status_labels(ctx: ServiceContext) -> dict[FindingStatus, str]:
    return {s: ctx.message(f"finding_status_{s.value}") for s in FindingStatus}


@dataclass(frozen=True)
class DraftedAppeal:
    ticket: Ticket
    appeal: Appeal
    findings: list[SavedFinding]
    attachment: str
    deadline: date | None
    deadline_passed: bool = False  # the objection window closed before the appeal was drafted


def draft_appeals(
    ctx: ServiceContext, principal: Principal, ids: Sequence[str]
) -> list[DraftedAppeal]:
    """Appeals from the chosen findings (one per supply, one per report and kind), each with
    the XLSX of its proving rows; the findings become ``drafted``."""
    if not ids:
        raise UserInputError("audit_nothing_chosen")
    now = ctx.clock.now()
    drafted: list[DraftedAppeal] = []
    with tempfile.TemporaryDirectory(prefix="mpdesk-evidence-") as tmp:
        try:
            with audit_ports(ctx).uow() as uow:
                chosen = _visible(uow.audits, principal, ids)
                for saved in chosen:
                    access.require_manager(principal, saved.shop_id)
                    if saved.status is not FindingStatus.NEW:
                        raise UserInputError(
                            "finding_not_draftable",
                            finding_id=saved.id,
                            status=ctx.message(f"finding_status_{saved.status.value}"),
                        )
                groups: dict[tuple[int, str, str, str], list[SavedFinding]] = {}
                for saved in chosen:  # one appeal per supply or report, and per currency
                    key = (saved.shop_id, *appeal_key(saved.finding), saved.finding.currency)
                    groups.setdefault(key, []).append(saved)
                for (shop_id, family, group, _currency), members in groups.items():
                    shop = uow.shops.get(shop_id)
                    evidence = write_evidence(ctx, Path(tmp), family, group, members)
                    draft, extra = appeal_draft(ctx, family, group, members, evidence.name)
                    total = appeal_total(members)
                    rub = members[0].finding.currency == "RUB"  # the journal keeps roubles
                    opened = add_ticket(
                        ctx, uow, draft, [evidence], shop.name if shop else None,
                        None if total is None or not rub else f"{total:.2f}", f"audit_{family}",
                        extra, actor=principal.login,
                    )  # fmt: skip
                    deadline = min((m.deadline for m in members if m.deadline), default=None)
                    add_audit_note(ctx, uow, opened.ticket, members, deadline, principal.login)
                    for m in members:
                        m.transition(FindingStatus.DRAFTED, now)
                        m.ticket_id = opened.ticket.id
                        uow.audits.save(m)
                    drafted.append(
                        DraftedAppeal(
                            opened.ticket,
                            opened.appeal,
                            members,
                            evidence.name,
                            deadline,
                            deadline is not None and deadline < ctx.clock.today(),
                        )
                    )
                uow.commit()
        except BaseException:
            ctx.files.discard_pending()
            raise
        ctx.files.commit_pending()
    return drafted


def normalized_amount(raw: str) -> Decimal:
    """A user-typed amount («1 250,50») as Decimal; raises ``ValueError`` when it is not one."""
    return Decimal(normalize_identifier(IdType.AMOUNT, raw))
