"""What the fast paths of the journal and the API must still guarantee: the short-lived cache of
signed-in people forgets at once what this process changed, and within seconds what another
process changed."""

from __future__ import annotations

import asyncio
import gc
import socket
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from tests.conftest import FROZEN_NOW
from tests.web_support import World, fast_web_context, sign_in

from mpdesk.adapters.db import uow
from mpdesk.bootstrap import App, bootstrap
from mpdesk.config import Settings
from mpdesk.domain.accounts import Role
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.errors import NotFoundError
from mpdesk.entrypoints.web import loop as web_loop
from mpdesk.entrypoints.web.loop import ACCEPT_QUICK, ACCEPT_SLOW, WorkerEventLoop
from mpdesk.entrypoints.web.rendering import JournalRow, journal_rows, journal_rows_html
from mpdesk.services import accounts, desk, journal
from mpdesk.services.ports import TicketFilter
from mpdesk.services.recent import RecentCache
from mpdesk.services.shops import add_shop


class Ticking:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_principal_cache_expires_and_skips_when_disabled() -> None:
    clock = Ticking()
    cache = RecentCache(ttl=5, clock=clock)
    cache.put("t:a", "principal")
    assert cache.get("t:a") == "principal"
    clock.now += 4.9
    assert cache.get("t:a") == "principal"
    clock.now += 0.1
    assert cache.get("t:a") is None
    off = RecentCache(ttl=0)
    off.put("t:a", "principal")
    assert off.get("t:a") is None


def test_principal_cache_is_bounded() -> None:
    cache = RecentCache(max_entries=3)
    for i in range(5):
        cache.put(f"k{i}", i)
    assert cache.get("k4") == 4
    assert len(cache._items) <= 3


def test_revoked_token_stops_working_at_once(world: World) -> None:
    client = world.api_client(world.viewer_token)
    assert client.get("/api/v1/tickets").status_code == 200
    principal = accounts.token_principal(world.wctx, world.viewer_token)
    assert principal is not None
    (token,) = accounts.list_tokens(world.wctx, principal)
    accounts.revoke_token(world.wctx, principal, token.id)
    assert client.get("/api/v1/tickets").status_code == 401


