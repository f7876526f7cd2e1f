from datetime import date

from mpdesk.domain.appeal import (
    AppealDraft,
    AttachmentInfo,
    collect_warnings,
    evaluate_checklist,
    is_complete,
    is_description_vague,
)
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.knowledge import Checklist, ChecklistItem

CHECKLIST = Checklist(
    "wb",
    "acceptance",
    (
        ChecklistItem("identifier", "Идентификатор", "Номер?", id_types=(IdType.SUPPLY_ID,)),
        ChecklistItem("date", "Дата", "Когда?"),
        ChecklistItem("description", "Описание", "Что?"),
        ChecklistItem("evidence", "Доказательства", "Фото?"),
    ),
)


def test_empty_draft_misses_every_item() -> None:
    states = evaluate_checklist(CHECKLIST, AppealDraft("wb", "acceptance"))
    assert [s.done for s in states] == [False] * 4
    assert not is_complete(states)


def test_identifier_item_accepts_only_its_types() -> None:
    draft = AppealDraft("wb", "acceptance", identifiers=[Identifier(IdType.SKU, "1")])
    assert not evaluate_checklist(CHECKLIST, draft)[0].done
    draft.identifiers.append(Identifier(IdType.SUPPLY_ID, "24567891"))
    assert evaluate_checklist(CHECKLIST, draft)[0].done


def test_complete_draft() -> None:
    draft = AppealDraft(
        "wb",
        "acceptance",
        description="Отгрузили 100 штук, приняли 95, пять штук потеряны при приёмке",
        identifiers=[Identifier(IdType.SUPPLY_ID, "24567891")],
        event_date=date(2026, 11, 19),
        attachments=[AttachmentInfo("a.jpg", 1, "image/jpeg", "0" * 64)],
    )
    assert is_complete(evaluate_checklist(CHECKLIST, draft))


def test_vague_description() -> None:
    assert is_description_vague("помогите ничего не работает")
    assert not is_description_vague("поставку 24567891 приняли не полностью, недостача пять штук")


def test_triage_verdict_on_vagueness_wins() -> None:
    draft = AppealDraft("wb", "acceptance", description="короткий текст", vague=False)
    assert evaluate_checklist(CHECKLIST, draft)[2].done


def test_warnings_for_bad_ean_bad_format_and_future_date(kb) -> None:  # type: ignore[no-untyped-def]
    draft = AppealDraft(
        "wb",
        "acceptance",
        identifiers=[
            Identifier(IdType.BARCODE, "4006381333932"),
            Identifier(IdType.SUPPLY_ID, "ABC"),
        ],
        event_date=date(2026, 12, 1),
    )
    codes = [
        w.code for w in collect_warnings(kb, draft, kb.channels["wb_telegram"], date(2026, 11, 20))
    ]
    assert "warn_ean_checksum" in codes
    assert "warn_identifier_format" in codes
    assert "warn_future_date" in codes
    assert "warn_unofficial_channel" in codes
    assert "warn_unofficial_known" in codes
