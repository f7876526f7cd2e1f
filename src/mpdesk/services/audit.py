"""Use case: audit marketplace report files and, on request, save the findings to the journal.

UI-agnostic: the CLI and the web page call ``audit_reports`` and render ``AuditResult`` (see
``services/audit_views.py`` for the plain-dict form of the contract's ``--json`` output).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from mpdesk.domain.audit.findings import Finding, FindingKind, FindingStatus, SavedFinding
from mpdesk.domain.audit.report import ReportFile, ReportKind
from mpdesk.domain.audit.run import KindTotal, objection_deadline, run_audit, summarize
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.audit import AuditPorts, ReadProgress
from mpdesk.services.shops import resolve_shop

#: the marketplace a file kind belongs to (the seller's shipment list serves WB acceptance)
KIND_MARKETPLACE = {
    ReportKind.WB_REALIZATION_DETAIL: "wb",
    ReportKind.WB_INCOMES: "wb",
    ReportKind.WB_SUPPLY_GOODS: "wb",
    ReportKind.SHIPMENT_LIST: "wb",
    ReportKind.OZON_TRANSACTIONS: "ozon",
}


@dataclass(frozen=True)
class SaveStats:
    added: int
    updated: int
    unchanged: int
    new_files: int


@dataclass(frozen=True)
class AuditResult:
    files: list[ReportFile]
    findings: list[Finding]
    deadlines: dict[str, date | None]  # finding id → last day to object
    by_kind: dict[FindingKind, KindTotal]
    total: Decimal
    saved: SaveStats | None = None

    @property
    def usable(self) -> bool:
        return any(f.usable for f in self.files)


def audit_ports(ctx: ServiceContext) -> AuditPorts:
    if ctx.audit is None:
        raise RuntimeError("audits are not wired in this context")
    return ctx.audit


def audit_reports(
    ctx: ServiceContext,
    paths: Sequence[Path],
    save: bool = False,
    shop_name: str | None = None,
    progress: ReadProgress | None = None,
) -> AuditResult:
    """Read the files, run every rule, and with ``save`` store fingerprints and findings in
    one transaction (all or nothing; the same files again add nothing)."""
    ports = audit_ports(ctx)
    batch = ports.reader.read(paths, progress)
    findings = run_audit(batch.data)
    deadlines = {f.id: objection_deadline(f, ctx.kb.deadlines) for f in findings}
    by_kind, total = summarize(findings)
    saved = None
    if save and batch.usable:
        saved = _save(ctx, ports, batch.files, findings, deadlines, shop_name)
    return AuditResult(batch.files, findings, deadlines, by_kind, total, saved)


def _save(
    ctx: ServiceContext,
    ports: AuditPorts,
    files: list[ReportFile],
    findings: list[Finding],
    deadlines: dict[str, date | None],
    shop_name: str | None,
) -> SaveStats:
    now = ctx.clock.now()
    added = updated = unchanged = 0
    with ports.uow() as uow:
        shops: dict[str, int] = {}

        def shop_id(marketplace: str) -> int:
            if marketplace not in shops:
                shops[marketplace] = resolve_shop(ctx, uow, marketplace, shop_name).id
            return shops[marketplace]

        usable = [f for f in files if f.usable]
        known = uow.audits.known_files([f.sha256 for f in usable])
        for file in usable:
            if file.sha256 not in known:
                marketplace = KIND_MARKETPLACE[file.kind] if file.kind else None
                uow.audits.add_file(file, shop_id(marketplace) if marketplace else None, now)
        existing = uow.audits.get_many([f.id for f in findings])
        for finding in findings:
            deadline = deadlines[finding.id]
            old = existing.get(finding.id)
            if old is None:
                uow.audits.add(
                    SavedFinding(finding, shop_id(finding.marketplace), FindingStatus.NEW, now,
                                 now, deadline)
                )  # fmt: skip
                added += 1
            elif old.refresh(finding, now):
                old.deadline = deadline
                uow.audits.save(old)
                updated += 1
            else:
                unchanged += 1
        uow.commit()
    return SaveStats(added, updated, unchanged, len({f.sha256 for f in usable} - known))
