"""Use cases of a shop's connection to its marketplace's seller API: connect (check first,
store encrypted only what passed), disconnect, and the status of every shop the principal sees.

The credentials come in as a value object and leave only sealed (``CredentialSealer``); no
result of these use cases carries them. A WB token is read locally first (is it a WB token at
all, has it expired), then every API category mpdesk uses is asked by its ``/ping``; an Ozon
pair is checked by one page of the last day's transactions.
"""

from __future__ import annotations

import re
from contextlib import closing
from dataclasses import dataclass

from mpdesk.domain.accounts import Principal
from mpdesk.domain.api_errors import (
    ApiForbiddenError,
    ApiPaymentRequiredError,
    CredentialsError,
)
from mpdesk.domain.connections import Access, ShopConnection, SyncRun
from mpdesk.domain.credentials import Credentials, OzonCredentials, WbCredentials, read_wb_token
from mpdesk.domain.errors import ForbiddenError, NotFoundError, UnknownValueError, UserInputError
from mpdesk.domain.shops import Shop
from mpdesk.services import access
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.marketplaces import MarketplacePorts, SyncUnitOfWork

#: the WB API categories a sync uses, each checked by its own ``/ping``
WB_CATEGORIES = ("statistics", "finance", "supplies")
_OZON_KEY = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def marketplace_ports(ctx: ServiceContext) -> MarketplacePorts:
    if ctx.marketplaces is None:
        raise RuntimeError("marketplace APIs are not wired in this context")
    return ctx.marketplaces


@dataclass(frozen=True)
class ShopStatus:
    """A shop with its API connection and its last sync, as pages and commands show them."""

    shop: Shop
    connection: ShopConnection | None
    last_sync: SyncRun | None


def _looks_like_jwt(value: str) -> bool:
    return value.count(".") == 2 and value.startswith("eyJ")


def _read_wb(ctx: ServiceContext, credentials: WbCredentials) -> ShopConnection:
    """What the token says about itself; refused before any request when it is an Ozon key,
    not a token at all, or expired."""
    if _OZON_KEY.match(credentials.token):
        raise UserInputError("connect_ozon_key_for_wb")
    info = read_wb_token(credentials.token)
    now = ctx.clock.now()
    if info.is_expired(now):
        assert info.expires_at is not None
        raise UserInputError("connect_wb_token_expired", expired=info.expires_at.date().isoformat())
    return ShopConnection(
        0, "wb", credentials.fingerprint, now, info.expires_at, info.category_bits
    )


def _check(ctx: ServiceContext, credentials: Credentials) -> ShopConnection:
    """Ask the marketplace; a refused key raises the API's error and nothing is stored."""
    apis = marketplace_ports(ctx).apis
    if isinstance(credentials, OzonCredentials):
        if _looks_like_jwt(credentials.api_key):
            raise UserInputError("connect_wb_token_for_ozon")
        with closing(apis.ozon(credentials)) as ozon:
            ozon.check(ctx.clock.now())
        return ShopConnection(
            0, "ozon", credentials.fingerprint, ctx.clock.now(), access={"seller": Access.OK}
        )
    found = _read_wb(ctx, credentials)
    answers: dict[str, Access] = {}
    with closing(apis.wb(credentials)) as wb:
        for category in WB_CATEGORIES:
            try:
                wb.ping(category)
                answers[category] = Access.OK
            except ApiForbiddenError:
                answers[category] = Access.FORBIDDEN
            except ApiPaymentRequiredError:
                answers[category] = Access.PAYMENT_REQUIRED
    if Access.OK not in answers.values():
        raise UserInputError("connect_no_category")
    return ShopConnection(
        0, "wb", found.fingerprint, found.connected_at, found.expires_at,
        found.category_bits, answers,
    )  # fmt: skip


def _target(uow: SyncUnitOfWork, principal: Principal, ref: str, marketplace: str) -> Shop | None:
    """The shop to connect (None: a new one under that name, administrators only)."""
    shop = uow.shops.get(int(ref)) if ref.isascii() and ref.isdigit() else None
    shop = shop or uow.shops.find(ref.strip())
    if shop is None:
        if not principal.is_admin:
            raise NotFoundError("shop_not_found", name=ref)
        return None
    shop = access.editable_shop(uow, principal, shop.id)
    if shop.marketplace != marketplace:
        raise UserInputError(
            "connect_marketplace_mismatch", shop=shop.name, shop_marketplace=shop.marketplace
        )
    return shop