def test_sign_out_and_password_change_end_the_cached_session(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    assert client.get("/journal").status_code == 200
    token = client.cookies["mpdesk_session"]
    accounts.sign_out(world.wctx, token)
    assert client.get("/journal").status_code == 303

    sign_in(client, "boss")
    assert client.get("/journal").status_code == 200
    accounts.set_password(world.wctx, "boss", "another-horse-43")
    assert client.get("/journal").status_code == 303


def test_role_change_is_seen_at_once(world: World) -> None:
    client = world.api_client(world.viewer_token)
    assert client.get(f"/api/v1/tickets/{world.ticket_b}").status_code == 404
    accounts.grant_role(world.wctx, "vera", world.shop_b, Role.VIEWER)
    assert client.get(f"/api/v1/tickets/{world.ticket_b}").status_code == 200


def test_another_process_change_is_seen_after_the_cache_lifetime(app: App, world: World) -> None:
    clock = Ticking()
    world.wctx.principals = RecentCache(clock=clock)
    client = world.api_client(world.viewer_token)
    assert client.get("/api/v1/tickets").status_code == 200
    other = fast_web_context(app)  # e.g. `mpdesk token revoke` from the CLI
    principal = accounts.token_principal(other, world.viewer_token)
    assert principal is not None
    (token,) = accounts.list_tokens(other, principal)
    accounts.revoke_token(other, principal, token.id)
    assert client.get("/api/v1/tickets").status_code == 200  # still cached here
    clock.now += world.wctx.principals.ttl
    assert client.get("/api/v1/tickets").status_code == 401


def test_unknown_secrets_are_not_cached(world: World) -> None:
    assert accounts.token_principal(world.wctx, "mpd_unknown") is None
    assert accounts.session_principal(world.wctx, "unknown") is None
    assert world.wctx.principals._items == {}


def test_a_worker_freezes_its_startup_heap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``uvicorn --factory mpdesk.entrypoints.web.asgi:create``: the search dictionaries are
    loaded and the startup objects frozen, out of the collector's full passes."""
    from mpdesk.entrypoints.web import asgi

    monkeypatch.setenv("MPDESK_HOME", str(tmp_path))
    monkeypatch.delenv("MPDESK_DATABASE_URL", raising=False)
    thresholds = gc.get_threshold()
    try:
        api = asgi.create()
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold()[0] == 20_000
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    assert api.openapi()["info"]["title"] == "mpdesk API"


def test_journal_rows_are_ready_to_print(world: World) -> None:
    ctx = world.wctx.ctx
    submitted = journal.submit_ticket(ctx, world.ticket_a, "SD-7")
    assert submitted.reply_due_at is not None
    with ctx.uow() as uow:
        tickets = uow.tickets.list(TicketFilter(order_by="id"))
    late = submitted.reply_due_at + timedelta(minutes=1)
    first, second = journal_rows(ctx, tickets, {world.shop_a: "Магазин А"}, late)
    assert first == JournalRow(
        id=world.ticket_a,
        subject=submitted.subject,
        marketplace=ctx.kb.marketplaces["wb"].name_ru,
        category="Приёмка",
        urgent=submitted.urgent,
        status="submitted",
        status_label="Отправлено, ждём ответа",
        shop="Магазин А",
        external_id="SD-7",
        reply_due=ctx.clock.local(submitted.reply_due_at).strftime("%d.%m.%Y %H:%M"),
        overdue=True,
    )
    assert (second.shop, second.external_id, second.reply_due, second.overdue) == (
        "",
        "",
        "",
        False,
    )
    assert not journal_rows(ctx, tickets[:1], {}, submitted.reply_due_at)[0].overdue

    client = world.client()
    sign_in(client, "boss")
    page = client.get("/journal").text
    assert f'<a href="/tickets/{world.ticket_a}">{world.ticket_a}</a>' in page
    assert '<span class="status s-submitted">Отправлено, ждём ответа</span>' in page
    assert '<td data-label="Номер МП">SD-7</td>' in page
    assert '<td data-label="Номер МП">—</td>' in page


def test_journal_lines_escape_every_text() -> None:
    xss = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    row = JournalRow(
        7, xss, "WB" + xss, xss, True, 's"' + xss, xss, xss, xss, "01.12.2026 10:00", True
    )
    html = journal_rows_html([row, row._replace(id=8, external_id="", urgent=False)])
    assert "<script" not in html and "<img" not in html and 's"' not in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 7 + 6
    first, second = html.splitlines()
    assert first.startswith('<tr class="overdue"><td data-label="№"><a href="/tickets/7">7</a>')
    assert '<span class="badge warn">срочно</span>' in first
    assert (
        '<td data-label="Ответ до">01.12.2026 10:00 <span class="badge bad">просрочен</span>'
        in first
    )
    assert '<td data-label="Номер МП">—</td>' in second and "срочно" not in second


def test_journal_page_reads_page_and_shops_at_once_without_identifiers(world: World) -> None:
    ctx = world.wctx.ctx
    vera = accounts.token_principal(world.wctx, world.viewer_token)  # viewer of shop A
    assert vera is not None
    page, shops = desk.journal_page(ctx, vera, TicketFilter(limit=50, identifiers=False))
    assert [s.id for s in shops] == [world.shop_a]
    assert [t.id for t in page.tickets] == [world.ticket_a]
    assert page.tickets[0].identifiers == []
    with_ids = desk.list_page(ctx, vera, TicketFilter(limit=50))
    assert with_ids.tickets[0].identifiers != []
    with pytest.raises(NotFoundError):
        desk.journal_page(ctx, vera, TicketFilter(shop_id=world.shop_b))


def test_journal_page_sees_a_shop_another_process_added(app: App, world: World) -> None:
    """The shops are kept for a few seconds, but a shop the cache does not know (a ticket of
    it on the page, or asked for by id) is read at once: a new shop is never missing."""
    ctx = world.wctx.ctx
    boss = accounts.token_principal(world.wctx, world.admin_token)
    assert boss is not None and boss.is_admin
    flt = TicketFilter(limit=50, identifiers=False)
    _, before = desk.journal_page(ctx, boss, flt, world.wctx.shops)
    assert world.wctx.shops.get("shops") is not None
    other = bootstrap(app.settings)  # e.g. `mpdesk shop add` and `mpdesk new` from the CLI
    shop = add_shop(other.ctx, "Новый магазин", "wb")
    assert shop.id not in {s.id for s in before}
    opened = journal.open_ticket(
        other.ctx, AppealDraft("wb", "other", "Вопрос по договору"), shop_name=shop.name
    )
    page, shops = desk.journal_page(ctx, boss, flt, world.wctx.shops)
    assert page.tickets[0].id == opened.ticket.id
    assert shop.id in {s.id for s in shops}
    shop2 = add_shop(other.ctx, "Ещё магазин", "ozon")  # no ticket yet: asked for by its id
    page, shops = desk.journal_page(ctx, boss, replace(flt, shop_id=shop2.id), world.wctx.shops)
    assert page.tickets == [] and shop2.id in {s.id for s in shops}
    assert other.engine is not None
    other.engine.dispose()


def test_a_worker_takes_a_few_waiting_connections_per_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Several workers share one listening socket: a worker takes a few waiting connections per
    turn of its loop (more after a pause), leaving the rest to the others (asyncio takes all)."""
    accepted: list[object] = []
    limits: list[object] = []  # how many asyncio may accept in each turn
    base = asyncio.SelectorEventLoop._accept_connection  # type: ignore[attr-defined]

    def spy(self: object, *args: object) -> None:
        limits.append(args[4])  # protocol_factory, sock, sslcontext, server, backlog, ...
        base(self, *args)

    class Count(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted.append(transport)

    monkeypatch.setattr(asyncio.SelectorEventLoop, "_accept_connection", spy)
    monkeypatch.setattr(web_loop, "QUICK_TURN_SECONDS", 60.0)  # every later turn counts as quick
    loop = WorkerEventLoop()
    try:
        server = loop.run_until_complete(loop.create_server(Count, "127.0.0.1", 0, backlog=100))
        port = server.sockets[0].getsockname()[1]
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(12)]
        loop.run_until_complete(asyncio.sleep(0.05))
        assert len(accepted) == 12
        assert limits[0] == ACCEPT_SLOW  # the first turn after a pause
        assert set(limits[1:]) == {ACCEPT_QUICK}  # then quick turns: a few at a time
        for client in clients:
            client.close()
        server.close()
        loop.run_until_complete(server.wait_closed())
    finally:
        loop.close()


def test_a_dropped_idle_connection_is_replaced_before_use(
    pg_url: str, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ping on every checkout any more: one only after the connection sat idle.

    PostgreSQL only (pool pings are for server connections), so it takes ``pg_url``
    directly instead of the SQLite/PostgreSQL ``app`` fixture."""
    app = bootstrap(Settings(home=home, database_url=pg_url, now=FROZEN_NOW))
    assert app.engine is not None
    monkeypatch.setattr(uow, "PING_AFTER_IDLE_SECONDS", 0.0)
    with app.engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    killer = create_engine(app.engine.url)
    with killer.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})").scalar()
    killer.dispose()
    with app.ctx.uow() as work:  # the pooled connection is dead: pinged, discarded, replaced
        assert work.shops.list() == []
    app.engine.dispose()


def test_pages_read_without_a_transaction(app: App) -> None:
    """Journal pages read through ``ctx.reads()``: on PostgreSQL in autocommit (no BEGIN and
    ROLLBACK round trips); it cannot commit, and writes stay with ``ctx.uow()``."""
    assert app.ctx.read_uow is not None
    with app.ctx.reads() as work:
        assert work.shops.list() == []
        conn = work.conn  # type: ignore[attr-defined]
        if conn.dialect.name == "postgresql":
            assert conn.connection.dbapi_connection.autocommit
        with pytest.raises(RuntimeError):
            work.commit()
    add_shop(app.ctx, "Магазин", "wb")
    with app.ctx.reads() as work:
        assert [s.name for s in work.shops.list()] == ["Магазин"]
    with app.ctx.uow() as work:
        conn = work.conn  # type: ignore[attr-defined]
        if conn.dialect.name == "postgresql":
            assert not conn.connection.dbapi_connection.autocommit  # the pool reset it
