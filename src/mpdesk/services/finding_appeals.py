"""The appeal drafted from saved findings: its draft and template context (one appeal per
supply for acceptance, per report and kind for finance), the note on the ticket, and the XLSX of
the rows that prove the findings, attached to it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.audit.findings import FindingKind, SavedFinding, money
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import Direction, Message, Ticket
from mpdesk.services import formatting
from mpdesk.services.audit_views import (
    OZON_WRITEOFF_LABEL,
    compensation_type,
    kind_label,
    money_text,
)
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.audit import AuditUnitOfWork

#: at most this many orders / SKUs are listed as identifiers; all are in the attachment
MAX_IDENTIFIERS = 20


def appeal_total(members: Sequence[SavedFinding]) -> Decimal | None:
    amounts = [m.finding.amount for m in members if m.finding.amount is not None]
    return money(sum(amounts, Decimal(0))) if amounts else None


def add_audit_note(
    ctx: ServiceContext,
    uow: AuditUnitOfWork,
    ticket: Ticket,
    members: Sequence[SavedFinding],
    deadline: date | None,
    actor: str,
) -> None:
    ids = ", ".join(m.id for m in members)
    if deadline is not None:
        text = ctx.message("audit_ticket_note_deadline", ids=ids,
                           deadline=formatting.day(deadline))  # fmt: skip
    else:
        text = ctx.message("audit_ticket_note", ids=ids)
    ticket.add_note(Message(Direction.NOTE, text, ctx.clock.now(), "", actor))
    uow.tickets.save(ticket)


def _files(members: Sequence[SavedFinding]) -> list[dict[str, str]]:
    seen: dict[str, str] = {}
    for m in members:
        for e in m.finding.evidence:
            seen.setdefault(e.ref.sha256, e.ref.file)
    return [{"name": name, "sha256": sha} for sha, name in seen.items()]


def appeal_draft(
    ctx: ServiceContext, family: str, group: str, members: Sequence[SavedFinding], attachment: str
) -> tuple[AppealDraft, dict[str, Any]]:
    findings = [m.finding for m in members]
    first = findings[0]
    currency = first.currency  # one per appeal (``appeal_key`` and the currency)
    total = appeal_total(members)
    dates = [f.event_date for f in findings if f.event_date]
    deadlines = [m.deadline for m in members if m.deadline]
    files = _files(members)
    audit: dict[str, Any] = {
        "kind": family,
        "count": len(findings),
        "total": money_text(total, currency) if total is not None else "",
        "attachment": attachment,
        "files": files,
        "deadline": formatting.day(min(deadlines)) if deadlines else "",
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
    elif family in _COMPENSATION_FAMILIES:
        audit["rows"] = [_compensation_row(ctx, f) for f in findings]
        skus = list(dict.fromkeys(r["sku"] for r in audit["rows"] if r["sku"]))
        identifiers += [Identifier(IdType.SKU, s) for s in skus[:MAX_IDENTIFIERS]]
    else:
        audit["rows"] = [_finance_row(f) for f in findings]
        srids = [r["srid"] for r in audit["rows"] if r["srid"]]
        identifiers += [Identifier(IdType.ORDER_ID, s) for s in srids[:MAX_IDENTIFIERS]]
        audit["more_orders"] = max(0, len(srids) - MAX_IDENTIFIERS)
    if total and currency == "RUB":
        identifiers.append(Identifier(IdType.AMOUNT, f"{total:.2f}"))
    description = ctx.message(
        "audit_draft_description", kind=kind_label(ctx, first.kind).lower(),
        count=len(findings), amount=money_text(total, currency),
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
                "amount": money_text(f.amount, f.currency) if f.amount is not None else "",
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
        "amount": money_text(f.amount, f.currency),
        "date": f.evidence[-1].values.get("sale_date", "") if f.evidence else "",
    }


_COMPENSATION_FAMILIES = (
    FindingKind.OZON_COMPENSATION_REDUCED.value,
    FindingKind.OZON_DECOMPENSATION.value,
)


def _compensation_row(ctx: ServiceContext, f: Any) -> dict[str, Any]:
    d = f.details
    value = d.get("value_total")
    return {
        "sku": f.keys.get("sku", ""),
        "product": d.get("product", ""),
        "vendor_code": d.get("vendor_code", ""),
        "type": compensation_type(ctx, f),
        "quantity": d.get("quantity") or "",
        "value_total": money_text(Decimal(value), f.currency) if value else "",
        "paid": money_text(Decimal(d["paid"]), f.currency),
        "amount": money_text(f.amount, f.currency),
    }


def _ozon_row(ctx: ServiceContext, f: Any) -> dict[str, Any]:
    d = f.details
    operation = ctx.message(OZON_WRITEOFF_LABEL.get(d["operation_type"], "audit_ozon_other"))
    return {
        "operation_id": f.keys["operation_id"],
        "operation": operation,
        "sku": d.get("sku", ""),
        "posting_number": d.get("posting_number", ""),
        "amount": money_text(f.amount, f.currency),
        "date": formatting.day(f.event_date) if f.event_date else "",
    }


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
