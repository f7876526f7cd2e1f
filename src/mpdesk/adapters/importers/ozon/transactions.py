"""Ozon finance transactions: the JSON answer of ``POST /v3/finance/transaction/list``
(``{"result": {"operations": [...], "page_count", "row_count"}}``), a bare
``{"operations": [...]}``, or a list of such pages saved together."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from mpdesk.adapters.importers.extract import Extract, ReportProblem, Source
from mpdesk.adapters.importers.values import is_sane_number, iso_date
from mpdesk.domain.audit.rows import OzonOperation
from mpdesk.domain.identifiers import IdType, normalize_identifier


def _operations(page: Any) -> list[Any] | None:
    if not isinstance(page, dict):
        return None
    body = page.get("result", page)
    if isinstance(body, dict) and isinstance(body.get("operations"), list):
        ops: list[Any] = body["operations"]
        if all(isinstance(o, dict) and "operation_type" in o for o in ops[:50]):
            return ops
    return None


def operations(data: Any) -> list[Any] | None:
    """All operations of the document, or None when it is not a transaction list."""
    pages = data if isinstance(data, list) else [data]
    found: list[Any] = []
    for page in pages:
        ops = _operations(page)
        if ops is None:
            return None
        found.extend(ops)
    return found if pages else None


def _amount(value: Any, position: int) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else 0))
    except InvalidOperation as exc:
        raise ReportProblem(
            "report_bad_value", row=position, column="amount", value=str(value)
        ) from exc
    if not is_sane_number(amount):
        raise ReportProblem("report_bad_value", row=position, column="amount", value=str(value))
    return amount


def extract(ops: list[Any], source: Source) -> Extract:
    result = Extract(rows=len(ops))
    for position, op in enumerate(ops, start=1):
        items = op.get("items") or []
        sku = str(items[0].get("sku") or "") if items and isinstance(items[0], dict) else ""
        posting = op.get("posting") if isinstance(op.get("posting"), dict) else {}
        result.data.ozon_operations.append(
            OzonOperation(
                ref=source.ref(position),
                operation_id=str(op.get("operation_id") or ""),
                operation_type=str(op.get("operation_type") or ""),
                amount=_amount(op.get("amount"), position),
                operation_date=iso_date(op.get("operation_date")),
                operation_type_name=str(op.get("operation_type_name") or ""),
                sku=normalize_identifier(IdType.SKU, sku) if sku else "",
                posting_number=str(posting.get("posting_number") or ""),
            )
        )
    return result
