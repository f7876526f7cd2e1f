"""Connecting a shop to its marketplace's API: checked against the loopback spec server on
SQLite and PostgreSQL; a refused key stores nothing, a stored key is never in clear."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from mpdesk.adapters.db.tables_sync import shop_connections
from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.domain.api_errors import ApiUnauthorizedError
from mpdesk.domain.connections import Access
from mpdesk.domain.credentials import OzonCredentials, WbCredentials
from mpdesk.domain.errors import MpdeskError, UserInputError
from mpdesk.services.connection_views import status_view
from mpdesk.services.connections import (
    connect_shop,
    disconnect_shop,
    expiring_connections,
    shop_statuses,
)
from mpdesk.services.shops import add_shop, list_shops
from tests.connectors.conftest import OZON_KEY, wb_token
from tests.connectors.spec_server import SpecServer

TOKEN = wb_token(1_799_999_999)  # 2027-01-15; the tests' clock stands at 2026-11-20
PING = "/ping"
TRANSACTIONS = "/v3/finance/transaction/list"


def stored(app: App) -> list[Any]:
    assert app.engine is not None
    with app.engine.connect() as conn:
        return list(conn.execute(select(shop_connections)))


def test_a_wb_token_is_checked_per_category_and_stored_encrypted(
    market_app: App, market: SpecServer
) -> None:
    market.answer("GET", PING, 200, {"TS": "2026-11-20T07:00:00Z", "Status": "OK"})
    market.answer("GET", PING, 200, {"TS": "2026-11-20T07:00:00Z", "Status": "OK"})
    market.answer("GET", PING, 403, {"title": "token scope not allowed"})

    status = connect_shop(market_app.ctx, LOCAL_OWNER, "Мой ВБ", WbCredentials(TOKEN))

    assert market.violations == []
    assert [s.name for s in list_shops(market_app.ctx)] == ["Мой ВБ"]
    assert status.connection is not None
    assert status.connection.access == {
        "statistics": Access.OK,
        "finance": Access.OK,
        "supplies": Access.FORBIDDEN,
    }
    view = status_view(market_app.ctx, status)
    assert view["days_left"] == 56 and not view["expires_soon"] and view["category_bits"] == [10]
    assert TOKEN not in repr(view)
    (row,) = stored(market_app)
    assert TOKEN.encode() not in row.sealed and TOKEN.split(".")[1].encode() not in row.sealed
    assert [s.shop.name for s in shop_statuses(market_app.ctx, LOCAL_OWNER)] == ["Мой ВБ"]
    assert expiring_connections(market_app.ctx, within_days=55) == []  # 56 days left
    assert [s.shop.name for s in expiring_connections(market_app.ctx, 56)] == ["Мой ВБ"]


def test_an_ozon_pair_is_checked_with_one_transactions_page(
    market_app: App, market: SpecServer
) -> None:
    answer = market.response_example("POST", TRANSACTIONS)
    answer["result"]["page_count"] = 1
    market.answer("POST", TRANSACTIONS, 200, answer)
    add_shop(market_app.ctx, "Озон", "ozon")

    status = connect_shop(market_app.ctx, LOCAL_OWNER, "Озон", OzonCredentials("123456", OZON_KEY))

    assert market.violations == []
    assert status.connection is not None and status.connection.access == {"seller": Access.OK}
    (row,) = stored(market_app)
    assert OZON_KEY.encode() not in row.sealed

    done = disconnect_shop(market_app.ctx, LOCAL_OWNER, status.shop.id)
    assert done.name == "Озон" and stored(market_app) == []


def refused(app: App, shop: str, credentials: Any) -> MpdeskError:
    with pytest.raises(MpdeskError) as caught:
        connect_shop(app.ctx, LOCAL_OWNER, shop, credentials)
    message = app.ctx.message(caught.value.code, **caught.value.fields)
    assert message != caught.value.code and "{" not in message  # a catalogue text, filled
    assert stored(app) == []
    return caught.value


def test_a_wrong_wb_token_answered_401_stores_nothing(
    market_app: App, market: SpecServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    market.answer("GET", PING, 401, {"title": "unauthorized"})
    error = refused(market_app, "Мой ВБ", WbCredentials(TOKEN))
    assert caplog.records and TOKEN.split(".")[1] not in caplog.text  # logged, without the key
    assert TOKEN.split(".")[1] not in str(error)
    assert (
        isinstance(error, ApiUnauthorizedError) and error.fields["endpoint"] == "wb.ping_statistics"
    )
    assert list_shops(market_app.ctx) == []  # the new shop was not created either


def test_a_wrong_ozon_key_answered_401_stores_nothing(market_app: App, market: SpecServer) -> None:
    market.answer("POST", TRANSACTIONS, 401, {"message": "Invalid Api-Key"})
    add_shop(market_app.ctx, "Озон", "ozon")
    assert isinstance(
        refused(market_app, "Озон", OzonCredentials("1", OZON_KEY)), ApiUnauthorizedError
    )


def test_an_expired_wb_token_is_refused_before_any_request(
    market_app: App, market: SpecServer
) -> None:
    error = refused(market_app, "Мой ВБ", WbCredentials(wb_token(1_790_000_000)))  # 2026-09-21
    assert error.code == "connect_wb_token_expired" and error.fields["expired"] == "2026-09-21"
    assert market.seen == []


@pytest.mark.parametrize(
    ("shop", "marketplace", "credentials", "code"),
    [
        ("ВБ", "wb", WbCredentials(OZON_KEY), "connect_ozon_key_for_wb"),
        ("Озон", "ozon", OzonCredentials("123456", TOKEN), "connect_wb_token_for_ozon"),
        ("ВБ", "wb", OzonCredentials("123456", OZON_KEY), "connect_marketplace_mismatch"),
    ],
)
def test_a_key_of_the_other_marketplace_is_refused_by_name(
    market_app: App, market: SpecServer, shop: str, marketplace: str, credentials: Any, code: str
) -> None:
    add_shop(market_app.ctx, shop, marketplace)
    error = refused(market_app, shop, credentials)
    assert isinstance(error, UserInputError) and error.code == code
    assert market.seen == []


def test_a_wb_token_without_any_needed_category_stores_nothing(
    market_app: App, market: SpecServer
) -> None:
    for _ in range(3):
        market.answer("GET", PING, 403, {"title": "token scope not allowed"})
    assert refused(market_app, "Мой ВБ", WbCredentials(TOKEN)).code == "connect_no_category"
