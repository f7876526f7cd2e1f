"""Audit results for people and programs: Russian titles and labels from the message catalogue,
and the plain-dict shape of ``shared/spec/audit-contract.md`` (shared by the CLI and the web)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from mpdesk.domain.audit.findings import Finding, FindingKind, SavedFinding
from mpdesk.domain.audit.report import FileProblem, ReportFile
from mpdesk.domain.audit.run import KindTotal
from mpdesk.services.audit import AuditResult
from mpdesk.services.context import ServiceContext

#: message code of the label of each Ozon write-off type
OZON_WRITEOFF_LABEL = {
    "OperationLackWriteOff": "audit_ozon_lack",
    "OperationDefectiveWriteOff": "audit_ozon_defective",
}


def money_text(amount: Decimal | None, currency: str = "RUB") -> str:
    """``Decimal('12345.5')`` → ``'12 345,50 ₽'``; in another currency its ISO code
    (``'100,00 KGS'``); None → ``'—'``."""
    if amount is None:
        return "—"
    sign = "₽" if currency == "RUB" else currency
    return f"{amount:,.2f}".replace(",", "\u00a0").replace(".", ",") + f"\u00a0{sign}"


def money_by_currency(sums: dict[str, Decimal]) -> str:
    """Sums in several currencies, side by side and never added: ``'1 000,00 ₽; 100,00 KGS'``."""
    return "; ".join(money_text(v, c) for c, v in sums.items()) or money_text(Decimal("0.00"))


def kind_label(ctx: ServiceContext, kind: FindingKind | str) -> str:
    return ctx.message(f"audit_kind_{FindingKind(kind).value}")


def finding_title(ctx: ServiceContext, finding: Finding) -> str:
    """One Russian line that says what is wrong and how much."""
    keys, details = finding.keys, finding.details
    amount = money_text(finding.amount, finding.currency)
    kind = finding.kind
    if kind in (FindingKind.ACCEPTANCE_SHORTFALL, FindingKind.ACCEPTANCE_SURPLUS):
        return ctx.message(f"audit_title_{kind.value}", **keys, **details, amount=amount)
    if kind is FindingKind.DUPLICATE_LOGISTICS:
        return ctx.message("audit_title_duplicate_logistics", srid=keys["srid"],
                           charges=details["charges"], amount=amount)  # fmt: skip
    if kind is FindingKind.PENALTY:
        reason = details.get("reason") or ctx.message("audit_reason_unknown")
        if keys.get("srid"):
            return ctx.message("audit_title_penalty", srid=keys["srid"], reason=reason,
                               amount=amount)  # fmt: skip
        return ctx.message("audit_title_penalty_no_order", reason=reason, amount=amount)
    operation = ctx.message(OZON_WRITEOFF_LABEL.get(details["operation_type"], "audit_ozon_other"))
    return ctx.message(
        "audit_title_ozon_writeoff",
        operation=operation,
        sku=details.get("sku") or "—",
        operation_id=keys["operation_id"],
        amount=amount,
    )


def problem_text(ctx: ServiceContext, problem: FileProblem | None) -> str | None:
    if problem is None:
        return None
    fields = dict(problem.fields)
    if "kind" in fields:
        fields["kind_label"] = ctx.message(f"report_kind_{fields['kind']}")
    return ctx.message(problem.code, **fields)


def file_public(ctx: ServiceContext, file: ReportFile) -> dict[str, Any]:
    problems = [file.problem] if file.problem else []
    if file.copy_of:
        problems.append(FileProblem("report_copy_of", {"file": file.name, "other": file.copy_of}))
    return {
        "path": file.path,
        "kind": file.kind.value if file.kind else None,
        "format": file.format,
        "rows": file.rows,
        "problem": " ".join(problem_text(ctx, p) or "" for p in problems) or None,
        "problem_code": problems[0].code if problems else None,
        "usable": file.usable,
        "sha256": file.sha256 or None,
        "archive": file.archive,
        "copy_of": file.copy_of,
    }


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def finding_public(ctx: ServiceContext, finding: Finding, deadline: date | None) -> dict[str, Any]:
    return {
        "id": finding.id,
        "kind": finding.kind.value,
        "marketplace": finding.marketplace,
        "category": finding.category,
        "amount": _amount(finding.amount),
        "currency": finding.currency,
        "keys": dict(finding.keys),
        "details": dict(finding.details),
        "evidence": [
            {"file": e.ref.file, "row": e.ref.row, "sha256": e.ref.sha256, "role": e.role}
            for e in finding.evidence
        ],
        "deadline": deadline.isoformat() if deadline else None,
        "title": finding_title(ctx, finding),
    }


def audit_public(ctx: ServiceContext, result: AuditResult) -> dict[str, Any]:
    """The ``--json`` document of the audit contract (plus ``saved`` after ``--save``)."""
    data: dict[str, Any] = {
        "files": [file_public(ctx, f) for f in result.files],
        "findings": [finding_public(ctx, f, result.deadlines.get(f.id)) for f in result.findings],
        "summary": {
            "by_kind": {kind.value: _kind_total(t) for kind, t in result.by_kind.items()},
            "total_amount": _amount(result.total),
            "by_currency": {c: f"{v:.2f}" for c, v in result.by_currency.items()},
        },
    }
    if result.saved is not None:
        data["saved"] = result.saved.__dict__
    return data


def _kind_total(total: KindTotal) -> dict[str, Any]:
    """``amount`` in roubles, ``by_currency`` every currency's sum."""
    return {
        "count": total.count,
        "amount": _amount(total.amount),
        "by_currency": {c: f"{v:.2f}" for c, v in total.by_currency.items()},
    }


def saved_finding_public(ctx: ServiceContext, saved: SavedFinding) -> dict[str, Any]:
    data = finding_public(ctx, saved.finding, saved.deadline)
    data.update(
        status=saved.status.value,
        shop_id=saved.shop_id,
        ticket_id=saved.ticket_id,
        amount_recovered=_amount(saved.amount_recovered),
        event_date=saved.finding.event_date.isoformat() if saved.finding.event_date else None,
        created_at=saved.created_at.isoformat(),
        updated_at=saved.updated_at.isoformat(),
        comment=saved.comment or None,
    )
    return data
