"""The Russian labels of the «Аудит» and «Новое обращение» pages come from the knowledge base's
message catalogue: a user's ``messages.ru.yaml`` renames them (``kb check`` names a label the
catalogue lacks: tests/unit/test_knowledge.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.integration.web.test_web_audit import WB, page_upload
from tests.web_support import World, build_world, csrf_of, sign_in

from mpdesk.bootstrap import bootstrap
from mpdesk.config import Settings

OVERRIDES = """messages:
  audit_field_barcode: "ШК товара"
  audit_field_supply_id: "Поставка №"
  finding_action_dismissed: "Не оспаривать"
  triage_entity_barcode: "ШК (EAN-13)"
"""


@pytest.fixture
def renamed(settings: Settings) -> Iterator[World]:
    assert settings.kb_dir is not None
    settings.kb_dir.mkdir(parents=True, exist_ok=True)
    (settings.kb_dir / "messages.ru.yaml").write_text(OVERRIDES, encoding="utf-8")
    app = bootstrap(settings)
    yield build_world(app)
    if app.engine is not None:
        app.engine.dispose()


def test_the_audit_page_labels_keys_and_buttons_from_the_catalogue(renamed: World) -> None:
    client = renamed.client()
    sign_in(client, "boss")
    csrf = csrf_of(client.get("/audit").text)
    files = [WB / "incomes.json", WB / "shipment_list.xlsx"]
    assert page_upload(client, csrf, files, renamed.shop_a).status_code == 200
    html = client.get("/audit").text
    assert "ШК товара: <code>2039876543210</code>" in html
    assert "Поставка №: <code>24567891</code>" in html
    assert ">Не оспаривать</button>" in html and ">Заявлено</button>" in html
    assert "Баркод:" not in html and ">Отклонить</button>" not in html


def test_the_new_ticket_form_labels_identifiers_from_the_catalogue(renamed: World) -> None:
    client = renamed.client()
    sign_in(client, "boss")
    html = client.get("/tickets/new").text
    assert '<label for="id_barcode">ШК (EAN-13)</label>' in html
    assert '<label for="id_supply_id">Номер поставки</label>' in html
    assert '<label for="id_amount">Сумма, руб.</label>' in html
