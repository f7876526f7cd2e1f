"""Rendered appeal letters, checked as snapshots (update with --snapshot-update)."""

from datetime import date

import pytest
from syrupy.assertion import SnapshotAssertion

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.templates import JinjaTemplateRenderer
from mpdesk.domain.appeal import AppealDraft, AttachmentInfo
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.services.compose_appeal import compose_appeal

FILES = KnowledgeFiles(None)
KB = FILES.load()
RENDERER = JinjaTemplateRenderer(FILES.template_dirs())

CASES = {
    "wb_acceptance": AppealDraft(
        "wb",
        "acceptance",
        description="Отгрузили 100 футболок, по акту приняли 95. Коробки целые, пломбы на месте.",
        identifiers=[
            Identifier(IdType.SUPPLY_ID, "24567891"),
            Identifier(IdType.BARCODE, "2039876543210"),
        ],
        event_date=date(2026, 11, 19),
        attachments=[AttachmentInfo("korobki.jpg", 10, "image/jpeg", "0" * 64)],
        shop_name="ИП Иванов",
    ),
    "ozon_listing": AppealDraft(
        "ozon",
        "listing",
        description="В карточке перепутаны фото: вместо синей куртки показана красная.",
        identifiers=[
            Identifier(IdType.SKU, "1100526203"),
            Identifier(IdType.VENDOR_CODE, "JKT-BLUE-48"),
        ],
        event_date=date(2026, 11, 18),
    ),
    "wb_finance": AppealDraft(
        "wb",
        "finance",
        description="За заказ дважды списали логистику.",
        identifiers=[
            Identifier(IdType.ORDER_ID, "2816993144"),
            Identifier(IdType.AMOUNT, "154.00"),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rendered_appeal_matches_snapshot(name: str, snapshot: SnapshotAssertion) -> None:
    appeal = compose_appeal(KB, RENDERER, CASES[name], date(2026, 11, 20))
    assert {
        "subject": appeal.subject,
        "body": appeal.body,
        "channel": appeal.channel.id,
    } == snapshot
