"""A reminder channel that fails with anything but a delivery error (the stdlib refusing a
header, a bug) gives its events back: after the fault is fixed the next run sends them, they
do not stay claimed for ever (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mpdesk.bootstrap import App
from mpdesk.domain.tickets import Status, Ticket
from mpdesk.services import deadlines, reminders


class BrokenThenFixedChannel:
    channel = "email"

    def __init__(self) -> None:
        self.broken = True
        self.sent: list[str] = []

    def send(self, subject: str, text: str) -> None:
        if self.broken:
            raise ValueError("Header values may not contain linefeed or carriage return")
        self.sent.append(text)


def test_events_come_back_after_an_unexpected_failure(app: App) -> None:
    now = app.ctx.clock.now()
    with app.ctx.uow() as uow:
        shop = uow.shops.add("ВБ", "wb", True, now)
        ticket = Ticket(
            shop_id=shop.id, marketplace="wb", category="finance", subject="Недоплата",
            body="b", description="Удержали штраф", created_at=now - timedelta(days=3),
            updated_at=now, channel_id="wb_service_desk", status=Status.SUBMITTED,
            submitted_at=now - timedelta(hours=49), reply_due_at=now - timedelta(hours=1),
            external_id="SD-77",
        )  # fmt: skip
        uow.tickets.add(ticket)
        uow.commit()
    ports = deadlines.deadline_ports(app.ctx)
    channel = BrokenThenFixedChannel()
    ports.notifiers = [channel]
    with pytest.raises(ValueError):
        reminders.send_reminders(app.ctx)
    channel.broken = False
    fixed = reminders.send_reminders(app.ctx)
    assert fixed.sent == {"email": fixed.events} and fixed.events > 0
    assert "SD-77" in channel.sent[0]
