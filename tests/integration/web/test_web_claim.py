"""The claim's parties and PDFs in the web app and the API (SQLite and PostgreSQL): the seller's
legal details on «Настройки» and ``/api/v1/shops/{id}/legal``, the claim PDF and the monthly
report PDF to download, scoped to the visitor's shops."""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Any

import pytest
from tests.pdf_support import pdf_text, require_pdf
from tests.web_support import LEGAL, World, csrf_of, sign_in

from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.tickets import Status, Ticket
from mpdesk.services import deadlines, ticket_actions


def sent_case(world: World) -> int:
    now = world.wctx.ctx.clock.now()
    ticket = Ticket(
        shop_id=world.shop_a, marketplace="wb", category="finance", subject="Штраф",
        body="b", description="Удержали штраф за поставку", created_at=now - timedelta(days=3),
        updated_at=now, channel_id="wb_service_desk", status=Status.SUBMITTED,
        submitted_at=now - timedelta(hours=53), reply_due_at=now - timedelta(hours=5),
        external_id="SD-501", amount_claimed="1500.00",
    )  # fmt: skip
    with world.wctx.ctx.uow() as uow:
        uow.tickets.add(ticket)
        uow.commit()
    assert ticket.id is not None
    return ticket.id


def test_settings_page_stores_the_legal_details_and_names_a_bad_inn(world: World) -> None:
    client = world.client()
    sign_in(client, "boss")
    page = client.get("/account").text
    assert f'id="legal-{world.shop_a}"' in page and "Заполнить реквизиты" in page
    assert "Не хватает для претензии: Наименование продавца, ИНН, ОГРН или ОГРНИП" in page
    token = csrf_of(page)
    bad = client.post(
        "/account/shops/legal",
        data={"csrf_token": token, "shop_id": str(world.shop_a), **LEGAL, "inn": "7712000004"},
    )
    assert bad.status_code == 422
    assert "контрольная цифра" in bad.text and "«ИНН»" in bad.text
    assert 'value="ООО «Ромашка»"' in bad.text  # what was typed is shown again
    done = client.post(
        "/account/shops/legal",
        data={"csrf_token": token, "shop_id": str(world.shop_a), **LEGAL},
    )
    assert done.status_code == 303
    after = client.get("/account").text
    assert "7712000003" in after and "01.03.2024" in after
    # a viewer of shop A sees the details but gets no form, and cannot change them
    vera = world.client()
    sign_in(vera, "vera")
    mine = vera.get("/account").text
    assert "7712000003" in mine and 'action="/account/shops/legal"' not in mine
    refused = vera.post(
        "/account/shops/legal",
        data={"csrf_token": csrf_of(mine), "shop_id": str(world.shop_a), "name": "X"},
    )
    assert refused.status_code == 403


