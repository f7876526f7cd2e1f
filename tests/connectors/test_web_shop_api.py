"""The shop block of «Настройки»: connect a shop's API key (checked, never shown back), its
expiry and categories, the last sync and its error in Russian; viewers get no form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from mpdesk.adapters.db.tables_sync import shop_connections
from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.domain.api_errors import ApiUnauthorizedError
from mpdesk.domain.credentials import OzonCredentials
from mpdesk.services.connections import connect_shop
from mpdesk.services.sync import sync_shop
from tests.connectors.conftest import OZON_KEY, wb_token
from tests.connectors.spec_server import SpecServer
from tests.web_support import World, build_world, csrf_of, sign_in

TOKEN = wb_token(1_799_999_999)
OK = {"TS": "2026-11-20T07:00:00Z", "Status": "OK"}


@pytest.fixture
def world(market_app: App) -> World:
    return build_world(market_app)


def connections(app: App) -> int:
    assert app.engine is not None
    with app.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(shop_connections)) or 0)


def test_an_admin_connects_a_wb_shop_and_sees_expiry_access_and_the_last_sync_error(
    world: World, market_app: App, market: SpecServer
) -> None:
    admin = world.client()
    assert sign_in(admin, "boss").status_code == 303
    page = admin.get("/account")
    assert "Подключить к API" in page.text
    for _ in range(3):
        market.answer("GET", "/ping", 200, OK)

    done = admin.post(
        "/account/shops/connect",
        data={"shop_id": str(world.shop_a), "token": TOKEN, "csrf_token": csrf_of(page.text)},
    )

    assert done.status_code == 303, done.text
    after = admin.get("/account").text
    assert "Токен действует до 15.01.2027" in after and "Поставки: доступ есть" in after
    assert TOKEN not in after and TOKEN.split(".")[1] not in after

    market.answer("POST", "/api/finance/v1/sales-reports/detailed", 401, {"title": "expired"})
    with pytest.raises(ApiUnauthorizedError):
        sync_shop(market_app.ctx, world.shop_a)
    shown = admin.get("/account").text
    assert "с ошибкой" in shown and "не принял ключ доступа" in shown

    api = world.api_client(world.admin_token).get(f"/api/v1/shops/{world.shop_a}/connection")
    assert api.status_code == 200 and TOKEN.split(".")[1] not in api.text
    answer = api.json()
    assert answer["connected"] and answer["days_left"] == 56
    assert answer["access"]["finance"]["value"] == "ok"
    assert answer["last_sync"]["error_code"] == "api_unauthorized"
    assert "не принял ключ доступа" in answer["last_sync"]["error"]


def test_a_refused_key_is_reported_in_russian_and_not_echoed(
    world: World, market_app: App, market: SpecServer
) -> None:
    admin = world.client()
    sign_in(admin, "boss")
    market.answer("POST", "/v3/finance/transaction/list", 401, {"message": "Invalid Api-Key"})
    key = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

    refused = admin.post(
        "/account/shops/connect",
        data={
            "shop_id": str(world.shop_b),
            "client_id": "123456",
            "api_key": key,
            "csrf_token": csrf_of(admin.get("/account").text),
        },
    )

    assert refused.status_code >= 400 and "не принял ключ доступа" in refused.text
    assert key not in refused.text and connections(market_app) == 0


def test_a_viewer_gets_no_form_and_cannot_connect(world: World, market: SpecServer) -> None:
    viewer = world.client()
    sign_in(viewer, "vera")
    page = viewer.get("/account")
    assert "Магазин А" in page.text and "Подключить к API" not in page.text
    refused = viewer.post(
        "/account/shops/connect",
        data={"shop_id": str(world.shop_a), "token": TOKEN, "csrf_token": csrf_of(page.text)},
    )
    assert refused.status_code == 403 and market.seen == []
    other = world.api_client(world.viewer_token).get(f"/api/v1/shops/{world.shop_b}/connection")
    assert other.status_code == 404  # a shop the viewer cannot see
    own = world.api_client(world.viewer_token).get(f"/api/v1/shops/{world.shop_a}/connection")
    assert own.status_code == 200 and own.json()["connected"] is False


def test_a_new_acceptance_ticket_of_a_connected_shop_gets_the_supply_table(
    world: World, market_app: App, market: SpecServer
) -> None:
    admin = world.client()
    sign_in(admin, "boss")
    for _ in range(3):
        market.answer("GET", "/ping", 200, OK)
    page = admin.get("/account")
    admin.post(
        "/account/shops/connect",
        data={"shop_id": str(world.shop_a), "token": TOKEN, "csrf_token": csrf_of(page.text)},
    )
    good = market.response_example("GET", "/api/v1/supplies/{ID}/goods")[0]
    market.answer(
        "GET", "/api/v1/supplies/{ID}/goods", 200, [{**good, "quantity": 10, "acceptedQuantity": 7}]
    )
    form = admin.get("/tickets/new")

    done = admin.post(
        "/tickets",
        data={
            "marketplace": "wb",
            "category": "acceptance",
            "shop_id": str(world.shop_a),
            "text": "Поставка принята не полностью, по акту не хватает трёх штук товара.",
            "id_supply_id": "24567891",
            "csrf_token": csrf_of(form.text),
        },
    )

    assert done.status_code == 303, done.text
    ticket = admin.get(done.headers["location"]).text
    assert "По данным API поставок Wildberries" in ticket  # the rows as aligned lines
    assert re.search(r"\b10 +7 +3\b", ticket), ticket
    assert market.violations == []


def test_a_new_ticket_of_a_connected_ozon_shop_lists_the_postings_items(
    world: World, market_app: App, market: SpecServer
) -> None:
    check = market.response_example("POST", "/v3/finance/transaction/list")
    check["result"]["page_count"] = 1
    market.answer("POST", "/v3/finance/transaction/list", 200, check)
    connect_shop(market_app.ctx, LOCAL_OWNER, "Магазин Б", OzonCredentials("123456", OZON_KEY))
    posting = market.response_example("POST", "/v3/posting/fbs/get")
    posting["result"]["products"][0].update(offer_id="250-7898-1", quantity=4, price="279.0000")
    market.answer("POST", "/v3/posting/fbs/get", 200, posting)
    admin = world.client()
    sign_in(admin, "boss")
    form = admin.get("/tickets/new")

    done = admin.post(
        "/tickets",
        data={
            "marketplace": "ozon",
            "category": "logistics",
            "shop_id": str(world.shop_b),
            "text": "Отправление потеряно при доставке, покупатель его так и не получил.",
            "id_order_id": "57195475-0050-3",
            "csrf_token": csrf_of(form.text),
        },
    )

    assert done.status_code == 303, done.text
    ticket = admin.get(done.headers["location"]).text
    assert "Состав отправления по данным API Ozon" in ticket
    assert re.search(r"57195475-0050-3 +250-7898-1 ", ticket)
    assert re.search(r" 4 +279,00", ticket)
    assert market.violations == []
