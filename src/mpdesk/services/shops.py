"""Use cases around shops (a seller account on one marketplace)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mpdesk.domain.accounts import Principal
from mpdesk.domain.errors import (
    ForbiddenError,
    NotFoundError,
    StateConflictError,
    UnknownValueError,
    UserInputError,
)
from mpdesk.domain.shops import Shop
from mpdesk.services.context import ServiceContext
from mpdesk.services.export import journal_document, write_json
from mpdesk.services.ports.journal import TicketFilter, UnitOfWork


def resolve_shop(ctx: ServiceContext, uow: UnitOfWork, marketplace: str, name: str | None) -> Shop:
    """The named shop, or the marketplace's default shop (created on first use)."""
    if name:
        shop = uow.shops.find(name)
        if shop is None:
            raise NotFoundError("shop_not_found", name=name)
        if shop.marketplace != marketplace:
            raise UserInputError(
                "shop_marketplace_mismatch",
                name=name,
                shop_marketplace=shop.marketplace,
                marketplace=marketplace,
            )
        return shop
    shop = uow.shops.default_for(marketplace)
    if shop is None:
        shop = uow.shops.add(
            default_shop_name(ctx, marketplace), marketplace, True, ctx.clock.now()
        )
    return shop


def default_shop_name(ctx: ServiceContext, marketplace: str) -> str:
    """The name of the marketplace's default shop when mpdesk creates it."""
    return ctx.message("shop_default_name", label=ctx.kb.marketplaces[marketplace].name_ru)


def add_shop(ctx: ServiceContext, name: str, marketplace: str) -> Shop:
    if marketplace not in ctx.kb.marketplaces:
        raise UnknownValueError("marketplace", marketplace, sorted(ctx.kb.marketplaces))
    name = name.strip()
    if not name:
        raise UserInputError("shop_name_required")
    with ctx.uow() as uow:
        if uow.shops.find(name) is not None:
            raise StateConflictError("shop_exists", name=name)
        is_default = uow.shops.default_for(marketplace) is None
        shop = uow.shops.add(name, marketplace, is_default, ctx.clock.now())
        uow.commit()
        return shop


def list_shops(ctx: ServiceContext) -> list[Shop]:
    with ctx.uow() as uow:
        return uow.shops.list()


@dataclass(frozen=True)
class ShopDeletion:
    shop: Shop
    tickets: int  # tickets deleted (all of them are in the final export)
    export: Path


def find_shop(ctx: ServiceContext, principal: Principal, ref: str) -> Shop:
    """A shop the principal can see, by its number or its name."""
    ref = ref.strip()
    with ctx.reads() as uow:
        shop = uow.shops.get(int(ref)) if ref.isdigit() else uow.shops.find(ref)
        if shop is None or not principal.can_view(shop.id):
            raise NotFoundError("shop_not_found", name=ref)
        return shop


def delete_shop(
    ctx: ServiceContext, principal: Principal, shop_id: int, confirm: str, export_to: Path
) -> ShopDeletion:
    """Disconnect a shop and delete its data: administrators only, the shop's exact name as
    confirmation, and the final JSON export written before anything is deleted.

    One transaction: the shop's row is locked first (no new ticket of the shop can be added
    meanwhile), the export is read and written, then every row of the shop goes. The
    evidence files its tickets referenced are removed later by ``mpdesk evidence sweep``
    like any unreferenced file."""
    if not principal.is_admin:
        raise ForbiddenError("forbidden")
    if export_to.exists():
        raise UserInputError("shop_export_exists", path=str(export_to))
    with ctx.uow() as uow:
        shop = uow.shops.lock(shop_id)
        if shop is None:
            raise NotFoundError("shop_not_found", name=str(shop_id))
        if confirm.strip() != shop.name:
            raise UserInputError("shop_delete_confirm", shop=shop.name)
        doc = journal_document(ctx, uow, TicketFilter(shop_id=shop.id))
        write_json(ctx, export_to, doc)
        removed = uow.shops.delete(shop.id)
        uow.commit()
    return ShopDeletion(shop, removed, export_to)
