"""Use case: audit marketplace report files and, on request, save the findings to the journal.

UI-agnostic: the CLI and the web page call ``audit_reports`` and render ``AuditResult`` (see
``services/audit_views.py`` for the plain-dict form of the contract's ``--json`` output).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from mpdesk.domain.audit.findings import (
    Finding,
    FindingKind,
    FindingStatus,
    SavedFinding,
    for_shop,
)
from mpdesk.domain.audit.report import ReportFile, ReportKind
from mpdesk.domain.audit.run import (
    KindTotal,
    by_currency,
    objection_deadline,
    run_audit,
    summarize,
)
from mpdesk.domain.errors import IdentifierFormatError
from mpdesk.domain.identifiers import IdType, identifier_problem, normalize_identifier
from mpdesk.domain.shops import Shop
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.audit import AuditPorts, AuditUnitOfWork, FindingFilter, ReadProgress
from mpdesk.services.shops import default_shop_name, resolve_shop

#: the marketplace a file kind belongs to (the seller's shipment list serves WB acceptance)
KIND_MARKETPLACE = {
    ReportKind.WB_REALIZATION_DETAIL: "wb",
    ReportKind.WB_INCOMES: "wb",
    ReportKind.WB_SUPPLY_GOODS: "wb",
    ReportKind.SHIPMENT_LIST: "wb",
    ReportKind.OZON_TRANSACTIONS: "ozon",
    ReportKind.OZON_COMPENSATION: "ozon",
    ReportKind.OZON_DECOMPENSATION: "ozon",
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
    total: Decimal  # roubles only
    saved: SaveStats | None = None
    by_currency: dict[str, Decimal] = field(default_factory=dict)  # every currency's sum

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
    supply_id: str | None = None,
) -> AuditResult:
    """Read the files, run every rule, and with ``save`` store fingerprints and findings in
    one transaction (all or nothing; the same files again add nothing). ``supply_id`` is the
    supply of the bare goods answer of the supplies API (checked like a typed WB supply
    number).

    Finding ids are the shop's own (``for_shop``): those of ``shop_name``, else of each
    marketplace's default shop. Without ``save`` nothing is written; a default shop that does
    not exist yet gets the name mpdesk would create it under."""
    ports = audit_ports(ctx)
    supply = checked_supply(supply_id)
    batch = ports.reader.read(paths, progress, supply)
    copies: dict[str, str] = {}
    found = run_audit(batch.data, copies)
    _mark_copies(batch.files, copies)
    marketplaces = _marketplaces(batch.files, found)
    calendar = ports.calendar()
    if save and batch.usable:
        with ports.uow() as uow:
            shops = {mp: resolve_shop(ctx, uow, mp, shop_name) for mp in marketplaces}
            findings = _scoped(found, {mp: shop.name for mp, shop in shops.items()})
            deadlines = {f.id: objection_deadline(f, ctx.kb.deadlines, calendar) for f in findings}
            saved = _save(ctx, uow, shops, batch.files, findings, deadlines)
            uow.commit()
    else:
        findings = _scoped(found, _shop_names(ctx, marketplaces, shop_name))
        deadlines = {f.id: objection_deadline(f, ctx.kb.deadlines, calendar) for f in findings}
        saved = None
    by_kind, total = summarize(findings)
    sums = by_currency(findings)
    return AuditResult(batch.files, findings, deadlines, by_kind, total, saved, sums)


def _mark_copies(files: Sequence[ReportFile], copies: dict[str, str]) -> None:
    """Say which file's rows were left out as already present in which other file."""
    names = {f.sha256: f.name for f in files if f.sha256}
    for file in files:
        other = copies.get(file.sha256)
        if other is not None and other in names:
            file.copy_of = names[other]


def checked_supply(raw: str | None) -> str | None:
    """A WB supply number the person typed, normalised; ``IdentifierFormatError`` (field
    ``supply``) when it cannot be one."""
    if raw is None or not raw.strip():
        return None
    expected = identifier_problem("wb", IdType.SUPPLY_ID, raw)
    if expected is not None:
        raise IdentifierFormatError("supply", raw, expected)
    return normalize_identifier(IdType.SUPPLY_ID, raw)


def _marketplaces(files: Sequence[ReportFile], findings: Sequence[Finding]) -> list[str]:
    used = {KIND_MARKETPLACE[f.kind] for f in files if f.usable and f.kind}
    return sorted(used | {f.marketplace for f in findings})


def _scoped(findings: Sequence[Finding], shops: dict[str, str]) -> list[Finding]:
    return [for_shop(f, shops[f.marketplace]) for f in findings]


def _shop_names(
    ctx: ServiceContext, marketplaces: Sequence[str], shop_name: str | None
) -> dict[str, str]:
    """Whose ids an audit that saves nothing shows: the named shop's, else the default shop's
    (read from the journal when there is one)."""
    if shop_name:
        return dict.fromkeys(marketplaces, shop_name)
    names = {mp: default_shop_name(ctx, mp) for mp in marketplaces}
    if ctx.read_uow is not None:
        with ctx.reads() as uow:
            for mp in marketplaces:
                shop = uow.shops.default_for(mp)
                if shop is not None:
                    names[mp] = shop.name
    return names


def _save(
    ctx: ServiceContext,
    uow: AuditUnitOfWork,
    shops: dict[str, Shop],
    files: list[ReportFile],
    findings: list[Finding],
    deadlines: dict[str, date | None],
) -> SaveStats:
    """Fingerprints and findings of one audit, each looked up and written in its own shop."""
    now = ctx.clock.now()
    added = updated = unchanged = new_files = 0
    for marketplace, shop in shops.items():
        mine = [f for f in files if f.usable and f.kind and KIND_MARKETPLACE[f.kind] == marketplace]
        known = uow.audits.known_files(shop.id, [f.sha256 for f in mine])
        for file in mine:
            if file.sha256 not in known:
                uow.audits.add_file(file, shop.id, now)
                known.add(file.sha256)
                new_files += 1
    ids = [f.id for f in findings]
    shop_ids = [shop.id for shop in shops.values()]
    existing = {s.id: s for s in uow.audits.list(FindingFilter(ids=ids, shop_ids=shop_ids))}
    for finding in findings:
        shop_id = shops[finding.marketplace].id
        deadline = deadlines[finding.id]
        old = existing.get(finding.id)
        if old is None:
            uow.audits.add(SavedFinding(finding, shop_id, FindingStatus.NEW, now, now, deadline))
            added += 1
        elif old.refresh(finding, now):
            old.deadline = deadline
            uow.audits.save(old)
            updated += 1
        else:
            unchanged += 1
    return SaveStats(added, updated, unchanged, new_files)
