"""What the journal and the API guarantee with several processes: a sign-out, a revoked token
or a changed role is seen by the very next request, whoever made the change; the journal lists
every shop at once; pages read without a transaction."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from tests.conftest import FROZEN_NOW
from tests.web_support import World, fast_web_context, sign_in

from mpdesk.adapters.db import uow
from mpdesk.bootstrap import App, bootstrap
from mpdesk.config import Settings
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.accounts import Role
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.errors import NotFoundError
from mpdesk.services import accounts, journal, ticket_actions
from mpdesk.services.ports.journal import TicketFilter
from mpdesk.services.shops import add_shop


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


def test_a_change_made_by_another_process_is_seen_by_the_next_request(
    app: App, world: World
) -> None:
    client = world.api_client(world.viewer_token)
    assert client.get(f"/api/v1/tickets/{world.ticket_b}").status_code == 404
    process = bootstrap(app.settings)  # another process, e.g. `mpdesk user` from the CLI
    other = fast_web_context(process)
    accounts.grant_role(other, "vera", world.shop_b, Role.VIEWER)
    assert client.get(f"/api/v1/tickets/{world.ticket_b}").status_code == 200
    principal = accounts.token_principal(other, world.viewer_token)
    assert principal is not None
    (token,) = accounts.list_tokens(other, principal)
    accounts.revoke_token(other, principal, token.id)
    assert client.get("/api/v1/tickets").status_code == 401
    assert process.engine is not None
    process.engine.dispose()


def test_journal_lines_show_status_shop_number_and_an_overdue_reply(world: World) -> None:
    ctx = world.wctx.ctx
    submitted = ticket_actions.submit_ticket(ctx, OWNER, world.ticket_a, "SD-7")
    assert submitted.reply_due_at is not None
    client = world.client()
    sign_in(client, "boss")
    page = client.get("/journal").text
    assert f'<a href="/tickets/{world.ticket_a}">{world.ticket_a}</a>' in page
    assert '<span class="status s-submitted">Отправлено, ждём ответа</span>' in page
    assert '<td data-label="Номер МП">SD-7</td>' in page
    assert '<td data-label="Номер МП">—</td>' in page
    assert '<td data-label="Магазин">Магазин А</td>' in page
    due = ctx.clock.local(submitted.reply_due_at).strftime("%d.%m.%Y %H:%M")
    assert f'<td data-label="Ответ до">{due}</td>' in page
    assert "просрочен</span>" not in page

    late = submitted.reply_due_at + timedelta(minutes=1)
    ctx.clock.frozen = late  # type: ignore[attr-defined]
    page = client.get("/journal").text
    assert '<tr class="overdue">' in page
    assert f'{due} <span class="badge bad">просрочен</span>' in page


def test_journal_lines_escape_every_text(world: World) -> None:
    xss = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    add_shop(world.wctx.ctx, "Магазин " + xss, "wb")
    journal.open_ticket(
        world.wctx.ctx, OWNER, AppealDraft("wb", "other", xss), shop_name="Магазин " + xss
    )
    client = world.client()
    sign_in(client, "boss")
    page = client.get("/journal").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_journal_page_reads_page_and_shops_at_once_without_identifiers(world: World) -> None:
    ctx = world.wctx.ctx
    vera = accounts.token_principal(world.wctx, world.viewer_token)  # viewer of shop A
    assert vera is not None
    page, shops = journal.journal_page(ctx, vera, TicketFilter(limit=50, identifiers=False))
    assert [s.id for s in shops] == [world.shop_a]
    assert [t.id for t in page.tickets] == [world.ticket_a]
    assert page.tickets[0].identifiers == []
    with_ids = journal.list_page(ctx, vera, TicketFilter(limit=50))
    assert with_ids.tickets[0].identifiers != []
    with pytest.raises(NotFoundError):
        journal.journal_page(ctx, vera, TicketFilter(shop_id=world.shop_b))


def test_journal_page_sees_a_shop_another_process_added(app: App, world: World) -> None:
    ctx = world.wctx.ctx
    boss = accounts.token_principal(world.wctx, world.admin_token)
    assert boss is not None and boss.is_admin
    flt = TicketFilter(limit=50, identifiers=False)
    _, before = journal.journal_page(ctx, boss, flt)
    other = bootstrap(app.settings)  # e.g. `mpdesk shop add` and `mpdesk new` from the CLI
    shop = add_shop(other.ctx, "Новый магазин", "wb")
    assert shop.id not in {s.id for s in before}
    opened = journal.open_ticket(
        other.ctx, OWNER, AppealDraft("wb", "other", "Вопрос по договору"), shop_name=shop.name
    )
    page, shops = journal.journal_page(ctx, boss, flt)
    assert page.tickets[0].id == opened.ticket.id
    assert shop.id in {s.id for s in shops}
    shop2 = add_shop(other.ctx, "Ещё магазин", "ozon")  # no ticket yet: asked for by its id
    page, shops = journal.journal_page(ctx, boss, TicketFilter(limit=50, shop_id=shop2.id))
    assert page.tickets == [] and shop2.id in {s.id for s in shops}
    assert other.engine is not None
    other.engine.dispose()


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
