"""Use cases of saved findings: list them, change their status, and draft appeals from them.

``draft_appeals`` writes one appeal per supply (acceptance) or per report and kind (finance),
each with an XLSX of the proving rows attached, and marks the findings ``drafted`` — the
tickets and the findings change in one transaction.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.audit.findings import (
    FindingKind,
    FindingNotFoundError,
    FindingStatus,
    SavedFinding,
    appeal_key,
    money,
)
from mpdesk.domain.errors import UnknownValueError, UserInputError
from mpdesk.domain.identifiers import Identifier, IdType, normalize_identifier
from mpdesk.domain.tickets import Direction, Message, Ticket
from mpdesk.services.audit import audit_ports
from mpdesk.services.audit_views import OZON_WRITEOFF_LABEL, kind_label, money_text
from mpdesk.services.compose_appeal import Appeal
from mpdesk.services.context import ServiceContext
from mpdesk.services.journal import add_ticket
from mpdesk.services.ports.audit import AuditUnitOfWork, FindingFilter

#: at most this many orders / SKUs are listed as identifiers; all are in the attachment
MAX_IDENTIFIERS = 20


def _choices(field: str, values: Sequence[str], allowed: Sequence[str]) -> list[str]:
    for value in values:
        if value not in allowed:
            raise UnknownValueError(field, value, list(allowed))
    return list(values)


def list_findings(
    ctx: ServiceContext,
    kinds: Sequence[str] = (),
    statuses: Sequence[str] = (),
    limit: int | None = None,
) -> list[SavedFinding]:
    flt = FindingFilter(
        kinds=_choices("kind", kinds, [k.value for k in FindingKind]),
        statuses=[
            FindingStatus(s) for s in _choices("status", statuses, [s.value for s in FindingStatus])
        ],
        limit=limit,
    )
    with audit_ports(ctx).uow() as uow:
        return uow.audits.list(flt)


def get_findings(ctx: ServiceContext, ids: Sequence[str]) -> list[SavedFinding]:
    with audit_ports(ctx).uow() as uow:
        return _load(uow.audits.get_many(ids), ids)


def _load(found: dict[str, SavedFinding], ids: Sequence[str]) -> list[SavedFinding]:
    for finding_id in ids:
        if finding_id not in found:
            raise FindingNotFoundError(finding_id)
    return [found[i] for i in dict.fromkeys(ids)]


def change_finding_status(
    ctx: ServiceContext,
    finding_id: str,
    target: FindingStatus,
    amount: Decimal | None = None,
    comment: str = "",
) -> SavedFinding:
    """``recovered`` needs the amount received; the other statuses take none."""
    now = ctx.clock.now()
    with audit_ports(ctx).uow() as uow:
        (saved,) = _load(uow.audits.get_many([finding_id]), [finding_id])
        if target is FindingStatus.RECOVERED:
            if amount is None:
                raise UserInputError("finding_amount_required", finding_id=finding_id)
            saved.recover(amount, now, comment)
        else:
            saved.transition(target, now, comment)
        uow.audits.save(saved)
        uow.commit()
        return saved


# --- drafting appeals ------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftedAppeal:
    ticket: Ticket
    appeal: Appeal
    findings: list[SavedFinding]
    attachment: str
    deadline: date | None


def draft_appeals(ctx: ServiceContext, ids: Sequence[str]) -> list[DraftedAppeal]:
    now = ctx.clock.now()
    drafted: list[DraftedAppeal] = []
    with tempfile.TemporaryDirectory(prefix="mpdesk-evidence-") as tmp:
        try:
            with audit_ports(ctx).uow() as uow:
                chosen = _load(uow.audits.get_many(ids), ids)
                for saved in chosen:
                    if saved.status is not FindingStatus.NEW:
                        raise UserInputError(
                            "finding_not_draftable",
                            finding_id=saved.id,
                            status=ctx.message(f"finding_status_{saved.status.value}"),
                        )
                groups: dict[tuple[int, str, str], list[SavedFinding]] = {}
                for saved in chosen:
                    groups.setdefault((saved.shop_id, *appeal_key(saved.finding)), []).append(saved)
                for (shop_id, family, group), members in groups.items():
                    shop = uow.shops.get(shop_id)
                    evidence = write_evidence(ctx, Path(tmp), family, group, members)
                    draft, extra = _appeal_draft(ctx, family, group, members, evidence.name)
                    total = _total(members)
                    opened = add_ticket(
                        ctx, uow, draft, [evidence], shop.name if shop else None,
                        None if total is None else f"{total:.2f}", f"audit_{family}", extra,
                    )  # fmt: skip
                    deadline = min((m.deadline for m in members if m.deadline), default=None)
                    _add_note(ctx, uow, opened.ticket, members, deadline)
                    for m in members:
                        m.transition(FindingStatus.DRAFTED, now)
                        m.ticket_id = opened.ticket.id
                        uow.audits.save(m)
                    drafted.append(
                        DraftedAppeal(
                            opened.ticket, opened.appeal, members, evidence.name, deadline
                        )
                    )
                uow.commit()
        except BaseException:
            ctx.files.discard_pending()
            raise
        ctx.files.commit_pending()
    return drafted


def _total(members: Sequence[SavedFinding]) -> Decimal | None:
    amounts = [m.finding.amount for m in members if m.finding.amount is not None]
    return money(sum(amounts, Decimal(0))) if amounts else None


def _add_note(
    ctx: ServiceContext,
    uow: AuditUnitOfWork,
    ticket: Ticket,
    members: Sequence[SavedFinding],
    deadline: date | None,
) -> None:
    ids = ", ".join(m.id for m in members)
    if deadline is not None:
        text = ctx.message("audit_ticket_note_deadline", ids=ids,
                           deadline=deadline.strftime("%d.%m.%Y"))  # fmt: skip
    else:
        text = ctx.message("audit_ticket_note", ids=ids)
    ticket.add_note(Message(Direction.NOTE, text, ctx.clock.now(), "", ctx.actor))
    uow.tickets.save(ticket)


def _files(members: Sequence[SavedFinding]) -> list[dict[str, str]]:
    seen: dict[str, str] = {}
    for m in members:
        for e in m.finding.evidence:
            seen.setdefault(e.ref.sha256, e.ref.file)
    return [{"name": name, "sha256": sha} for sha, name in seen.items()]


def _appeal_draft(
    ctx: ServiceContext, family: str, group: str, members: Sequence[SavedFinding], attachment: str
) -> tuple[AppealDraft, dict[str, Any]]:
    findings = [m.finding for m in members]
    first = findings[0]
    total = _total(members)
    dates = [f.event_date for f in findings if f.event_date]
    deadlines = [m.deadline for m in members if m.deadline]
    files = _files(members)
    audit: dict[str, Any] = {
        "kind": family,
        "count": len(findings),
        "total": money_text(total) if total is not None else "",
        "attachment": attachment,
        "files": files,
        "deadline": min(deadlines).strftime("%d.%m.%Y") if deadlines else "",
        "report_number": "" if group.startswith("file:") else group,
        "report_file": files[0]["name"] if files else "",
    }
    identifiers: list[Identifier] = []
    if family == "acceptance":
        audit.update(_acceptance_context(findings))
        identifiers.append(Identifier(IdType.SUPPLY_ID, group))
        identifiers += [Identifier(IdType.BARCODE, r["barcode"]) for r in audit["rows"]]
    elif family == FindingKind.OZON_WRITEOFF.value:
        audit["rows"] = [_ozon_row(ctx, f) for f in findings]
        postings = [r["posting_number"] for r in audit["rows"] if r["posting_number"]]
        skus = [r["sku"] for r in audit["rows"] if r["sku"]]
        identifiers += [Identifier(IdType.ORDER_ID, p) for p in postings[:MAX_IDENTIFIERS]]
        identifiers += [Identifier(IdType.SKU, s) for s in skus[:MAX_IDENTIFIERS]]
    else:
        audit["rows"] = [_finance_row(f) for f in findings]
        srids = [r["srid"] for r in audit["rows"] if r["srid"]]
        identifiers += [Identifier(IdType.ORDER_ID, s) for s in srids[:MAX_IDENTIFIERS]]
        audit["more_orders"] = max(0, len(srids) - MAX_IDENTIFIERS)
    if total:
        identifiers.append(Identifier(IdType.AMOUNT, f"{total:.2f}"))
    description = ctx.message(
        "audit_draft_description", kind=kind_label(ctx, first.kind).lower(),
        count=len(findings), amount=money_text(total),
    )  # fmt: skip
    draft = AppealDraft(
        marketplace=first.marketplace,
        category=first.category,
        description=description,
        identifiers=list(dict.fromkeys(identifiers)),
        event_date=min(dates) if dates else None,
        vague=False,
    )
    return draft, {"audit": audit}


def _acceptance_context(findings: Sequence[Any]) -> dict[str, Any]:
    rows = []
    for f in sorted(findings, key=lambda f: f.keys["barcode"]):
        d = f.details
        diff = d["accepted"] - d["shipped"]
        rows.append(
            {
                "barcode": f.keys["barcode"],
                "vendor_code": d.get("vendor_code", ""),
                "shipped": d["shipped"],
                "accepted": d["accepted"],
                "diff": f"{diff:+d}".replace("-", "−"),
                "amount": money_text(f.amount) if f.amount is not None else "",
            }
        )
    return {
        "supply_id": findings[0].keys["supply_id"],
        "rows": rows,
        "missing": sum(f.details.get("missing", 0) for f in findings),
        "extra": sum(f.details.get("extra", 0) for f in findings),
    }


def _finance_row(f: Any) -> dict[str, Any]:
    d = f.details
    return {
        "srid": f.keys.get("srid", ""),
        "charges": d.get("charges", ""),
        "reason": d.get("reason", ""),
        "nm_id": d.get("nm_id", ""),
        "amount": money_text(f.amount),
        "date": f.evidence[-1].values.get("sale_date", "") if f.evidence else "",
    }


def _ozon_row(ctx: ServiceContext, f: Any) -> dict[str, Any]:
    d = f.details
    operation = ctx.message(OZON_WRITEOFF_LABEL.get(d["operation_type"], "audit_ozon_other"))
    return {
        "operation_id": f.keys["operation_id"],
        "operation": operation,
        "sku": d.get("sku", ""),
        "posting_number": d.get("posting_number", ""),
        "amount": money_text(f.amount),
        "date": f.event_date.strftime("%d.%m.%Y") if f.event_date else "",
    }


# --- the evidence attachment ----------------------------------------------------------------

_UNSAFE = re.compile(r"[^0-9A-Za-z_-]+")


def write_evidence(
    ctx: ServiceContext, folder: Path, family: str, group: str, members: Sequence[SavedFinding]
) -> Path:
    """XLSX of the rows that prove the findings: finding, source file, its sha256, row
    number, what the row is, and the row's values."""
    value_keys: list[str] = []
    for m in members:
        for e in m.finding.evidence:
            value_keys.extend(k for k in e.values if k not in value_keys)
    headers = [
        ctx.message("audit_evidence_finding"),
        ctx.message("audit_evidence_kind"),
        ctx.message("audit_evidence_file"),
        ctx.message("audit_evidence_sha256"),
        ctx.message("audit_evidence_row"),
        ctx.message("audit_evidence_role"),
        *(ctx.message(f"audit_field_{k}") for k in value_keys),
    ]
    rows: list[list[Any]] = []
    for m in members:
        label = kind_label(ctx, m.finding.kind)
        for e in m.finding.evidence:
            role = ctx.message(f"audit_role_{e.role}") if e.role else ""
            rows.append(
                [m.id, label, e.ref.file, e.ref.sha256, e.ref.row, role,
                 *(e.values.get(k, "") for k in value_keys)]
            )  # fmt: skip
    safe_group = _UNSAFE.sub("-", group.removeprefix("file:")).strip("-") or "report"
    path = folder / f"audit-{family.replace('_', '-')}-{safe_group}.xlsx"
    ctx.tables.write(path, "xlsx", headers, rows)
    return path


def normalized_amount(raw: str) -> Decimal:
    """A user-typed amount («1 250,50») as Decimal; raises ``ValueError`` when it is not one."""
    return Decimal(normalize_identifier(IdType.AMOUNT, raw))
