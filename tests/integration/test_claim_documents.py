"""The pre-trial claim's parties and its PDF, and the monthly report as PDF, on real SQLite and
PostgreSQL journals."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.pdf_support import pdf_fonts, pdf_text, require_pdf

from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.errors import UserInputError
from mpdesk.domain.tickets import Ticket
from mpdesk.services import bundle, deadlines, documents, shop_legal, shops, ticket_actions

SELLER = {
    "name": "ООО «Ромашка»",
    "inn": "7712000003",
    "ogrn": "1027700000008",
    "address": "125009, г. Москва, ул. Тверская, д. 1",
    "contract_number": "ОФ-2024/17",
    "contract_date": "01.03.2024",
}


def sent_appeal(app: App, shop_id: int, marketplace: str = "wb") -> Ticket:
    now = app.ctx.clock.now()
    channel = app.ctx.kb.marketplaces[marketplace].default_channel
    ticket = Ticket(
        shop_id=shop_id, marketplace=marketplace, category="finance",
        subject="Недоплата по отчёту", body="b", description="Удержали штраф за поставку",
        created_at=now, updated_at=now, channel_id=channel, amount_claimed="12500.00",
    )  # fmt: skip
    with app.ctx.uow() as uow:
        uow.tickets.add(ticket)
        uow.commit()
    ticket_actions.submit_ticket(app.ctx, OWNER, ticket.id or 0, "SD-1")
    ticket_actions.record_reply(app.ctx, OWNER, ticket.id or 0, "Отказано: недостаточно данных")
    return ticket


def test_legal_details_round_trip_and_go_with_the_shop(app: App) -> None:
    shop = shops.add_shop(app.ctx, "Ромашка", "wb")
    stored = shop_legal.update_shop_legal(app.ctx, OWNER, shop.id, SELLER)
    assert stored.legal.contract_date == date(2024, 3, 1)
    again = shop_legal.get_shop_legal(app.ctx, OWNER, shop.id)
    assert again.legal == stored.legal and again.missing == []
    changed = shop_legal.update_shop_legal(app.ctx, OWNER, shop.id, {"address": "Тверь"})
    assert changed.legal.inn == SELLER["inn"] and changed.legal.address == "Тверь"
    with pytest.raises(UserInputError):
        shop_legal.update_shop_legal(app.ctx, OWNER, shop.id, {"ogrn": "1027700000009"})
    assert shop_legal.get_shop_legal(app.ctx, OWNER, shop.id).legal.ogrn == SELLER["ogrn"]
    with app.ctx.uow() as uow:
        uow.shops.delete(shop.id)
        uow.commit()
        assert uow.shops.get_legal(shop.id) is None


def test_claim_names_both_parties(app: App) -> None:
    shop = shops.add_shop(app.ctx, "Ромашка", "wb")
    shop_legal.update_shop_legal(app.ctx, OWNER, shop.id, SELLER)
    root = sent_appeal(app, shop.id)
    opened = deadlines.draft_claim(app.ctx, OWNER, root.id or 0)
    body = opened.ticket.body
    entity = app.ctx.kb.marketplaces["wb"].legal
    assert entity is not None
    for fact in (entity.name, entity.inn, entity.ogrn, entity.address):
        assert fact in body
    for fact in ("ООО «Ромашка»", "7712000003", "ОГРН 1027700000008", "ОФ-2024/17", "01.03.2024"):
        assert fact in body
    assert "[" not in body.split("ПРЕТЕНЗИЯ")[1].split("Обстоятельства")[0]  # no gap left
    assert not [w for w in opened.appeal.warnings if w.code == "legal_missing"]


def test_claim_of_a_shop_without_details_says_what_to_fill_in(app: App) -> None:
    shop = shops.add_shop(app.ctx, "Озон-магазин", "ozon")
    root = sent_appeal(app, shop.id, "ozon")
    opened = deadlines.draft_claim(app.ctx, OWNER, root.id or 0)
    assert "[ИНН продавца]" in opened.ticket.body
    assert "[номер договора]" in opened.ticket.body
    assert "ООО «Интернет Решения»" in opened.ticket.body  # the marketplace side is known
    [warning] = [w for w in opened.appeal.warnings if w.code == "legal_missing"]
    text = app.ctx.message(warning.code, **warning.fields)
    assert "«Озон-магазин»" in text and "ИНН" in text and "Юридический адрес" in text


def _claim(app: App) -> tuple[Ticket, Any]:
    shop = shops.add_shop(app.ctx, "Ромашка", "wb")
    shop_legal.update_shop_legal(app.ctx, OWNER, shop.id, SELLER)
    root = sent_appeal(app, shop.id)
    return root, deadlines.draft_claim(app.ctx, OWNER, root.id or 0)


def test_claim_pdf_carries_both_parties_the_amount_and_intact_cyrillic(app: App) -> None:
    require_pdf()
    root, opened = _claim(app)
    document = documents.claim_pdf(app.ctx, OWNER, root.id or 0)  # found from the first appeal
    assert document.content.startswith(b"%PDF-")
    assert document.filename == f"mpdesk-claim-{opened.ticket.id}.pdf"
    text = pdf_text(document.content)
    assert "ПРЕТЕНЗИЯ (досудебная)" in text
    for fact in ("ООО «РВБ»", "9714053621", "1247700471919", "Индустриальный парк Коледино"):
        assert fact in text
    for fact in ("ООО «Ромашка»", "7712000003", "1027700000008", "ОФ-2024/17"):
        assert fact in text
    assert "12 500,00 ₽" in text.replace("\u00a0", " ")  # the amount as every surface shows it
    assert "Отказано: недостаточно данных" in text
    assert "вопрос не решён" in text and "Приложения: копии обращений и переписки" in text
    assert pdf_fonts(document.content) <= {"DejaVu-Sans", "DejaVu-Sans-Bold"}


def test_claim_pdf_of_a_case_without_claim_is_refused(app: App) -> None:
    require_pdf()
    shop = shops.add_shop(app.ctx, "Ромашка", "wb")
    root = sent_appeal(app, shop.id)
    with pytest.raises(UserInputError) as err:
        documents.claim_pdf(app.ctx, OWNER, root.id or 0)
    assert err.value.code == "claim_missing"


def test_monthly_report_pdf_has_the_numbers_of_the_html(app: App) -> None:
    require_pdf()
    _claim(app)
    month = app.ctx.clock.today().strftime("%Y-%m")
    document = documents.monthly_report_pdf(app.ctx, month)
    text = pdf_text(document.content)
    assert "Обращения в поддержку маркетплейсов" in text
    assert "По маркетплейсам" in text and "Wildberries" in text
    html = documents.monthly_report.monthly_report(app.ctx, month)
    claimed = html.split('<div class="kpi"><b>')[5].split(" ₽</b>")[0]
    assert f"{claimed} ₽" in text


def test_claim_bundle_holds_the_appeals_and_correspondence_it_promises(
    app: App, tmp_path: Path
) -> None:
    root, opened = _claim(app)
    ticket_actions.add_note(app.ctx, OWNER, root.id or 0, "Внутренняя заметка: не отправлять")
    follow = ticket_actions.follow_up(app.ctx, OWNER, root.id or 0)
    claim_id = opened.ticket.id or 0
    assert "копии обращений и переписки" in opened.ticket.body
    data = bundle.build_bundle(app.ctx, OWNER, claim_id, tmp_path / "b.zip")
    names = [f["name"] for f in data["files"]]  # type: ignore[attr-defined]
    assert names[:3] == ["appeal.txt", f"case/appeal-{root.id}.txt",
                         f"case/appeal-{follow.ticket.id}.txt"]  # fmt: skip
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        first = zf.read(f"case/appeal-{root.id}.txt").decode("utf-8")
        claim_text = zf.read("appeal.txt").decode("utf-8")
        manifest = json.loads(zf.read("manifest.json"))
    assert "SD-1" in first and "Тема: Недоплата по отчёту" in first
    assert "Отказано: недостаточно данных" in first  # support's answer
    assert "Внутренняя заметка" not in first  # notes are not correspondence
    assert opened.ticket.body in claim_text
    assert {f["ticket_id"] for f in manifest["files"] if f["kind"] == "case_appeal"} == {
        root.id, follow.ticket.id,
    }  # fmt: skip
