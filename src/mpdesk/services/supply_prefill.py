"""Use case: fill an acceptance appeal's table of declared and accepted quantities from the WB
supplies API, when the shop is connected.

``supply_goods_context`` is asked while an appeal is drafted. It answers ``None`` when there is
nothing to fetch — not a WB acceptance appeal, no supply number, the shop not connected — so
offline and unconnected drafting works as before; a refused or failed request is reported as
a note and the appeal is drafted without the table.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from mpdesk.domain.accounts import Principal
from mpdesk.domain.api_errors import MarketplaceApiError
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.credentials import WbCredentials
from mpdesk.domain.identifiers import IdType
from mpdesk.services.connections import prefill_credentials
from mpdesk.services.context import ServiceContext


@dataclass
class SupplyPrefill:
    rows: list[dict[str, Any]] = field(default_factory=list)
    problem: str = ""  # the Russian reason when the API could not be asked

    def context(self) -> dict[str, Any]:
        return {"supply_goods": self.rows} if self.rows else {}


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def supply_goods_context(
    ctx: ServiceContext,
    principal: Principal,
    draft: AppealDraft,
    shop_name: str | None,
    shop_id: int | None = None,
) -> SupplyPrefill | None:
    """The goods of the draft's WB supplies (declared, accepted, difference per barcode) for
    the appeal template, or None when the API is not to be asked. The shop is ``shop_id``,
    else ``shop_name``, else the WB default shop."""
    supplies = [i.value for i in draft.identifiers if i.type is IdType.SUPPLY_ID]
    ports = ctx.marketplaces
    if draft.marketplace != "wb" or draft.category != "acceptance" or not supplies or not ports:
        return None
    credentials = prefill_credentials(ctx, principal, "wb", shop_name, shop_id)
    if credentials is None:
        return None
    assert isinstance(credentials, WbCredentials)
    found = SupplyPrefill()
    try:
        with closing(ports.apis.wb(credentials)) as wb:
            for supply in supplies:
                if not supply.isdigit():
                    continue  # a WB_GI_… number: the supplies API knows numeric ids only
                for page in wb.supply_goods(int(supply)):
                    for good in page.data if isinstance(page.data, list) else []:
                        found.rows.append(_row(supply, good))
    except MarketplaceApiError as exc:
        found.problem = ctx.message(exc.code, **exc.fields)
        found.rows = []
    return found


def _row(supply: str, good: Any) -> dict[str, Any]:
    good = good if isinstance(good, dict) else {}
    declared, accepted = _number(good.get("quantity")), _number(good.get("acceptedQuantity"))
    diff = declared - accepted if declared is not None and accepted is not None else None
    return {
        "supply_id": supply,
        "barcode": str(good.get("barcode") or "—"),
        "vendor_code": str(good.get("vendorCode") or ""),
        "declared": declared,
        "accepted": accepted,
        "diff": diff,
    }
