"""``ozon_writeoff``: goods Ozon wrote off at its warehouse — lost (``OperationLackWriteOff``)
or damaged (``OperationDefectiveWriteOff``). The amount is the compensation Ozon accrued; the
seller checks it against the real value of the goods (compensation is often partial)."""

from __future__ import annotations

from collections.abc import Iterable

from mpdesk.domain.audit.findings import Evidence, Finding, FindingKind, make_finding
from mpdesk.domain.audit.rows import OzonOperation

WRITEOFF_TYPES = frozenset({"OperationLackWriteOff", "OperationDefectiveWriteOff"})


def find_ozon_writeoffs(operations: Iterable[OzonOperation]) -> list[Finding]:
    findings: dict[str, Finding] = {}
    for op in operations:
        if op.operation_type not in WRITEOFF_TYPES or op.operation_id in findings:
            continue
        findings[op.operation_id] = make_finding(
            FindingKind.OZON_WRITEOFF,
            "ozon",
            keys={"operation_id": op.operation_id},
            details={
                "operation_type": op.operation_type,
                "sku": op.sku,
                "posting_number": op.posting_number,
            },
            evidence=[Evidence(op.ref, op.evidence_values(), "operation")],
            amount=op.amount,
            event_date=op.operation_date,
            group=f"file:{op.ref.sha256[:12]}",
        )
    return list(findings.values())
