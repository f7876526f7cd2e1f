"""Helpers for the web tests: an ASGI test client (``tests/asgi_client.py``), a seeded
journal with two shops and users of each role, and form helpers."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy import text

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


#: worlds already built on SQLite in this process, by the frozen time of their settings: the
#: journal file right after seeding, and the World's ids and tokens
_SEEDED: dict[datetime, tuple[Path, dict[str, Any]]] = {}
_SEEDED_FOLDER = tempfile.TemporaryDirectory(prefix="mpdesk-worlds-")


def _empty_sqlite_journal(app: App) -> Path | None:
    """The journal file of ``app`` if it is SQLite, has no row yet, its clock is frozen and it
    reads no knowledge files of its own (either could change what the seeding writes)."""
    engine, settings = app.engine, app.settings
    if engine is None or engine.dialect.name != "sqlite" or settings.now is None:
        return None
    if settings.effective_kb_dir.exists():
        return None
    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT name, sql LIKE 'CREATE VIRTUAL%' FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name <> 'alembic_version'"
            )
        ).all()
        virtual = [f"{name}_" for name, is_virtual in found if is_virtual]
        # the full-text index's own tables hold rows even when it indexes none
        tables = [name for name, _ in found if not name.startswith(tuple(virtual))]
        counts = " + ".join(f'(SELECT count(*) FROM "{table}")' for table in tables)
        if conn.execute(text(f"SELECT {counts}")).scalar_one() != 0:
            return None
    return Path(str(engine.url.database))


def build_world(app: App) -> World:
    """Two shops, a ticket in each and three users with tokens. On an empty SQLite journal the
    seeding runs once per process: later worlds start from a copy of the file it left."""
    journal = _empty_sqlite_journal(app)
    seeded = _SEEDED.get(app.settings.now) if app.settings.now is not None else None
    if journal is not None and seeded is not None:
        assert app.engine is not None
        app.engine.dispose()
        for leftover in (f"{journal}-wal", f"{journal}-shm"):  # of the empty journal
            Path(leftover).unlink(missing_ok=True)
        shutil.copy(seeded[0], journal)
        wctx = fast_web_context(app)
        return World(api=create_app(app, wctx), wctx=wctx, **seeded[1])
    world = _seed_world(app)
    if journal is not None and app.settings.now is not None:
        assert app.engine is not None
        app.engine.dispose()  # the last connection closed: its WAL is written into the file
        assert not Path(f"{journal}-wal").exists()
        copy = Path(_SEEDED_FOLDER.name) / f"world-{len(_SEEDED)}.db"
        shutil.copy(journal, copy)
        ids = {k: v for k, v in vars(world).items() if k not in ("api", "wctx")}
        _SEEDED[app.settings.now] = (copy, ids)
    return world


def _seed_world(app: App) -> World:
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
