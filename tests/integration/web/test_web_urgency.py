"""Urgency is derived when asked (SQLite and PostgreSQL): the «Срочные» filter of the API
(`?urgent=true`, in the OpenAPI schema), of the web journal and of `mpdesk list --urgent` finds
open appeals whose text names an urgent problem or whose seller's clock ends within a day; a
sent or closed appeal stops being urgent without anything stored changing."""

from __future__ import annotations

from typing import Any

from tests.web_support import World, sign_in

from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.domain.tickets import Status
from mpdesk.services import ticket_actions

BLOCKED = "Нам заблокировали личный кабинет, выплаты не приходят. Просим разблокировать."


def _open(api: Any, world: World, description: str, event_date: str | None = None) -> int:
    created = api.post(
        "/api/v1/tickets",
        json={
            "marketplace": "wb",
            "category": "acceptance",
            "description": description,
            "identifiers": [{"type": "supply_id", "value": "24567899"}],
            "event_date": event_date,
            "shop_id": world.shop_a,
        },
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _urgent(api: Any) -> dict[int, Any]:
    listed = api.get("/api/v1/tickets", params={"urgent": "true", "limit": 200})
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert all(i["urgent"] for i in items)
    return {i["id"]: i["urgency"] for i in items}


def test_urgent_filter_follows_the_problem_and_the_clocks(world: World) -> None:
    api = world.api_client(world.admin_token)
    blocked = _open(api, world, BLOCKED)
    # WB acceptance act: 7 days for objections; from 13.11 the window ends tonight (MSK)
    closing = _open(api, world, "Приняли 90 из 100 штук по поставке.", "2026-11-13")
    plain = _open(api, world, "Приняли 95 из 100 штук по поставке.", "2026-11-19")

    urgent = _urgent(api)
    assert set(urgent) == {blocked, closing}
    assert urgent[blocked]["reason"] == "cabinet_blocked"
    assert urgent[blocked]["label"] == "Кабинет заблокирован"
    assert urgent[closing] == {
        "reason": "objection_window",
        "label": "Окно для возражения закрывается",
        "action": "Отправьте обращение до 20.11.2026 23:59 МСК: позже маркетплейс вправе его "
        "не рассматривать.",
        "due_at": "2026-11-20T20:59:59.999999+00:00",
    }
    one = api.get(f"/api/v1/tickets/{plain}").json()
    assert one["urgent"] is False and one["urgency"] is None
    one = api.get(f"/api/v1/tickets/{blocked}").json()
    assert one["urgent"] is True and one["urgency"]["action"].startswith("Откройте в кабинете")

    # sending meets the objection window; closing the blocked-cabinet appeal ends its urgency
    ctx = world.wctx.ctx
    ticket_actions.submit_ticket(ctx, LOCAL_OWNER, closing, "SD-1")
    ticket_actions.submit_ticket(ctx, LOCAL_OWNER, blocked, "SD-2")
    assert set(_urgent(api)) == {blocked}
    ticket_actions.change_status(ctx, LOCAL_OWNER, blocked, Status.RESOLVED)
    assert _urgent(api) == {}
    assert api.get(f"/api/v1/tickets/{blocked}").json()["urgent"] is False


def test_urgent_filter_is_in_the_openapi_schema(world: World) -> None:
    schema = world.client().get("/api/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/tickets"]["get"]["parameters"]}
    assert params["urgent"]["schema"]["type"] == "boolean"
    assert "24 hours" in params["urgent"]["description"]
    summary = schema["components"]["schemas"]["TicketSummaryPublic"]["properties"]
    assert {"urgent", "urgency"} <= set(summary)


def test_web_journal_urgent_filter_and_badge(world: World) -> None:
    api = world.api_client(world.admin_token)
    blocked = _open(api, world, BLOCKED)
    plain = _open(api, world, "Приняли 95 из 100 штук по поставке.", "2026-11-19")
    page = world.client()
    sign_in(page, "boss")
    html = page.get("/journal", params={"urgent": "1"}).text
    assert f'href="/tickets/{blocked}"' in html
    assert f'href="/tickets/{plain}"' not in html
    assert 'id="f-urgent" name="urgent" type="checkbox" value="1" checked' in html
    assert ">срочно<" in html
    ticket_page = page.get(f"/tickets/{blocked}").text
    assert "Что сделать сейчас" in ticket_page and "Кабинет заблокирован" in ticket_page
