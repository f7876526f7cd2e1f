"""Use cases around shops (a seller account on one marketplace)."""

from __future__ import annotations

from mpdesk.domain.accounts import Principal
from mpdesk.domain.errors import NotFoundError, UnknownValueError, UserInputError
from mpdesk.domain.shops import Shop
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.journal import UnitOfWork


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
            raise UserInputError("shop_exists", name=name)
        is_default = uow.shops.default_for(marketplace) is None
        shop = uow.shops.add(name, marketplace, is_default, ctx.clock.now())
        uow.commit()
        return shop


def list_shops(ctx: ServiceContext) -> list[Shop]:
    with ctx.uow() as uow:
        return uow.shops.list()


def find_shop(ctx: ServiceContext, principal: Principal, ref: str) -> Shop:
    """A shop the principal can see, by its number or its name."""
    ref = ref.strip()
    with ctx.reads() as uow:
        shop = uow.shops.get(int(ref)) if ref.isdigit() else uow.shops.find(ref)
        if shop is None or not principal.can_view(shop.id):
            raise NotFoundError("shop_not_found", name=ref)
        return shop
