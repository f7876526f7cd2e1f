"""Ozon's monthly compensation and decompensation reports (Финансы → Документы → Компенсации и
прочие начисления; API ``/v1/finance/compensation`` and ``/v1/finance/decompensation``).

The finance transactions already carry what Ozon *paid*: a write-off's compensation is an
``ozon_writeoff`` finding with that amount. The reports add two sums the transactions never
show, and only those become findings, so no rouble is counted twice:

- ``ozon_compensation_reduced``: a compensation row whose «Уменьшено на сумму» is above zero —
  Ozon states the goods' actual value and pays less. The reduction is the money at stake.
- ``ozon_decompensation``: a decompensation row — Ozon takes back a compensation it paid
  earlier, saying the goods were found and returned to the seller's stock. The seller may
  dispute it (goods unfit for sale, expired or out of season by then); the sum taken back is
  the money at stake.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from mpdesk.domain.audit.findings import Evidence, Finding, FindingKind, make_finding
from mpdesk.domain.audit.rows import CompensationRow


def _finding(kind: FindingKind, row: CompensationRow, amount: Decimal) -> Finding:
    role = "decompensation" if row.decompensation else "compensation"
    return make_finding(
        kind,
        "ozon",
        keys={"report": row.report, "sku": row.sku, "row_id": str(row.ref.row)},
        details={
            "report": row.report,
            "sku": row.sku,
            "vendor_code": row.article,
            "product": row.product,
            "compensation_type": row.compensation_type,
            "quantity": row.quantity,
            "value_total": None if row.value_total is None else f"{row.value_total:.2f}",
            "paid": f"{row.amount:.2f}",
        },
        evidence=[Evidence(row.ref, row.evidence_values(), role)],
        amount=amount,
        event_date=row.report_date,
        group=row.report,
    )


def find_compensation_findings(rows: Iterable[CompensationRow]) -> list[Finding]:
    findings: dict[str, Finding] = {}
    for row in rows:
        if row.decompensation and row.amount:
            finding = _finding(FindingKind.OZON_DECOMPENSATION, row, abs(row.amount))
        elif not row.decompensation and row.reduced > 0:
            finding = _finding(FindingKind.OZON_COMPENSATION_REDUCED, row, row.reduced)
        else:
            continue
        findings.setdefault(finding.id, finding)
    return list(findings.values())
