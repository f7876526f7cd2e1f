"""One shop's audit cannot touch another shop's findings (issue 12): finding ids and file
fingerprints are the shop's own, lookups never cross shops, and the counts of a save say
nothing about other shops. The migration moves the ids saved before (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import column, create_engine, insert, select, table
from sqlalchemy.exc import IntegrityError

from mpdesk.adapters.db.migrate import upgrade
from mpdesk.adapters.db.tables import messages, shops
from mpdesk.adapters.db.tables_audit import audit_files, findings
from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.domain.audit.findings import FindingKind, shop_finding_id
from mpdesk.services.audit import audit_reports
from mpdesk.services.findings import list_findings
from mpdesk.services.shops import add_shop

WB = Path(__file__).resolve().parents[1] / "importers" / "wb" / "fixtures"
HONEST = [WB / "incomes.json", WB / "shipment_list.xlsx"]


def hostile_shipment_list(tmp_path: Path) -> Path:
    """Shop B's list naming shop A's supply and barcode, at an absurd unit price."""
    path = tmp_path / "list.csv"
    path.write_text(
        "Номер поставки;Баркод;Количество;Цена\n24567891;2039876543210;100;9999000\n", "utf-8"
    )
    return path


def amounts(app: App, shop_id: int) -> dict[tuple[str, str], Decimal | None]:
    return {
        (s.finding.kind.value, s.finding.keys.get("barcode", "")): s.finding.amount
        for s in list_findings(app.ctx, LOCAL_OWNER)
        if s.shop_id == shop_id
    }


def test_another_shops_files_cannot_rewrite_a_finding(app: App, tmp_path: Path) -> None:
    shop_a, shop_b = add_shop(app.ctx, "Магазин А", "wb"), add_shop(app.ctx, "Магазин Б", "wb")
    mine = audit_reports(app.ctx, HONEST, save=True, shop_name=shop_a.name)
    assert mine.saved is not None and mine.saved.added == 3
    before = amounts(app, shop_a.id)
    assert before[("acceptance_shortfall", "2039876543210")] == Decimal("1250.00")

    attack = [WB / "incomes.json", hostile_shipment_list(tmp_path)]
    theirs = audit_reports(app.ctx, attack, save=True, shop_name=shop_b.name)
    assert theirs.saved is not None
    # only additions: nothing tells shop B that shop A has the same supply
    assert (theirs.saved.updated, theirs.saved.unchanged) == (0, 0)
    assert theirs.saved.new_files == 2  # the incomes file is new to shop B too
    assert amounts(app, shop_a.id) == before
    assert amounts(app, shop_b.id)[("acceptance_shortfall", "2039876543210")] == Decimal(
        "49995000.00"
    )
    assert not {f.id for f in mine.findings} & {f.id for f in theirs.findings}


def test_ids_are_stable_per_shop_with_and_without_save(app: App) -> None:
    shop = add_shop(app.ctx, "Магазин А", "wb")
    unsaved = audit_reports(app.ctx, HONEST, shop_name=shop.name)
    saved = audit_reports(app.ctx, HONEST, save=True, shop_name=shop.name)
    again = audit_reports(app.ctx, HONEST, save=True, shop_name=shop.name)
    assert [f.id for f in unsaved.findings] == [f.id for f in saved.findings]
    assert [f.id for f in saved.findings] == [f.id for f in again.findings]
    assert again.saved is not None and again.saved.unchanged == 3
    default = audit_reports(app.ctx, HONEST)  # the default shop is «Магазин А» (the first wb)
    assert [f.id for f in default.findings] == [f.id for f in saved.findings]


#: the tickets table as revision 0005 has it (with the stored urgent flag a later one dropped)
OLD_TICKETS = table(
    "tickets", *(column(name) for name in (
        "id", "shop_id", "marketplace", "category", "status", "subject", "body", "description",
        "urgent", "channel_id", "external_id", "version", "created_at", "updated_at"))
)  # fmt: skip


def test_migration_moves_saved_findings_into_their_shop(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        upgrade(engine, "0005_audit")
        now = datetime(2026, 11, 20, tzinfo=UTC)
        old = "0123456789abcdef"
        with engine.begin() as conn:
            shop_id = conn.execute(
                insert(shops).values(name="Склад", marketplace="wb", is_default=True,
                                     created_at=now).returning(shops.c.id)
            ).scalar_one()  # fmt: skip
            ticket_id = conn.execute(
                insert(OLD_TICKETS).values(shop_id=shop_id, marketplace="wb", category="finance",
                                           status="draft", subject="s", body="b", description="d",
                                           urgent=False, channel_id="", external_id="", version=1,
                                           created_at=now, updated_at=now)
                .returning(OLD_TICKETS.c.id)
            ).scalar_one()  # fmt: skip
            conn.execute(
                insert(messages).values(ticket_id=ticket_id, direction="note", channel="",
                                        author="cli", body=f"Находки: {old}.", at=now)
            )  # fmt: skip
            old_findings = table(  # the findings table as 0005 made it (no currency yet)
                "findings", *(column(name) for name in (
                    "id", "kind", "marketplace", "category", "shop_id", "status", "amount",
                    "finding_keys", "details", "evidence", "group_key", "ticket_id", "comment",
                    "created_at", "updated_at"))
            )  # fmt: skip
            conn.execute(
                insert(old_findings).values(
                    id=old, kind=FindingKind.PENALTY.value, marketplace="wb", category="finance",
                    shop_id=shop_id, status="drafted", amount=10000, finding_keys="{}",
                    details="{}", evidence="[]", group_key="", ticket_id=ticket_id, comment="",
                    created_at=now.replace(tzinfo=None), updated_at=now.replace(tzinfo=None),
                )
            )  # fmt: skip
            conn.execute(
                insert(audit_files).values(sha256="a" * 64, name="f.json", size=1, rows=1,
                                           shop_id=shop_id, audited_at=now)
            )  # fmt: skip
        upgrade(engine)
        new = shop_finding_id(old, "Склад")
        with engine.begin() as conn:
            assert conn.execute(select(findings.c.id)).scalars().all() == [new]
            assert conn.execute(select(findings.c.currency)).scalar_one() == "RUB"
            assert conn.execute(select(messages.c.body)).scalar_one() == f"Находки: {new}."
            other = conn.execute(
                insert(shops).values(name="Другой", marketplace="wb", is_default=False,
                                     created_at=now).returning(shops.c.id)
            ).scalar_one()  # fmt: skip
            conn.execute(  # the same file in another shop is that shop's own fingerprint
                insert(audit_files).values(sha256="a" * 64, name="f.json", size=1, rows=1,
                                           shop_id=other, audited_at=now)
            )  # fmt: skip
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                insert(audit_files).values(sha256="a" * 64, name="f.json", size=1, rows=1,
                                           shop_id=shop_id, audited_at=now)
            )  # fmt: skip
    finally:
        engine.dispose()
