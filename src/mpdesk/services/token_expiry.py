"""WB token expiry warnings for the reminders: which connected shops' tokens expire within
``WARN_DAYS`` (the JWT ``exp`` read and stored by ``shop connect``), each as a reminder event.

The event key names the shop and the token's fingerprint, so the sent-reminders ledger sends
each warning once per channel, and a replaced token is warned about again when its own time
comes. ``services/reminders.py`` puts the warnings into the digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mpdesk.services import formatting
from mpdesk.services.context import ServiceContext

WARN_DAYS = 14


@dataclass(frozen=True)
class TokenExpiry:
    shop_id: int
    shop: str
    expires_at: datetime
    fingerprint: str

    @property
    def key(self) -> str:
        return f"token_expiry:{self.shop_id}:{self.fingerprint}"


def expiring_tokens(ctx: ServiceContext, now: datetime) -> list[TokenExpiry]:
    """WB tokens of connected shops that expire within ``WARN_DAYS`` (or have expired)."""
    if ctx.marketplaces is None:
        return []
    with ctx.marketplaces.uow() as uow:
        names = {s.id: s.name for s in uow.shops.list()}
        connections = uow.connections.list()
    horizon = now + timedelta(days=WARN_DAYS)
    return [
        TokenExpiry(c.shop_id, names.get(c.shop_id, str(c.shop_id)), c.expires_at, c.fingerprint)
        for c in connections
        if c.marketplace == "wb" and c.expires_at is not None and c.expires_at <= horizon
    ]


def token_line(ctx: ServiceContext, item: TokenExpiry, now: datetime) -> str:
    expires = formatting.day(ctx.clock.local(item.expires_at).date())
    if item.expires_at <= now:
        return ctx.message("remind_line_token_expired", shop=item.shop, expires=expires)
    days = max(0, (item.expires_at - now).days)
    return ctx.message("remind_line_token", shop=item.shop, expires=expires, days=days)
