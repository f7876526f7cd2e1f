"""A request never holds two pooled connections at once: the journal's page, its «Срочные»
filter, its urgency notes, the export and the deadlines board read the clocks before or after
the journal's connection, or on the same one. A request that took a second connection while
holding one would wait for ever on a busy server once every pooled connection is held so
(a 50-client load froze both workers this way)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.services import deadlines, journal
from mpdesk.services.export import export_journal
from mpdesk.services.journal import Submission


@pytest.fixture
def most_held(app: App) -> Iterator[list[int]]:
    """The most connections one thread held at once while the test ran."""
    assert app.engine is not None
    held: dict[int, int] = {}
    most = [0]

    def checkout(*_: object) -> None:
        me = threading.get_ident()
        held[me] = held.get(me, 0) + 1
        most[0] = max(most[0], held[me])

    def checkin(*_: object) -> None:
        me = threading.get_ident()
        held[me] = held.get(me, 1) - 1

    event.listen(app.engine, "checkout", checkout)
    event.listen(app.engine, "checkin", checkin)
    yield most
    event.remove(app.engine, "checkout", checkout)
    event.remove(app.engine, "checkin", checkin)


def _journal_with_clocks(app: App) -> None:
    for n, submitted in enumerate((True, True, False)):
        opened = journal.open_ticket(
            app.ctx,
            OWNER,
            AppealDraft(
                "wb",
                "acceptance",
                "Поставка принята не полностью: по акту приёмки не хватает десяти штук.",
                [Identifier(IdType.SUPPLY_ID, f"2456789{n}")],
            ),
            submission=Submission(f"SD-{n}") if submitted else None,
        )
        assert opened.ticket.id is not None


def test_pages_exports_and_boards_take_one_connection_at_a_time(
    app: App, most_held: list[int], tmp_path: Path
) -> None:
    _journal_with_clocks(app)
    most_held[0] = 0  # what the set-up took does not count
    ctx = app.ctx
    now = ctx.clock.now()
    flt = journal.build_filter(ctx)
    page, _ = journal.journal_page(ctx, OWNER, flt)
    assert len(page.tickets) == 3
    urgent = journal.build_filter(ctx)
    urgent.urgent_at = now
    journal.journal_page(ctx, OWNER, urgent)
    journal.list_page(ctx, OWNER, urgent)
    journal.list_tickets(ctx, OWNER, urgent)
    export_journal(ctx, "csv", tmp_path / "journal.csv", urgent)
    board = deadlines.due_board(ctx, horizon_days=30)
    assert board is not None
    assert most_held[0] == 1
