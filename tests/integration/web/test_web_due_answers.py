"""The «Сроки» page lists the answered tickets of the visitor's shops with the next step their
latest answer proposes (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.web.test_web_deadlines import add
from tests.web_support import World, sign_in

from mpdesk.domain.tickets import Direction, Message, Status

XSS = "<script>alert(1)</script>"


def test_deadlines_page_shows_what_to_do_after_each_answer(world: World) -> None:
    now = world.wctx.ctx.clock.now()
    answer = Message(Direction.IN, "Для рассмотрения пришлите фото упаковки.",
                     now - timedelta(hours=2), "wb_service_desk", "support")  # fmt: skip
    a = add(world, world.shop_a, subject=f"Штраф {XSS}", status=Status.ANSWERED,
            submitted_at=now - timedelta(days=2), external_id="SD-9",
            messages=[answer])  # fmt: skip
    b = add(world, world.shop_b, subject="Приёмка", status=Status.SUBMITTED,
            submitted_at=now - timedelta(days=1), reply_due_at=now + timedelta(days=1),
            external_id="SD-10")  # fmt: skip
    boss = world.client()
    sign_in(boss, "boss")
    page = boss.get("/deadlines").text
    section = page.split('id="answered"')[1]
    assert "Ответила поддержка — что дальше" in section
    assert f"/tickets/{a}" in section and f"/tickets/{b}" not in section
    assert "Следующий шаг: подготовьте и отправьте то, что просят (фото" in section
    assert XSS not in page
    assert 'id="answered"' not in boss.get("/deadlines?section=overdue").text
    max_ = world.client()
    sign_in(max_, "max")  # manager of shop B only
    assert 'id="answered"' not in max_.get("/deadlines").text
