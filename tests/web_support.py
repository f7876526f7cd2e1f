"""Helpers for the web tests: an ASGI test client (``tests/asgi_client.py``), a seeded
journal with two shops and users of each role, and form helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from mpdesk.adapters.passwords import Argon2PasswordHasher
from mpdesk.bootstrap import App, web_context
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.accounts import Role
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.entrypoints.web.app import create_app
from mpdesk.services import accounts, deadlines, journal, ticket_actions
from mpdesk.services.accounts import WebContext
from mpdesk.services.context import ServiceContext
from mpdesk.services.shops import add_shop
from tests.asgi_client import AsgiClient

PASSWORD = "correct-horse-42"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class World:
    api: FastAPI
    wctx: WebContext
    shop_a: int
    shop_b: int
    ticket_a: int  # in shop A (wb)
    ticket_b: int  # in shop B (ozon)
    admin_token: str
    viewer_token: str  # viewer of shop A only
    manager_token: str  # manager of shop B only

    def client(self) -> AsgiClient:
        return AsgiClient(self.api)

    def api_client(self, token: str) -> AsgiClient:
        client = self.client()
        client.headers["Authorization"] = f"Bearer {token}"
        return client


def fast_web_context(app: App) -> WebContext:
    """The real web context with argon2id at tiny cost (the default cost takes ~0.2 s here)."""
    wctx = web_context(app)
    wctx.hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024)
    return wctx


def build_world(app: App) -> World:
    wctx = fast_web_context(app)
    ctx = app.ctx
    shop_a = add_shop(ctx, "Магазин А", "wb")
    shop_b = add_shop(ctx, "Магазин Б", "ozon")
    ticket_a = journal.open_ticket(
        ctx,
        OWNER,
        AppealDraft(
            "wb",
            "acceptance",
            "Поставка принята не полностью: по акту приёмки не хватает двадцати пяти штук.",
            [Identifier(IdType.SUPPLY_ID, "24567891")],
        ),
        shop_name=shop_a.name,
    ).ticket
    ticket_b = journal.open_ticket(
        ctx,
        OWNER,
        AppealDraft(
            "ozon",
            "logistics",
            "Отправление потеряно при доставке покупателю, статус не меняется неделю.",
            [Identifier(IdType.ORDER_ID, "48293017-0012-1")],
        ),
        shop_name=shop_b.name,
    ).ticket
    accounts.add_user(wctx, "boss", PASSWORD, is_admin=True)
    accounts.add_user(wctx, "vera", PASSWORD, roles={shop_a.id: Role.VIEWER})
    accounts.add_user(wctx, "max", PASSWORD, roles={shop_b.id: Role.MANAGER})
    assert ticket_a.id is not None and ticket_b.id is not None
    return World(
        api=create_app(app, wctx),
        wctx=wctx,
        shop_a=shop_a.id,
        shop_b=shop_b.id,
        ticket_a=ticket_a.id,
        ticket_b=ticket_b.id,
        admin_token=accounts.create_token(wctx, "boss")[0],
        viewer_token=accounts.create_token(wctx, "vera")[0],
        manager_token=accounts.create_token(wctx, "max")[0],
    )


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: AsgiClient, login: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"login": login, "password": password, "next": "/", "csrf_token": csrf_of(page.text)},
    )


#: a shop's legal details that pass every check (ИНН and ОГРН check digits)
LEGAL = {
    "name": "ООО «Ромашка»",
    "inn": "7712000003",
    "ogrn": "1027700000008",
    "address": "125009, г. Москва, ул. Тверская, д. 1",
    "contract_number": "ОФ-17",
    "contract_date": "01.03.2024",
}


def escalate_to_claim(ctx: ServiceContext, first: int) -> tuple[int, int]:
    """Send appeal ``first`` (as SD-14), a follow-up (SD-15) and the pre-trial claim (SD-16)
    of its case; the follow-up's and the claim's ids."""
    ticket_actions.submit_ticket(ctx, OWNER, first, "SD-14", "wb_service_desk")
    follow = ticket_actions.follow_up(ctx, OWNER, first).ticket.id
    assert follow is not None
    ticket_actions.submit_ticket(ctx, OWNER, follow, "SD-15")
    claim = deadlines.draft_claim(ctx, OWNER, first).ticket.id
    assert claim is not None
    ticket_actions.submit_ticket(ctx, OWNER, claim, "SD-16")
    return follow, claim
