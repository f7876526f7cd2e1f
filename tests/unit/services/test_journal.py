import io
import re
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from tests.fakes import FakeClock, FakeFileStore, FakeUnitOfWork, fake_now

from mpdesk.adapters.table_files import FileTableWriter
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.errors import AttachmentError, InvalidTransitionError, UnknownValueError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import Status
from mpdesk.services import journal, ticket_actions
from mpdesk.services.context import ServiceContext


@pytest.fixture
def ctx(kb, renderer) -> ServiceContext:  # type: ignore[no-untyped-def]
    return ServiceContext(
        kb, renderer, FakeClock(fake_now()), FakeFileStore(), FakeUnitOfWork(), FileTableWriter()
    )


def complete_draft() -> AppealDraft:
    return AppealDraft(
        "wb",
        "acceptance",
        description="Отгрузили 100 штук по поставке, на складе приняли только 95 штук",
        identifiers=[
            Identifier(IdType.SUPPLY_ID, "24567891"),
            Identifier(IdType.AMOUNT, "5000.00"),
        ],
        event_date=date(2026, 11, 19),
    )


def test_open_ticket_creates_default_shop_and_draft_without_evidence(ctx: ServiceContext) -> None:
    opened = journal.open_ticket(ctx, OWNER, complete_draft())
    assert opened.ticket.status is Status.DRAFT  # evidence missing
    assert [s.id for s in opened.appeal.missing] == ["evidence"]
    assert opened.ticket.amount_claimed == "5000.00"
    assert opened.ticket.channel_id == "wb_service_desk"
    assert opened.appeal.subject == "Расхождение при приёмке поставки № 24567891"
    shops = ctx.uow().committed_shops  # type: ignore[attr-defined]
    assert [s.name for s in shops.values()] == ["Wildberries (основной)"]


def test_open_ticket_with_photo_is_ready(ctx: ServiceContext, tmp_path: Path) -> None:
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8\xff data")
    opened = journal.open_ticket(ctx, OWNER, complete_draft(), [photo])
    assert opened.ticket.status is Status.READY
    assert opened.ticket.attachments[0].filename == "p.jpg"


def test_missing_attachment_leaves_journal_and_store_untouched(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    good = tmp_path / "p.jpg"
    good.write_bytes(b"\xff\xd8\xff data")
    with pytest.raises(AttachmentError):
        journal.open_ticket(ctx, OWNER, complete_draft(), [good, tmp_path / "missing.jpg"])
    assert ctx.uow().commits == 0  # type: ignore[attr-defined]
    assert ctx.files.stored == {}  # type: ignore[attr-defined]


def test_unknown_category_lists_valid_ones(ctx: ServiceContext) -> None:
    draft = complete_draft()
    draft.category = "money"
    with pytest.raises(UnknownValueError) as err:
        journal.open_ticket(ctx, OWNER, draft)
    assert "finance" in err.value.fields["allowed"]


def test_submit_reply_resolve_cycle(ctx: ServiceContext) -> None:
    tid = journal.open_ticket(ctx, OWNER, complete_draft()).ticket.id
    assert tid is not None
    t = ticket_actions.submit_ticket(ctx, OWNER, tid, "SD-1")
    assert t.reply_due_at == fake_now() + timedelta(hours=48)
    ctx.clock.moment += timedelta(hours=50)  # type: ignore[attr-defined]
    assert journal.get_ticket(ctx, OWNER, tid).is_overdue(ctx.clock.now())
    t = ticket_actions.record_reply(ctx, OWNER, tid, "Проверили, вернём")
    assert t.status is Status.ANSWERED
    t = ticket_actions.change_status(ctx, OWNER, tid, Status.RESOLVED, amount_recovered="5000.00")
    assert t.status is Status.RESOLVED and t.amount_recovered == "5000.00"
    with pytest.raises(InvalidTransitionError):
        ticket_actions.change_status(ctx, OWNER, tid, Status.SUBMITTED)


def test_follow_up_references_external_number_and_first_submission(ctx: ServiceContext) -> None:
    tid = journal.open_ticket(ctx, OWNER, complete_draft()).ticket.id
    assert tid is not None
    ticket_actions.submit_ticket(ctx, OWNER, tid, "SD-42")
    opened = ticket_actions.follow_up(ctx, OWNER, tid)
    assert opened.ticket.parent_id == tid
    assert opened.appeal.subject == (
        "Напоминание по обращению № SD-42 от 20.11.2026: "
        "Расхождение при приёмке поставки № 24567891"
    )
    assert "20.11.2026" in opened.appeal.body


def test_follow_up_before_submission_is_refused(ctx: ServiceContext) -> None:
    tid = journal.open_ticket(ctx, OWNER, complete_draft()).ticket.id
    assert tid is not None
    with pytest.raises(Exception) as err:
        ticket_actions.follow_up(ctx, OWNER, tid)
    assert getattr(err.value, "code", None) == "follow_up_needs_submission"


def test_rows_of_goods_too_long_for_a_letter_go_to_an_attached_xlsx(
    ctx: ServiceContext,
) -> None:
    goods = [
        {"supply_id": "24567891", "barcode": f"20398765432{n:02d}", "vendor_code": f"TS-{n}",
         "declared": 10, "accepted": 9, "diff": -1}
        for n in range(45)
    ]  # fmt: skip
    extra = {"supply_goods": goods}
    preview = journal.preview_appeal(ctx, complete_draft(), extra_context=extra)
    opened = journal.open_ticket(ctx, OWNER, complete_draft(), extra_context=extra)

    body = opened.ticket.body
    listed = [line for line in body.splitlines() if re.match(r"24567891 {2,}\d{13}", line)]
    assert len(listed) == 30 and "TS-29" in listed[-1] and "TS-30" not in body
    assert (
        "Показаны первые 30 строк из 45; все строки — в приложенном файле supply-goods.xlsx."
        in body
    )
    assert "Приложения: supply-goods.xlsx." in body
    assert preview.body == body  # the preview names the file saving attaches
    (attachment,) = opened.ticket.attachments
    assert attachment.filename == "supply-goods.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(ctx.files.open(attachment.sha256).read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Поставка", "Баркод") and len(rows) == 46
    assert rows[45] == ("24567891", "2039876543244", "TS-44", 10, 9, -1)