def connect_shop(
    ctx: ServiceContext, principal: Principal, shop_ref: str, credentials: Credentials
) -> ShopStatus:
    """Check the credentials with the marketplace and store them encrypted for the shop
    (``shop_ref``: number or name; a name not found becomes a new shop, administrators only).
    A failed check raises and stores nothing; connecting again replaces the credentials."""
    marketplace = credentials.marketplace
    if marketplace not in ctx.kb.marketplaces:
        raise UnknownValueError("marketplace", marketplace, sorted(ctx.kb.marketplaces))
    ports = marketplace_ports(ctx)
    if not shop_ref.strip():
        raise UserInputError("shop_name_required")
    with ports.uow() as uow:
        _target(uow, principal, shop_ref, marketplace)  # refuse before asking the marketplace
    checked = _check(ctx, credentials)
    sealed = ports.sealer.encrypt(credentials)
    with ports.uow() as uow:
        shop = _target(uow, principal, shop_ref, marketplace)
        if shop is None:
            is_default = uow.shops.default_for(marketplace) is None
            shop = uow.shops.add(shop_ref.strip(), marketplace, is_default, ctx.clock.now())
        connection = ShopConnection(
            shop.id, marketplace, checked.fingerprint, checked.connected_at,
            checked.expires_at, checked.category_bits, checked.access,
        )  # fmt: skip
        uow.connections.put(connection, sealed)
        last = uow.sync.last_runs([shop.id]).get(shop.id)
        uow.commit()
    return ShopStatus(shop, connection, last)


def disconnect_shop(ctx: ServiceContext, principal: Principal, shop_id: int) -> Shop:
    """Forget the shop's credentials (its pulled files, findings and cursors stay)."""
    with marketplace_ports(ctx).uow() as uow:
        shop = access.editable_shop(uow, principal, shop_id)
        if not uow.connections.remove(shop.id):
            raise UserInputError("shop_not_connected", shop=shop.name)
        uow.commit()
    return shop


def rekey_connections(ctx: ServiceContext, principal: Principal) -> int:
    """Re-encrypt every shop's stored credentials under the current key (after
    ``MPDESK_SECRET_KEY`` changed, with the old one in ``MPDESK_PREVIOUS_SECRET_KEYS``);
    administrators only, one transaction: all or nothing."""
    if not principal.is_admin:
        raise ForbiddenError("forbidden")
    ports = marketplace_ports(ctx)
    with ports.uow() as uow:
        connections = uow.connections.list()
        for connection in connections:
            sealed = uow.connections.sealed(connection.shop_id)
            assert sealed is not None
            uow.connections.put(connection, ports.sealer.rotate(sealed))
        uow.commit()
    return len(connections)


def shop_statuses(ctx: ServiceContext, principal: Principal) -> list[ShopStatus]:
    """Every shop the principal sees, with its connection and last sync."""
    with marketplace_ports(ctx).uow() as uow:
        shops = access.visible_shops(uow, principal)
        connections = {c.shop_id: c for c in uow.connections.list()}
        runs = uow.sync.last_runs([s.id for s in shops])
    return [ShopStatus(s, connections.get(s.id), runs.get(s.id)) for s in shops]


def expiring_connections(ctx: ServiceContext, within_days: int = 14) -> list[ShopStatus]:
    """Connected shops whose WB token expires within ``within_days`` (or has expired), soonest
    first: what a reminder job warns about."""
    now = ctx.clock.now()
    with marketplace_ports(ctx).uow() as uow:
        shops = {s.id: s for s in uow.shops.list()}
        soon = [
            (c.expires_at, c)
            for c in uow.connections.list()
            if c.shop_id in shops
            and c.expires_at is not None
            and (c.expires_at - now).days <= within_days
        ]
    soon.sort(key=lambda pair: pair[0])
    return [ShopStatus(shops[c.shop_id], c, None) for _, c in soon]


def shop_status(ctx: ServiceContext, principal: Principal, shop_id: int) -> ShopStatus:
    with marketplace_ports(ctx).uow() as uow:
        shop = access.visible_shop(uow, principal, shop_id)
        connection = uow.connections.get(shop.id)
        run = uow.sync.last_runs([shop.id]).get(shop.id)
    return ShopStatus(shop, connection, run)


def shop_credentials(ctx: ServiceContext, uow: SyncUnitOfWork, shop: Shop) -> Credentials:
    """The shop's stored credentials, decrypted (for a sync; never shown)."""
    sealed = uow.connections.sealed(shop.id)
    if sealed is None:
        raise UserInputError("shop_not_connected", shop=shop.name)
    credentials = marketplace_ports(ctx).sealer.decrypt(sealed)
    if credentials.marketplace != shop.marketplace:
        raise CredentialsError(shop.marketplace, "stored", "marketplace_mismatch")
    return credentials


def prefill_credentials(
    ctx: ServiceContext,
    principal: Principal,
    marketplace: str,
    shop_name: str | None,
    shop_id: int | None,
) -> Credentials | None:
    """The credentials an appeal's prefill may use: of the shop ``shop_id``, else ``shop_name``,
    else the marketplace's default shop — None when there is no such shop of that marketplace,
    the principal cannot see it, it is not connected, or there are no marketplace ports."""
    ports = ctx.marketplaces
    if ports is None:
        return None
    with ports.uow() as uow:
        if shop_id is not None:
            shop = uow.shops.get(shop_id)
        else:
            shop = uow.shops.find(shop_name) if shop_name else uow.shops.default_for(marketplace)
        if shop is None or shop.marketplace != marketplace or not principal.can_view(shop.id):
            return None
        if uow.connections.get(shop.id) is None:
            return None
        return shop_credentials(ctx, uow, shop)