def test_api_reads_and_changes_the_legal_details_scoped(world: World) -> None:
    admin = world.api_client(world.admin_token)
    empty = admin.get(f"/api/v1/shops/{world.shop_a}/legal").json()
    assert empty["missing"] == ["name", "inn", "ogrn", "address", "contract_number",
                                "contract_date"]  # fmt: skip
    body: dict[str, Any] = {**LEGAL, "contract_date": "2024-03-01"}
    changed = admin.patch(f"/api/v1/shops/{world.shop_a}/legal", json=body)
    assert changed.status_code == 200, changed.text
    assert changed.json()["contract_date"] == "2024-03-01" and changed.json()["missing"] == []
    bad = admin.patch(f"/api/v1/shops/{world.shop_a}/legal", json={"ogrn": "1027700000009"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "legal_ogrn_checksum" and "ОГРН" in bad.json()["message"]
    viewer = world.api_client(world.viewer_token)
    assert viewer.get(f"/api/v1/shops/{world.shop_a}/legal").json()["inn"] == LEGAL["inn"]
    assert (
        viewer.patch(f"/api/v1/shops/{world.shop_a}/legal", json={"name": "X"}).status_code == 403
    )
    assert viewer.get(f"/api/v1/shops/{world.shop_b}/legal").status_code == 404


def test_claim_and_report_pdfs_download_with_both_parties(world: World) -> None:
    require_pdf()
    world.api_client(world.admin_token).patch(
        f"/api/v1/shops/{world.shop_a}/legal", json={**LEGAL, "contract_date": "2024-03-01"}
    )
    root = sent_case(world)
    client = world.client()
    sign_in(client, "boss")
    assert client.get(f"/tickets/{root}/claim.pdf").status_code == 422  # no claim yet
    claim = deadlines.draft_claim(world.wctx.ctx, OWNER, root).ticket
    block = client.get(f"/tickets/{root}/deadlines", headers={"HX-Request": "true"}).text
    assert f'href="/tickets/{claim.id}/claim.pdf"' in block
    got = client.get(f"/tickets/{claim.id}/claim.pdf")
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert f"mpdesk-claim-{claim.id}.pdf" in got.headers["content-disposition"]
    text = pdf_text(got.content)
    assert (
        "ООО «РВБ»" in text
        and "ООО «Ромашка»" in text
        and "1 500,00 ₽" in text.replace("\u00a0", " ")
    )
    api = world.api_client(world.admin_token).get(f"/api/v1/tickets/{root}/claim.pdf")
    assert api.status_code == 200 and pdf_text(api.content) == text
    # another shop's visitor: not found
    max_ = world.client()
    sign_in(max_, "max")
    assert max_.get(f"/tickets/{claim.id}/claim.pdf").status_code == 404
    month = world.wctx.ctx.clock.today().strftime("%Y-%m")
    assert 'id="report-download-pdf"' in client.get("/").text
    report = client.get(f"/stats/report.pdf?month={month}")
    assert report.status_code == 200 and report.content.startswith(b"%PDF-")
    assert "Обращения в поддержку маркетплейсов" in pdf_text(report.content)


def test_knowledge_page_shows_the_marketplaces_legal_entities_with_sources(world: World) -> None:
    client = world.client()
    sign_in(client, "vera")
    page = client.get("/kb?section=marketplaces").text
    for market in world.wctx.ctx.kb.marketplaces.values():
        assert market.legal is not None
        assert market.legal.name in page and market.legal.inn in page
        assert market.legal.sources[0].title in page
    assert "07.12.2026" in page and "/src/" not in page  # a Russian date, no server path


def test_case_block_says_which_seller_details_the_claim_lacks(world: World) -> None:
    root = sent_case(world)
    client = world.client()
    sign_in(client, "boss")
    block = client.get(f"/tickets/{root}/deadlines", headers={"HX-Request": "true"}).text
    assert 'id="claim-legal-missing"' in block and "ИНН" in block
    assert f'href="/account#legal-{world.shop_a}"' in block
    world.api_client(world.admin_token).patch(
        f"/api/v1/shops/{world.shop_a}/legal", json={**LEGAL, "contract_date": "2024-03-01"}
    )
    block = client.get(f"/tickets/{root}/deadlines", headers={"HX-Request": "true"}).text
    assert 'id="claim-legal-missing"' not in block


def test_without_the_system_libraries_the_pdf_download_says_so_in_russian(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it cannot be loaded
    root = sent_case(world)
    deadlines.draft_claim(world.wctx.ctx, OWNER, root)
    client = world.client()
    sign_in(client, "boss")
    got = client.get(f"/tickets/{root}/claim.pdf")
    assert got.status_code == 503 and "PDF не сформирован" in got.text
    assert "Traceback" not in got.text and "OSError" not in got.text
    api = world.api_client(world.admin_token).get(f"/api/v1/tickets/{root}/claim.pdf")
    assert api.status_code == 503 and api.json()["code"] == "pdf_unavailable"


def test_knowledge_and_ticket_pages_cite_no_internal_files(world: World) -> None:
    root = sent_case(world)
    ticket_actions.record_reply(world.wctx.ctx, OWNER, root, "Ответ получен, проверяем.")
    client = world.client()
    sign_in(client, "vera")
    ticket_page = client.get(f"/tickets/{root}").text
    assert "· cli" not in ticket_page and "с этого компьютера" in ticket_page  # who acted
    pages = [
        client.get(f"/kb?section={s}").text
        for s in ("marketplaces", "categories", "channels", "checklists", "templates", "deadlines")
    ]
    pages.append(client.get(f"/tickets/{root}").text)  # its clocks name their sources
    for page in pages:
        for internal in ("research/", ".md", ".yaml", ".j2"):
            at = page.find(internal)
            assert at < 0, page[max(0, at - 120) : at + 40]
