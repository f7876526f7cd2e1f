"""Audits saved to the journal on SQLite and PostgreSQL: idempotent saving, drafting appeals
with evidence, statuses, and all-or-nothing saving."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.audit.findings import FindingKind, FindingStatus
from mpdesk.domain.errors import MpdeskError, UserInputError
from mpdesk.domain.tickets import Status
from mpdesk.services import journal
from mpdesk.services.audit import audit_reports
from mpdesk.services.findings import (
    change_finding_status,
    draft_appeals,
    get_findings,
    list_findings,
)
from mpdesk.services.ports.journal import TicketFilter
from mpdesk.services.shops import add_shop

FIXTURES = Path(__file__).resolve().parents[1] / "importers"
WB = FIXTURES / "wb" / "fixtures"
FILES = [
    WB / "detail_2025.xlsx",
    WB / "incomes.json",
    WB / "shipment_list.xlsx",
    FIXTURES / "ozon" / "fixtures" / "transactions.json",
]


def test_saving_the_same_files_twice_adds_nothing(app: App) -> None:
    first = audit_reports(app.ctx, FILES, save=True)
    assert first.saved is not None
    assert (first.saved.added, first.saved.new_files) == (10, 4)
    again = audit_reports(app.ctx, list(reversed(FILES)), save=True)
    assert again.saved is not None
    assert (again.saved.added, again.saved.updated, again.saved.unchanged) == (0, 0, 10)
    assert again.saved.new_files == 0
    saved = list_findings(app.ctx, OWNER)
    assert len(saved) == 10 and {s.status for s in saved} == {FindingStatus.NEW}
    assert sum((s.finding.amount or Decimal(0)) for s in saved) == Decimal("4905.50")
    shops = {s.shop_id for s in saved if s.finding.marketplace == "ozon"}
    assert len(shops) == 1 and shops != {s.shop_id for s in saved if s.finding.marketplace == "wb"}


def test_a_saved_finding_keeps_its_evidence_and_deadline(app: App) -> None:
    result = audit_reports(app.ctx, FILES[:3], save=True)
    short = next(f for f in result.findings if f.kind is FindingKind.ACCEPTANCE_SHORTFALL)
    (saved,) = get_findings(app.ctx, OWNER, [short.id])
    assert saved.finding == short
    assert saved.deadline == result.deadlines[short.id]
    assert str(saved.deadline) == "2026-11-20"


def test_drafting_makes_one_appeal_per_supply_and_per_report_and_kind(app: App) -> None:
    result = audit_reports(app.ctx, FILES, save=True)
    drafted = draft_appeals(app.ctx, OWNER, [f.id for f in result.findings])
    by_subject = {d.ticket.subject.split(" — ")[0]: d for d in drafted}
    assert len(drafted) == 4
    acceptance = by_subject["Расхождение при приёмке поставки № 24567891"]
    assert len(acceptance.findings) == 3 and acceptance.ticket.amount_claimed == "2050.00"
    assert acceptance.ticket.category == "acceptance" and acceptance.ticket.status is Status.READY
    rows = [re.split(r" {2,}", line) for line in acceptance.ticket.body.splitlines()]
    assert ["2039876543210", "41058/прозрачный", "100", "95", "−5", "1\u00a0250,00\u00a0₽"] in rows
    assert acceptance.attachment == "audit-acceptance-24567891.xlsx"
    assert str(acceptance.deadline) == "2026-11-20"
    (attachment,) = acceptance.ticket.attachments
    evidence = app.ctx.files.open(attachment.sha256)
    assert evidence.read(2) == b"PK"
    evidence.close()
    tickets = journal.list_tickets(app.ctx, OWNER, TicketFilter())
    assert len(tickets) == 4
    note = journal.get_ticket(app.ctx, OWNER, acceptance.ticket.id or 0).messages[0].body
    assert "20.11.2026" in note and all(f.id in note for f in acceptance.findings)
    for saved in list_findings(app.ctx, OWNER):
        assert saved.status is FindingStatus.DRAFTED and saved.ticket_id is not None


def test_a_finding_is_drafted_only_once(app: App) -> None:
    result = audit_reports(app.ctx, FILES[3:], save=True)
    ids = [f.id for f in result.findings]
    draft_appeals(app.ctx, OWNER, ids[:1])
    with pytest.raises(UserInputError) as err:
        draft_appeals(app.ctx, OWNER, ids)
    assert err.value.code == "finding_not_draftable"
    assert (
        len(journal.list_tickets(app.ctx, OWNER, TicketFilter())) == 1
    )  # the second call: nothing
    with pytest.raises(MpdeskError) as missing:
        draft_appeals(app.ctx, OWNER, ["0000000000000000"])
    assert missing.value.code == "finding_not_found"


def test_statuses_up_to_money_recovered(app: App) -> None:
    result = audit_reports(app.ctx, FILES[3:], save=True)
    lack, damaged = (f.id for f in result.findings)
    change_finding_status(app.ctx, OWNER, lack, FindingStatus.CLAIMED, comment="претензия")
    done = change_finding_status(app.ctx, OWNER, lack, FindingStatus.RECOVERED, Decimal("1200"))
    assert done.amount_recovered == Decimal("1200.00")
    change_finding_status(app.ctx, OWNER, damaged, FindingStatus.DISMISSED)
    with pytest.raises(UserInputError) as err:
        change_finding_status(app.ctx, OWNER, damaged, FindingStatus.RECOVERED, Decimal(1))
    assert err.value.code == "finding_invalid_transition"
    with pytest.raises(UserInputError):
        change_finding_status(app.ctx, OWNER, lack, FindingStatus.RECOVERED)  # no amount, and final
    statuses = {s.id: s.status for s in list_findings(app.ctx, OWNER, statuses=["recovered"])}
    assert statuses == {lack: FindingStatus.RECOVERED}


def test_a_save_that_fails_half_way_leaves_nothing(app: App) -> None:
    add_shop(app.ctx, "Озон-магазин", "ozon")
    with pytest.raises(UserInputError) as err:  # WB findings cannot go to an Ozon shop
        audit_reports(app.ctx, FILES, save=True, shop_name="Озон-магазин")
    assert err.value.code == "shop_marketplace_mismatch"
    assert list_findings(app.ctx, OWNER) == []
    result = audit_reports(app.ctx, FILES, save=True)
    assert result.saved is not None and result.saved.new_files == 4  # none was kept before


def test_without_a_usable_file_nothing_is_saved(app: App, tmp_path: Path) -> None:
    result = audit_reports(app.ctx, [WB / "broken" / "koi8.csv"], save=True)
    assert not result.usable and result.saved is None
    assert list_findings(app.ctx, OWNER) == []
