"""WB supplies API, goods of one supply (``GET /api/v1/supplies/{ID}/goods``), saved wrapped as
``{"supplyID": N, "goods": [...]}`` — or a list of such objects, or the bare array the API
returns (``bare_goods``; it has no supply number, which then comes from the person: ``--supply``
on the CLI, a field on the web). Each good has the declared ``quantity`` and
``acceptedQuantity`` (null until accepted), schema ``models.GoodInSupply`` of
``07-orders-fbw.yaml`` (WB API 2026-08). Optional wrapper keys from the supply details
(``GET /api/v1/supplies/{ID}``): ``statusID`` (5 = «Принято») and ``factDate``."""

from __future__ import annotations

from typing import Any

from mpdesk.adapters.importers.extract import Extract, ReportProblem, Source
from mpdesk.adapters.importers.values import is_sane_number, iso_date
from mpdesk.domain.audit.rows import SupplyGoodsRow
from mpdesk.domain.identifiers import IdType, normalize_identifier

ACCEPTED_STATUS = 5


def wrappers(data: Any) -> list[dict[str, Any]] | None:
    """The ``{"supplyID", "goods"}`` objects of a document, or None when it is not one."""
    items = data if isinstance(data, list) else [data]
    if items and all(
        isinstance(i, dict)
        and isinstance(i.get("goods"), list)
        and ("supplyID" in i or "supplyId" in i)
        for i in items
    ):
        return items
    return None


#: keys only a good of a supply has (an incomes row has ``incomeId`` instead)
_GOOD_KEYS = frozenset({"acceptedQuantity", "readyForSaleQuantity", "unloadingQuantity",
                        "supplierBoxAmount"})  # fmt: skip


def bare_goods(data: Any) -> list[dict[str, Any]] | None:
    """The goods of the bare API answer (a list of goods without the supply), or None."""
    if not isinstance(data, list) or not data:
        return None
    sample = data[:50]
    if all(
        isinstance(g, dict) and "barcode" in g and "quantity" in g and _GOOD_KEYS & g.keys()
        for g in sample
    ):
        return data
    return None


def wrap(goods: list[dict[str, Any]], supply_id: str | None) -> list[dict[str, Any]]:
    """The bare goods under the supply number the person gave; without one the file cannot
    be used: say exactly what is missing."""
    if not supply_id:
        raise ReportProblem("report_goods_need_supply")
    return [{"supplyID": supply_id, "goods": goods}]


def _int(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ReportProblem("report_bad_value", row=where, column="quantity", value=str(value))
    try:
        number = float(value)
    except ValueError as exc:
        raise ReportProblem(
            "report_bad_value", row=where, column="quantity", value=str(value)
        ) from exc
    if not is_sane_number(number):
        raise ReportProblem("report_bad_value", row=where, column="quantity", value=str(value))
    return int(number)


def extract(items: list[dict[str, Any]], source: Source) -> Extract:
    result = Extract(rows=0)
    position = 0
    for item in items:
        raw_supply = item.get("supplyID") or item.get("supplyId") or ""
        supply = normalize_identifier(IdType.SUPPLY_ID, str(raw_supply))
        status = item.get("statusID")
        # the supply details have no acceptance date: the actual shipment date starts the
        # objection clock no later than the acceptance does
        accepted_on = iso_date(item.get("factDate"))
        for good in item["goods"]:
            position += 1
            if not isinstance(good, dict) or not good.get("barcode"):
                continue
            quantity = _int(good.get("quantity"), str(position))
            result.data.supply_goods.append(
                SupplyGoodsRow(
                    ref=source.ref(position),
                    supply_id=supply,
                    barcode=normalize_identifier(IdType.BARCODE, str(good["barcode"])),
                    quantity=quantity or 0,
                    accepted=_int(good.get("acceptedQuantity"), str(position)),
                    supply_accepted=status is None or status == ACCEPTED_STATUS,
                    accepted_on=accepted_on,
                    vendor_code=str(good.get("vendorCode") or ""),
                )
            )
    result.rows = position
    return result
