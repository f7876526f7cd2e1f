from datetime import date
from decimal import Decimal

from mpdesk.domain.audit.ozon import find_ozon_writeoffs
from mpdesk.domain.audit.rows import OzonOperation, RowRef


def op(op_id: str, op_type: str, amount: str, row: int = 1) -> OzonOperation:
    return OzonOperation(
        RowRef("ops.json", "o" * 64, row),
        op_id,
        op_type,
        Decimal(amount),
        date(2026, 11, 14),
        sku="1100526203",
        posting_number="57195475-0050-3",
    )


def test_lack_and_defective_writeoffs_are_findings_once_each() -> None:
    findings = find_ozon_writeoffs(
        [
            op("1", "OperationLackWriteOff", "1450"),
            op("2", "OperationDefectiveWriteOff", "320.5"),
            op("3", "OperationAgentDeliveredToCustomer", "812"),
            op("1", "OperationLackWriteOff", "1450", row=5),  # the same operation on two pages
        ]
    )
    assert [(f.keys["operation_id"], f.amount) for f in findings] == [
        ("1", Decimal("1450.00")),
        ("2", Decimal("320.50")),
    ]
    assert findings[0].marketplace == "ozon" and findings[0].category == "finance"
    assert findings[0].details["operation_type"] == "OperationLackWriteOff"
    assert findings[0].event_date == date(2026, 11, 14)
