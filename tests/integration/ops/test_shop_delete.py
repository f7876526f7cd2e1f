"""A shop disconnected and its data deleted: confirmation, final export first, other shops
untouched (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.cli import run
from tests.conftest import FROZEN_NOW
from tests.integration.test_audit_journal import FILES
from tests.web_support import fast_web_context

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db import tables_audit, tables_web
from mpdesk.bootstrap import App, bootstrap
from mpdesk.config import Settings
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.accounts import Principal, Role
from mpdesk.domain.errors import ForbiddenError, NotFoundError, UserInputError
from mpdesk.services import accounts, journal
from mpdesk.services.audit import audit_reports
from mpdesk.services.export import import_journal
from mpdesk.services.findings import draft_appeals
from mpdesk.services.ports.journal import TicketFilter
from mpdesk.services.shops import delete_shop, list_shops


def _shops(app: App) -> dict[str, int]:
    return {s.marketplace: s.id for s in list_shops(app.ctx)}


def _counts(app: App, shop_id: int) -> dict[str, int]:
    assert app.engine is not None
    ticket_ids = select(t.tickets.c.id).where(t.tickets.c.shop_id == shop_id)
    counted = {
        "tickets": select(func.count()).where(t.tickets.c.shop_id == shop_id),
        "attachments": select(func.count()).where(t.attachments.c.ticket_id.in_(ticket_ids)),
        "events": select(func.count()).where(t.events.c.ticket_id.in_(ticket_ids)),
        "findings": select(func.count()).where(tables_audit.findings.c.shop_id == shop_id),
        "audit_files": select(func.count()).where(tables_audit.audit_files.c.shop_id == shop_id),
        "memberships": select(func.count()).where(tables_web.memberships.c.shop_id == shop_id),
        "shops": select(func.count()).where(t.shops.c.id == shop_id),
    }
    with app.engine.connect() as conn:
        return {name: int(conn.execute(query).scalar_one()) for name, query in counted.items()}


@pytest.fixture
def two_shops(app: App) -> App:
    result = audit_reports(app.ctx, FILES, save=True)
    draft_appeals(app.ctx, OWNER, [f.id for f in result.findings])
    shops = _shops(app)
    wctx = fast_web_context(app)
    accounts.add_user(wctx, "vera", "correct-horse-42", roles={shops["wb"]: Role.MANAGER})
    accounts.add_user(wctx, "oleg", "correct-horse-42", roles={shops["ozon"]: Role.VIEWER})
    return app


def test_delete_exports_first_then_removes_every_row_of_the_shop(
    two_shops: App, tmp_path: Path, home: Path
) -> None:
    app = two_shops
    shops = _shops(app)
    wb_before, ozon_before = _counts(app, shops["wb"]), _counts(app, shops["ozon"])
    assert min(wb_before.values()) >= 1 and min(ozon_before.values()) >= 1
    wb_name = next(s.name for s in list_shops(app.ctx) if s.id == shops["wb"])
    subjects = sorted(
        x.subject for x in journal.list_tickets(app.ctx, OWNER, TicketFilter(shop_id=shops["wb"]))
    )

    done = delete_shop(app.ctx, OWNER, shops["wb"], wb_name, tmp_path / "final.json")

    assert done.tickets == wb_before["tickets"]
    assert _counts(app, shops["wb"]) == dict.fromkeys(wb_before, 0)
    assert _counts(app, shops["ozon"]) == ozon_before
    export = json.loads((tmp_path / "final.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in export["shops"]] == [wb_name]
    assert sorted(x["subject"] for x in export["tickets"]) == subjects
    # the final export is a journal file: it can be imported elsewhere whole
    elsewhere = bootstrap(
        Settings(home=home / "other", database_url=f"sqlite:///{tmp_path / 'o.db'}", now=FROZEN_NOW)
    )
    assert import_journal(elsewhere.ctx, tmp_path / "final.json")["added"] == len(subjects)
    assert elsewhere.engine is not None
    elsewhere.engine.dispose()


def test_nothing_is_deleted_or_written_without_the_exact_name(two_shops: App, tmp_path: Path):
    shops = _shops(two_shops)
    before = _counts(two_shops, shops["wb"])
    with pytest.raises(UserInputError) as caught:
        delete_shop(two_shops.ctx, OWNER, shops["wb"], "не то название", tmp_path / "x.json")
    assert caught.value.code == "shop_delete_confirm"
    assert not (tmp_path / "x.json").exists()
    assert _counts(two_shops, shops["wb"]) == before


def test_only_an_administrator_deletes_and_an_existing_export_is_never_overwritten(
    two_shops: App, tmp_path: Path
) -> None:
    shops = _shops(two_shops)
    name = next(s.name for s in list_shops(two_shops.ctx) if s.id == shops["wb"])
    shop_owner = Principal(7, "vera", "Вера", is_admin=False, roles={shops["wb"]: Role.OWNER})
    with pytest.raises(ForbiddenError):
        delete_shop(two_shops.ctx, shop_owner, shops["wb"], name, tmp_path / "v.json")
    assert not (tmp_path / "v.json").exists()
    existing = tmp_path / "old.json"
    existing.write_text("the seller's earlier file")
    with pytest.raises(UserInputError) as caught:
        delete_shop(two_shops.ctx, OWNER, shops["wb"], name, existing)
    assert caught.value.code == "shop_export_exists"
    assert existing.read_text() == "the seller's earlier file"
    with pytest.raises(NotFoundError):
        delete_shop(two_shops.ctx, OWNER, 999_999, name, tmp_path / "n.json")


def test_cli_shop_delete_asks_for_the_name_and_reports(cli_env: Path, tmp_path: Path) -> None:
    assert run("shop", "add", "Мой ВБ", "-m", "wb").code == 0
    made = run(
        "new",
        "-m",
        "wb",
        "--shop",
        "Мой ВБ",
        "--category",
        "acceptance",
        "--text",
        "Поставка принята не полностью: не хватает 5 штук по акту приёмки.",
        "--json",
    )
    assert made.code == 0, made.stderr
    refused = run("shop", "delete", "Мой ВБ", "--export", str(tmp_path / "a.json"), stdin="ой\n")
    assert refused.code == 2 and "не подтверждено" in refused.stderr
    assert not (tmp_path / "a.json").exists()
    done = run(
        "shop",
        "delete",
        "Мой ВБ",
        "--export",
        str(tmp_path / "a.json"),
        "--json",
        stdin="Мой ВБ\n",
    )
    assert done.code == 0, done.stderr
    assert done.json()["tickets"] == 1
    assert "Мой ВБ" not in run("shop", "list").stdout


def test_web_admin_deletes_a_shop_and_downloads_the_final_export(app: App) -> None:
    from tests.web_support import build_world, csrf_of, sign_in

    world = build_world(app)
    admin = world.client()
    assert sign_in(admin, "boss").status_code == 303
    page = admin.get("/account")
    assert "Удалить магазин" in page.text
    wrong = admin.post(
        "/account/shops/delete",
        data={"shop_id": str(world.shop_a), "confirm": "Магазин", "csrf_token": csrf_of(page.text)},
    )
    assert wrong.status_code == 422 and "не подтверждено" in wrong.text
    done = admin.post(
        "/account/shops/delete",
        data={
            "shop_id": str(world.shop_a),
            "confirm": "Магазин А",
            "csrf_token": csrf_of(wrong.text),
        },
    )
    assert done.status_code == 200
    assert done.headers["content-disposition"].startswith("attachment")
    export = done.json()
    assert [s["name"] for s in export["shops"]] == ["Магазин А"]
    assert [x["id"] for x in export["tickets"]] == [world.ticket_a]
    after = admin.get("/account").text
    assert "Магазин А" not in after and "Магазин Б" in after
    viewer = world.client()
    assert sign_in(viewer, "vera").status_code == 303
    refused = viewer.post(
        "/account/shops/delete",
        data={
            "shop_id": str(world.shop_b),
            "confirm": "Магазин Б",
            "csrf_token": csrf_of(viewer.get("/account").text),
        },
    )
    assert refused.status_code == 403
    assert "Магазин Б" in admin.get("/account").text
