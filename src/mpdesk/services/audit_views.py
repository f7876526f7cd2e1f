"""Audit results for people and programs: Russian titles and labels from the message catalogue,
and the plain-dict shape of ``shared/spec/audit-contract.md`` (shared by the CLI and the web)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from mpdesk.domain.accounts import Principal, Role
from mpdesk.domain.audit.findings import (
    FINDING_TRANSITIONS,
    Finding,
    FindingKind,
    FindingStatus,
    SavedFinding,
)
from mpdesk.domain.audit.report import FileProblem, ReportFile
from mpdesk.domain.audit.run import KindTotal
from mpdesk.services.audit import AuditResult, audit_ports
from mpdesk.services.context import ServiceContext
from mpdesk.services.formatting import money

#: what identifies a finding (``Finding.keys``), each labelled ``audit_field_<key>``
FINDING_KEYS = ("supply_id", "barcode", "srid", "row_id", "operation_id", "report", "sku")
#: the statuses a person sets from the «Аудит» page, each a button ``finding_action_<status>``
FINDING_ACTIONS = (
    FindingStatus.NEW, FindingStatus.DISMISSED, FindingStatus.CLAIMED, FindingStatus.RECOVERED
)  # fmt: skip

#: message code of the label of each Ozon write-off type
OZON_WRITEOFF_LABEL = {
    "OperationLackWriteOff": "audit_ozon_lack",
    "OperationDefectiveWriteOff": "audit_ozon_defective",
}


def money_text(amount: Decimal | None, currency: str = "RUB") -> str:
    """``Decimal('12345.5')`` → ``'12 345,50 ₽'``; in another currency its ISO code
    (``'100,00 KGS'``); None → ``'—'``."""
    return money(amount, empty="—", currency=currency)


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
    if kind in (FindingKind.OZON_COMPENSATION_REDUCED, FindingKind.OZON_DECOMPENSATION):
        return ctx.message(
            f"audit_title_{kind.value}",
            sku=keys.get("sku") or "—",
            compensation_type=compensation_type(ctx, finding),
            paid=money_text(Decimal(details["paid"]), finding.currency),
            amount=amount,
        )
    operation = ctx.message(OZON_WRITEOFF_LABEL.get(details["operation_type"], "audit_ozon_other"))
    return ctx.message(
        "audit_title_ozon_writeoff",
        operation=operation,
        sku=details.get("sku") or "—",
        operation_id=keys["operation_id"],
        amount=amount,
    )


def compensation_type(ctx: ServiceContext, finding: Finding) -> str:
    """The report's «Тип компенсации» of a compensation finding, or a Russian «not stated»."""
    return str(finding.details.get("compensation_type") or "") or ctx.message(
        "audit_compensation_type_unknown"
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


# --- rows of the «Аудит» page and the API -------------------------------------------------


def status_label(ctx: ServiceContext, status: FindingStatus | str) -> str:
    return ctx.message(f"finding_status_{FindingStatus(status).value}")


def key_labels(ctx: ServiceContext) -> dict[str, str]:
    """Russian label of each key that identifies a finding (supply, barcode, order…)."""
    return {key: ctx.message(f"audit_field_{key}") for key in FINDING_KEYS}


def action_labels(ctx: ServiceContext) -> dict[str, str]:
    """Russian caption of the button that sets each status."""
    return {s.value: ctx.message(f"finding_action_{s.value}") for s in FINDING_ACTIONS}


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
        actions=[s.value for s in FindingStatus if s in allowed] if can_edit else [],
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
            found = uow.audits.get_many(ids).items()
        saved = {i: s for i, s in found if principal.can_view(s.shop_id)}
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
