"""Use case: fill an Ozon appeal's list of the posting's items from the Seller API, when the
shop is connected.

``posting_items_context`` is asked while an appeal is drafted. It answers ``None`` when there is
nothing to fetch — not an Ozon appeal, no posting number (``12345678-0001-1``: order number,
then the posting's suffix), the shop not connected — so offline and unconnected drafting works
as before. Each posting is asked as FBS, then as FBO (``OzonApi.posting``); its
``result.products`` (``offer_id``, ``sku``, ``name``, ``quantity``, ``price``, pinned
``ozon-2025-08/swagger.json``) become the rows. A refused or failed request, or a posting Ozon
does not know, is reported as a note and the appeal is drafted without the items.
"""

from __future__ import annotations

import re
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from mpdesk.domain.accounts import Principal
from mpdesk.domain.api_errors import MarketplaceApiError
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.credentials import OzonCredentials
from mpdesk.domain.identifiers import IdType
from mpdesk.services.connections import prefill_credentials
from mpdesk.services.context import ServiceContext

#: a posting number: the order number and the posting's own suffix
POSTING_NUMBER = re.compile(r"^\d+-\d+-\d+$")


@dataclass
class PostingPrefill:
    rows: list[dict[str, Any]] = field(default_factory=list)
    problem: str = ""  # the Russian reason when the items could not be had

    def context(self) -> dict[str, Any]:
        return {"posting_items": self.rows} if self.rows else {}


def posting_items_context(
    ctx: ServiceContext,
    principal: Principal,
    draft: AppealDraft,
    shop_name: str | None,
    shop_id: int | None = None,
) -> PostingPrefill | None:
    """The items of the draft's Ozon postings for the appeal template, or None when the API is
    not to be asked. The shop is ``shop_id``, else ``shop_name``, else the Ozon default shop."""
    numbers = [
        i.value
        for i in draft.identifiers
        if i.type is IdType.ORDER_ID and POSTING_NUMBER.match(i.value)
    ]
    ports = ctx.marketplaces
    if draft.marketplace != "ozon" or not numbers or not ports:
        return None
    credentials = prefill_credentials(ctx, principal, "ozon", shop_name, shop_id)
    if credentials is None:
        return None
    assert isinstance(credentials, OzonCredentials)
    found = PostingPrefill()
    missing: list[str] = []
    try:
        with closing(ports.apis.ozon(credentials)) as ozon:
            for number in numbers:
                page = ozon.posting(number)
                if page is None:
                    missing.append(number)
                    continue
                result = page.data.get("result") if isinstance(page.data, dict) else None
                products = result.get("products") if isinstance(result, dict) else None
                for product in products if isinstance(products, list) else []:
                    found.rows.append(_row(number, product))
    except MarketplaceApiError as exc:
        found.problem = ctx.message(exc.code, **exc.fields)
        found.rows = []
        return found
    if missing:
        found.problem = ctx.message("posting_not_found", numbers=", ".join(missing))
    return found


def _price(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):.2f}" if value not in (None, "") else ""
    except InvalidOperation:
        return ""


def _row(number: str, product: Any) -> dict[str, Any]:
    product = product if isinstance(product, dict) else {}
    quantity = product.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        quantity = None
    sku = product.get("sku")
    return {
        "posting_number": number,
        "offer_id": str(product.get("offer_id") or ""),
        "sku": str(sku) if isinstance(sku, int | str) and not isinstance(sku, bool) else "",
        "name": str(product.get("name") or ""),
        "quantity": quantity,
        "price": _price(product.get("price")),
        "currency": str(product.get("currency_code") or ""),
    }
