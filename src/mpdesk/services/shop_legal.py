"""Use cases of the parties of a pre-trial claim: the seller's legal details of a shop (read,
change with checks of ИНН and ОГРН/ОГРНИП) and the claim's parties block (seller and the
marketplace's legal entity from the knowledge base), with what is still missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from mpdesk.domain.accounts import Principal
from mpdesk.domain.appeal import Warning
from mpdesk.domain.errors import UserInputError
from mpdesk.domain.legal import (
    MAX_LENGTHS,
    SELLER_FIELDS,
    SellerLegal,
    digits,
    inn_problem,
    kinds_disagree,
    ogrn_problem,
)
from mpdesk.domain.shops import Shop
from mpdesk.services import access, formatting, user_input
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.journal import UnitOfWork


@dataclass(frozen=True)
class ShopLegal:
    shop: Shop
    legal: SellerLegal

    @property
    def missing(self) -> list[str]:
        return self.legal.missing()


def field_label(ctx: ServiceContext, name: str) -> str:
    """The Russian name of a field of the seller's details («ИНН», «Адрес»…)."""
    return ctx.message(f"legal_field_{name}")


def get_shop_legal(ctx: ServiceContext, principal: Principal, shop_id: int) -> ShopLegal:
    """The legal details of a shop the principal can see (empty when never entered)."""
    with ctx.reads() as uow:
        shop = access.visible_shop(uow, principal, shop_id)
        return ShopLegal(shop, uow.shops.get_legal(shop.id) or SellerLegal())


def update_shop_legal(
    ctx: ServiceContext, principal: Principal, shop_id: int, changes: Mapping[str, str | None]
) -> ShopLegal:
    """Change the given fields of a shop's legal details (``None`` leaves a field as it is, an
    empty string clears it); a manager of the shop. Each value is checked: ИНН and ОГРН/ОГРНИП
    by their check digits and against each other, the contract date is not in the future."""
    unknown = sorted(set(changes) - set(SELLER_FIELDS))
    if unknown:
        raise UserInputError("legal_field_unknown", field=unknown[0])
    with ctx.uow() as uow:
        shop = access.editable_shop(uow, principal, shop_id)
        legal = uow.shops.get_legal(shop.id) or SellerLegal()
        values: dict[str, Any] = {}
        for name, raw in changes.items():
            if raw is not None:
                values[name] = _read_field(ctx, name, raw)
        legal = replace(legal, **values)
        if kinds_disagree(legal.inn, legal.ogrn):
            raise UserInputError("legal_kinds_disagree", inn=legal.inn, ogrn=legal.ogrn)
        uow.shops.save_legal(shop.id, legal, ctx.clock.now())
        uow.commit()
        return ShopLegal(shop, legal)


def _read_field(ctx: ServiceContext, name: str, raw: str) -> Any:
    text = " ".join(raw.split())
    label = field_label(ctx, name)
    if name == "contract_date":
        value = user_input.parse_date(ctx, text, label)
        if value is not None and value > ctx.clock.today():
            raise UserInputError(
                "legal_date_future",
                field=label,
                value=formatting.day(value),
                today=formatting.day(ctx.clock.today()),
            )
        return value
    if name in ("inn", "ogrn"):
        number = digits(text)
        problem = (inn_problem if name == "inn" else ogrn_problem)(number) if number else None
        if problem is not None:
            raise UserInputError(f"legal_{name}_{problem}", field=label, value=text[:40])
        return number
    if len(text) > MAX_LENGTHS[name]:
        raise UserInputError("legal_too_long", field=label, limit=MAX_LENGTHS[name])
    return text


def legal_public(ctx: ServiceContext, item: ShopLegal) -> dict[str, Any]:
    """The details for ``--json`` and the API: the values, and the codes of what is missing."""
    return {
        "shop_id": item.shop.id,
        "shop": item.shop.name,
        **item.legal.as_dict(),
        "is_entrepreneur": item.legal.is_entrepreneur,
        "missing": item.missing,
    }


def missing_text(ctx: ServiceContext, item: ShopLegal) -> str:
    """«Заполните реквизиты продавца магазина «…»: ИНН, адрес…» or an empty string."""
    if not item.missing:
        return ""
    names = ", ".join(field_label(ctx, f) for f in item.missing)
    return ctx.message("legal_missing", shop=item.shop.name, fields=names)


def claim_parties(ctx: ServiceContext, shop: Shop, legal: SellerLegal) -> dict[str, Any]:
    """The parties block of a pre-trial claim: the seller (the placeholders name what to fill
    in) and the marketplace's legal entity from the knowledge base."""
    entity = ctx.kb.marketplaces[shop.marketplace].legal
    item = ShopLegal(shop, legal)
    return {
        "seller": {
            "name": legal.name,
            "inn": legal.inn,
            "ogrn": legal.ogrn,
            "ogrn_label": ctx.message(
                "legal_label_ogrnip" if legal.is_entrepreneur else "legal_label_ogrn"
            ),
            "address": legal.address,
            "contract_number": legal.contract_number,
            "contract_date": formatting.day(legal.contract_date) if legal.contract_date else "",
            "missing": [field_label(ctx, f) for f in item.missing],
            "missing_text": missing_text(ctx, item),
        },
        "marketplace_entity": {
            "name": entity.name if entity else "",
            "inn": entity.inn if entity else "",
            "ogrn": entity.ogrn if entity else "",
            "address": entity.address if entity else "",
        },
    }


def parties_of(
    ctx: ServiceContext, uow: UnitOfWork, shop: Shop
) -> tuple[dict[str, Any], Warning | None]:
    """The parties block of the shop's claim, read in the caller's unit of work, and the
    warning that names the seller's details still missing (None when complete)."""
    legal = uow.shops.get_legal(shop.id) or SellerLegal()
    parties = claim_parties(ctx, shop, legal)
    missing = parties["seller"]["missing"]
    if not missing:
        return parties, None
    return parties, Warning("legal_missing", {"shop": shop.name, "fields": ", ".join(missing)})
