"""Support chats on the web and in the API: a manager fetches and links a chat of their Ozon
shop, the ticket page shows it; a viewer of another shop sees none of it."""

from __future__ import annotations

import pytest

from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.domain.credentials import OzonCredentials
from mpdesk.services.connections import connect_shop
from tests.connectors.conftest import OZON_KEY
from tests.connectors.spec_server import SpecServer
from tests.connectors.test_ozon_chats_client import chat_row, message
from tests.connectors.test_support_chats import (
    HISTORY,
    LIST,
    TRANSACTIONS,
    chat_list,
    history,
    last,
)
from tests.web_support import World, build_world, csrf_of, sign_in


@pytest.fixture
def world(market_app: App, market: SpecServer) -> World:
    built = build_world(market_app)
    answer = market.response_example("POST", TRANSACTIONS)
    answer["result"]["page_count"] = 1
    market.answer("POST", TRANSACTIONS, 200, answer)
    credentials = OzonCredentials("123456", OZON_KEY)
    connect_shop(market_app.ctx, LOCAL_OWNER, str(built.shop_b), credentials)
    return built


def test_the_api_fetches_lists_and_links_a_chat_in_the_managers_shop(
    world: World, market: SpecServer
) -> None:
    manager = world.api_client(world.manager_token)
    market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-9", unread=1), 7)))
    market.answer("POST", HISTORY, 200, history(message(7, "support", "Пришлите акт приёмки.")))

    fetched = manager.post("/api/v1/chats", params={"shop_id": world.shop_b})
    assert fetched.status_code == 200, fetched.text
    assert fetched.json()[0] | {"notice": None} == {
        "shop_id": world.shop_b, "chats": 1, "unread": 1, "new_messages": 1, "duplicates": 0,
        "tickets": [], "linked": {}, "history_refused": False, "notice": None,
    }  # fmt: skip
    board = manager.get("/api/v1/chats").json()
    assert [(c["chat_id"], c["unread_count"]) for c in board["chats"]] == [("sup-9", 1)]

    linked = manager.post("/api/v1/chats/sup-9/link", json={"ticket_id": world.ticket_b})
    assert linked.status_code == 200, linked.text
    assert (linked.json()["ticket_id"], linked.json()["filed"]) == (world.ticket_b, 1)
    items = manager.get("/api/v1/chats/sup-9").json()["items"]
    assert [(i["message_id"], i["ticket_id"]) for i in items] == [("7", world.ticket_b)]

    viewer = world.api_client(world.viewer_token)  # a viewer of shop A only
    assert viewer.get("/api/v1/chats").json()["chats"] == []
    missing = viewer.get("/api/v1/chats/sup-9")
    assert missing.status_code == 404 and missing.json()["code"] == "chat_not_found"
    bad = manager.post("/api/v1/chats/sup-9/link", json={"ticket_id": world.ticket_a})
    assert bad.status_code in (403, 404)


def test_the_ticket_page_links_a_chat_and_shows_it(world: World, market: SpecServer) -> None:
    market.answer("POST", LIST, 200, chat_list(last(chat_row("sup-8"), 3)))
    market.answer("POST", HISTORY, 200, history(message(3, "support", "Компенсация начислена.")))
    world.api_client(world.manager_token).post("/api/v1/chats", params={"shop_id": world.shop_b})
    browser = world.client()
    assert sign_in(browser, "max").status_code == 303
    page = browser.get(f"/tickets/{world.ticket_b}")
    assert "Чаты с поддержкой Ozon" in page.text and "Чат не связан" in page.text

    done = browser.post(
        f"/tickets/{world.ticket_b}/chats",
        data={"chat_id": "sup-8", "csrf_token": csrf_of(page.text)},
    )

    assert done.status_code == 303, done.text
    after = browser.get(done.headers["location"]).text
    assert "Чат связан с обращением" in after and "<code>sup-8</code>" in after
    assert "Компенсация начислена." in after
