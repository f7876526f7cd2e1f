"""Deadlines and analytics in the web app and the API (SQLite and PostgreSQL): the «Сводка»
blocks with charts, the «Сроки» page, a ticket's clocks and ladder, the claim button, the
monthly report, and shop scoping everywhere (another shop's ticket or shop is not found)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from tests.web_support import World, csrf_of, sign_in

from mpdesk.domain.sla import Bucket
from mpdesk.domain.tickets import Status, Ticket
from mpdesk.services import deadlines

XSS = '<script>alert("x")</script>'


def add(world: World, shop_id: int, **kw: Any) -> int:
    """A ticket stored as it is (statuses and times set directly)."""
    now = world.wctx.ctx.clock.now()
    base: dict[str, Any] = {
        "shop_id": shop_id, "marketplace": "wb", "category": "finance",
        "subject": "Недоплата по отчёту", "body": "b", "description": "Удержали штраф",
        "created_at": now - timedelta(days=3), "updated_at": now,
        "channel_id": "wb_service_desk",
    }  # fmt: skip
    base.update(kw)
    ticket = Ticket(**base)
    with world.wctx.ctx.uow() as uow:
        uow.tickets.add(ticket)
        uow.commit()
    assert ticket.id is not None
    return ticket.id


def overdue_case(world: World) -> tuple[int, int]:
    """Shop A: a money claim overdue for 5 hours; shop B: one due later today."""
    now = world.wctx.ctx.clock.now()
    a = add(world, world.shop_a, subject=f"Штраф {XSS}", status=Status.SUBMITTED,
            submitted_at=now - timedelta(hours=53), reply_due_at=now - timedelta(hours=5),
            external_id="SD-501", amount_claimed="1500.00")  # fmt: skip
    b = add(world, world.shop_b, marketplace="ozon", channel_id="ozon_seller_support",
            subject="Потеряно отправление", status=Status.SUBMITTED,
            submitted_at=now - timedelta(hours=46), reply_due_at=now + timedelta(hours=2),
            external_id="OZ-77")  # fmt: skip
    return a, b


def test_dashboard_shows_deadlines_and_charts_for_the_visitors_shops(world: World) -> None:
    a, b = overdue_case(world)
    boss = world.client()
    sign_in(boss, "boss")
    html = boss.get("/").text
    assert 'id="due-board"' in html and 'id="analytics"' in html
    # money, per week, reply medians, categories: each drawn for a desk and for a phone
    assert html.count("<svg") == 8
    assert "просрочено на 5 часов" in html  # the breach, how long
    assert f"/tickets/{a}" in html and f"/tickets/{b}" in html
    assert "/journal?due=overdue" in html and "/deadlines?section=today" in html
    assert XSS not in html and "&lt;script&gt;" in html
    assert 'action="/stats/report.html"' in html
    vera = world.client()
    sign_in(vera, "vera")  # viewer of shop A
    mine = vera.get("/").text
    assert f"/tickets/{a}" in mine and f"/tickets/{b}" not in mine
    assert "Потеряно отправление" not in mine


def test_deadlines_page_and_monthly_report(world: World) -> None:
    a, b = overdue_case(world)
    client = world.client()
    sign_in(client, "boss")
    page = client.get("/deadlines")
    assert page.status_code == 200
    assert re.search(r"Просрочено \(1\)", page.text) and re.search(r"Срок сегодня \(1\)", page.text)
    today = client.get("/deadlines?section=today").text
    assert f"/tickets/{b}" in today and f"/tickets/{a}" not in today
    assert client.get("/deadlines?days=500").status_code == 422
    max_ = world.client()
    sign_in(max_, "max")  # manager of shop B
    assert f"/tickets/{a}" not in max_.get("/deadlines").text
    # the monthly report of the visitor's shops, as a download
    report = max_.get("/stats/report.html?month=2026-11")
    assert report.status_code == 200
    assert report.headers["content-disposition"].startswith("attachment;")
    assert report.headers["content-security-policy"] == "sandbox"
    assert "<svg" in report.text and "<script" not in report.text
    assert max_.get("/stats/report.html?month=2026-13").status_code == 422


def test_ticket_clocks_block_page_and_scoping(world: World) -> None:
    a, b = overdue_case(world)
    client = world.client()
    sign_in(client, "vera")
    page = client.get(f"/tickets/{a}").text
    assert f'hx-get="/tickets/{a}/deadlines"' in page  # the ticket page loads the block
    block = client.get(f"/tickets/{a}/deadlines", headers={"HX-Request": "true"})
    assert block.status_code == 200 and "<html" not in block.text
    assert 'id="clocks"' in block.text and "Ответ просрочен" in block.text
    assert "досудебная претензия" in block.text  # the money ladder
    assert "draft-claim" not in block.text  # a viewer may not draft it
    full = client.get(f"/tickets/{a}/deadlines").text
    assert "<html" in full and XSS not in full
    assert client.get(f"/tickets/{b}/deadlines").status_code == 404


def test_claim_button_drafts_the_pretrial_claim(world: World) -> None:
    a, _ = overdue_case(world)
    client = world.client()
    sign_in(client, "boss")
    block = client.get(f"/tickets/{a}/deadlines", headers={"HX-Request": "true"}).text
    assert "draft-claim" in block and "draft-follow-up" in block
    token = csrf_of(client.get(f"/tickets/{a}").text)
    made = client.post(f"/tickets/{a}/claim", data={"csrf_token": token})
    assert made.status_code == 303
    claim_id = int(made.headers["location"].split("/")[2].split("?")[0])
    assert "Досудебная претензия составлена" in client.get(made.headers["location"]).text
    after = client.get(f"/tickets/{a}/deadlines").text
    assert f"/tickets/{claim_id}" in after and "draft-claim" not in after
    vera = world.client()
    sign_in(vera, "vera")
    refused = vera.post(f"/tickets/{a}/claim", data={"csrf_token": csrf_of(vera.get("/").text)})
    assert refused.status_code == 403


# --- the API -----------------------------------------------------------------------------


def test_api_dashboard_numbers_are_scoped(world: World) -> None:
    a, b = overdue_case(world)
    admin = world.api_client(world.admin_token).get("/api/v1/stats/dashboard").json()
    assert admin["shop_ids"] is None
    assert admin["due"]["overdue"]["tickets"] == 1 and admin["due"]["today"]["tickets"] == 1
    item = admin["due"]["overdue"]["items"][0]
    assert item["ticket_id"] == a and item["deadline"]["overdue_seconds"] == 5 * 3600
    assert admin["summary"]["overdue"] == 1 and admin["summary"]["awaiting"] == 2
    assert admin["total"]["total"] == 4  # the two of the world and the two above
    assert len(admin["weeks"]) == 12 and admin["period"]["total"] == 4
    viewer = world.api_client(world.viewer_token)
    mine = viewer.get("/api/v1/stats/dashboard", params={"limit": 0}).json()
    assert mine["shop_ids"] == [world.shop_a] and mine["total"]["total"] == 2
    assert mine["due"]["today"]["tickets"] == 0 and mine["due"]["overdue"]["items"] == []
    assert mine["summary"]["claimed_open"] == "1500.00"
    other = viewer.get("/api/v1/stats/dashboard", params={"shop_id": world.shop_b})
    assert other.status_code == 404 and other.json()["code"] == "shop_not_found"
    # the short board counts every clock of the full one and lists the most urgent first
    ctx = world.wctx.ctx
    board, short = deadlines.due_board(ctx), deadlines.due_summary(ctx, limit=1)
    for section in short.sections:
        full = board.section(section.bucket)
        assert section.clocks == len(full)
        assert [i.deadline for i in section.items] == [i.deadline for i in full[:1]]
    assert b in {i.ticket.id for i in board.section(Bucket.TODAY)}


def test_api_ticket_deadlines(world: World) -> None:
    a, b = overdue_case(world)
    viewer = world.api_client(world.viewer_token)
    data = viewer.get(f"/api/v1/tickets/{a}/deadlines").json()
    assert data["root_id"] == a and data["claim_id"] is None
    assert data["ladder"]["step"] == "appeal" and data["ladder"]["reason"] == "reply_overdue"
    assert data["ladder"]["next_step"] == "follow_up" and data["ladder"]["is_money_claim"]
    kinds = {d["kind"]: d for d in data["deadlines"]}
    assert kinds["reply"]["bucket"] == "overdue" and kinds["reply"]["overdue_seconds"] == 18000
    assert "follow_up" in kinds and data["can_claim"] is False  # a viewer
    assert viewer.get(f"/api/v1/tickets/{b}/deadlines").status_code == 404
    admin = world.api_client(world.admin_token).get(f"/api/v1/tickets/{a}/deadlines").json()
    assert admin["can_claim"] is True and admin["follow_up_from"] == a
    assert (
        world.api_client(world.admin_token).get("/api/v1/tickets/999999/deadlines").json()["code"]
        == "ticket_not_found"
    )
