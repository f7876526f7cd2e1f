"""Saved findings and audited-file fingerprints (``AuditRepository``), and the unit of work that
adds them to the journal's (``SqlAuditUnitOfWork``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from sqlalchemy import BigInteger, Connection, case, func, insert, select, type_coerce, update
from sqlalchemy.sql.elements import ColumnElement

from mpdesk.adapters.db.tables_audit import audit_files, findings
from mpdesk.adapters.db.uow import SqlUnitOfWork
from mpdesk.domain.audit.findings import (
    Evidence,
    Finding,
    FindingKind,
    FindingStatus,
    SavedFinding,
)
from mpdesk.domain.audit.report import ReportFile
from mpdesk.domain.audit.rows import RowRef
from mpdesk.domain.audit.totals import FindingTotal
from mpdesk.services.ports.audit import FindingFilter

_CHUNK = 500  # ids per IN (…) list


def _evidence_json(evidence: Sequence[Evidence]) -> list[dict[str, Any]]:
    return [
        {"file": e.ref.file, "sha256": e.ref.sha256, "row": e.ref.row, "role": e.role,
         "values": e.values}
        for e in evidence
    ]  # fmt: skip


def _details_json(details: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal | date) else v for k, v in details.items()}


def _values(saved: SavedFinding) -> dict[str, Any]:
    f = saved.finding
    return {
        "kind": f.kind.value,
        "marketplace": f.marketplace,
        "category": f.category,
        "shop_id": saved.shop_id,
        "status": saved.status.value,
        "amount": None if f.amount is None else str(f.amount),
        "currency": f.currency,
        "amount_recovered": (
            None if saved.amount_recovered is None else str(saved.amount_recovered)
        ),
        "finding_keys": dict(f.keys),
        "details": _details_json(f.details),
        "evidence": _evidence_json(f.evidence),
        "group_key": f.group,
        "event_date": f.event_date,
        "deadline": saved.deadline,
        "ticket_id": saved.ticket_id,
        "comment": saved.comment,
        "created_at": saved.created_at,
        "updated_at": saved.updated_at,
    }


def _from_row(row: Any) -> SavedFinding:
    m = row._mapping
    finding = Finding(
        id=m["id"],
        kind=FindingKind(m["kind"]),
        marketplace=m["marketplace"],
        amount=None if m["amount"] is None else Decimal(m["amount"]),
        keys=dict(m["finding_keys"]),
        details=dict(m["details"]),
        evidence=tuple(
            Evidence(RowRef(e["file"], e["sha256"], int(e["row"])), dict(e["values"]), e["role"])
            for e in m["evidence"]
        ),
        event_date=m["event_date"],
        group=m["group_key"],
        currency=m["currency"],
    )
    return SavedFinding(
        finding=finding,
        shop_id=m["shop_id"],
        status=FindingStatus(m["status"]),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        deadline=m["deadline"],
        ticket_id=m["ticket_id"],
        amount_recovered=(
            None if m["amount_recovered"] is None else Decimal(m["amount_recovered"])
        ),
        comment=m["comment"],
    )


def _roubles(kopecks: Any) -> Decimal:
    return (Decimal(int(kopecks)) / 100).quantize(Decimal("0.01"))


class SqlAuditRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def known_files(self, shop_id: int, sha256s: Sequence[str]) -> set[str]:
        known: set[str] = set()
        c = audit_files.c
        for start in range(0, len(sha256s), _CHUNK):
            chunk = list(sha256s[start : start + _CHUNK])
            rows = self.conn.execute(
                select(c.sha256).where(c.shop_id == shop_id, c.sha256.in_(chunk))
            )
            known.update(r[0] for r in rows)
        return known

    def add_file(self, file: ReportFile, shop_id: int | None, now: datetime) -> None:
        self.conn.execute(
            insert(audit_files).values(
                sha256=file.sha256, name=file.name[:255], size=file.size, format=file.format,
                kind=file.kind.value if file.kind else None, rows=file.rows, shop_id=shop_id,
                audited_at=now,
            )
        )  # fmt: skip

    def get_many(self, ids: Sequence[str]) -> dict[str, SavedFinding]:
        return {s.id: s for s in self.list(FindingFilter(ids=list(ids)))}

    def add(self, saved: SavedFinding) -> None:
        self.conn.execute(insert(findings).values(id=saved.id, **_values(saved)))

    def save(self, saved: SavedFinding) -> None:
        self.conn.execute(
            update(findings).where(findings.c.id == saved.id).values(**_values(saved))
        )

    @staticmethod
    def _conditions(flt: FindingFilter) -> list[ColumnElement[bool]]:
        c = findings.c
        conds: list[ColumnElement[bool]] = []
        if flt.kinds:
            conds.append(c.kind.in_(flt.kinds))
        if flt.statuses:
            conds.append(c.status.in_([s.value for s in flt.statuses]))
        if flt.shop_id is not None:
            conds.append(c.shop_id == flt.shop_id)
        if flt.shop_ids is not None:
            conds.append(c.shop_id.in_(flt.shop_ids))
        if flt.ticket_ids is not None:
            conds.append(c.ticket_id.in_(flt.ticket_ids))
        return conds

    def list(self, flt: FindingFilter) -> list[SavedFinding]:
        c = findings.c
        conds = self._conditions(flt)
        query = select(findings).where(*conds).order_by(c.kind, c.amount.desc(), c.id)
        if flt.ids is None:
            if flt.limit:
                query = query.limit(flt.limit).offset(flt.offset)
            return [_from_row(r) for r in self.conn.execute(query)]
        result: list[SavedFinding] = []
        for start in range(0, len(flt.ids), _CHUNK):
            chunk = flt.ids[start : start + _CHUNK]
            result.extend(_from_row(r) for r in self.conn.execute(query.where(c.id.in_(chunk))))
        return result

    def totals(self, flt: FindingFilter) -> Sequence[FindingTotal]:
        c = findings.c
        rub = c.currency == "RUB"  # money totals in roubles: currencies are never added
        kopecks = (
            func.coalesce(func.sum(case((rub, type_coerce(col, BigInteger)))), 0)
            for col in (c.amount, c.amount_recovered)
        )
        conds = self._conditions(flt)
        if flt.ids is not None:
            conds.append(c.id.in_(flt.ids[:_CHUNK]))
        query = (
            select(c.kind, func.count(), *kopecks).where(*conds).group_by(c.kind).order_by(c.kind)
        )
        return [
            FindingTotal(kind, int(count), _roubles(amount), _roubles(back))
            for kind, count, amount, back in self.conn.execute(query)
        ]


class SqlAuditUnitOfWork(SqlUnitOfWork):
    """The journal's unit of work with ``audits`` on the same connection and transaction."""

    audits: SqlAuditRepository

    def __enter__(self) -> Self:
        super().__enter__()
        assert self.conn is not None
        self.audits = SqlAuditRepository(self.conn)
        return self
