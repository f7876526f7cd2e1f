"""The appeal letter: facts in, letter properties out (every category and marketplace)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.templates import JinjaTemplateRenderer
from mpdesk.domain.appeal import AppealDraft, AttachmentInfo
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.knowledge import KnowledgeBase
from mpdesk.domain.letter_text import sentences
from mpdesk.services import formatting
from mpdesk.services.compose_appeal import compose_appeal
from mpdesk.services.kb_check import check_knowledge, check_shorthand

TODAY = date(2026, 12, 7)
SELLER_TEXT = "вб не принял 3 шт.. на фбо, в лк приёмка показывает 7 вместо 10, тп молчит"
CATEGORIES = ("acceptance", "logistics", "listing", "inventory", "compliance", "finance", "other")


def draft(marketplace: str = "wb", category: str = "acceptance", **changes: object) -> AppealDraft:
    base = AppealDraft(
        marketplace,
        category,
        description=SELLER_TEXT,
        identifiers=[
            Identifier(IdType.SUPPLY_ID, "24567891"),
            Identifier(IdType.ORDER_ID, "2816993144"),
            Identifier(IdType.SKU, "1100526203"),
            Identifier(IdType.BARCODE, "2039876543210"),
            Identifier(IdType.AMOUNT, "1235.50"),
        ],
        event_date=date(2026, 12, 5),
        attachments=[
            AttachmentInfo("akt.pdf", 10, "application/pdf", "0" * 64),
            AttachmentInfo("korobki.jpg", 10, "image/jpeg", "1" * 64),
        ],
        shop_name="ИП Иванов",
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


@pytest.mark.parametrize("marketplace", ["wb", "ozon"])
@pytest.mark.parametrize("category", CATEGORIES)
def test_every_fact_is_in_the_letter_once_formatted(
    kb: KnowledgeBase, renderer: JinjaTemplateRenderer, marketplace: str, category: str
) -> None:
    appeal = compose_appeal(kb, renderer, draft(marketplace, category), TODAY)
    body = appeal.body
    for value in ("24567891", "2816993144", "1100526203", "2039876543210"):
        assert value in body
    assert formatting.money("1235.50") in body  # «1 235,50 ₽»
    assert "1235.50" not in body and "руб." not in body
    assert formatting.day(date(2026, 12, 5)) in body
    assert kb.marketplaces[marketplace].name_ru in body
    assert "akt.pdf, korobki.jpg" in body and body.count("akt.pdf") == 1
    assert body.rstrip().endswith("ИП Иванов")
    assert appeal.subject and "\n" not in appeal.subject


@pytest.mark.parametrize("marketplace", ["wb", "ozon"])
@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("with_files", [True, False])
def test_no_sentence_is_said_twice(
    kb: KnowledgeBase,
    renderer: JinjaTemplateRenderer,
    marketplace: str,
    category: str,
    with_files: bool,
) -> None:
    d = draft(marketplace, category, attachments=draft().attachments if with_files else [])
    body = compose_appeal(kb, renderer, d, TODAY).body
    said = sentences(body)
    assert len(said) == len(set(said)), [s for s in said if said.count(s) > 1]
    attach_words = [s for s in said if s.startswith(("Прилагаю", "Приложени"))]
    assert len(attach_words) == (1 if with_files else 0)
    assert ".." not in body.replace("...", "")


def test_seller_words_are_cleaned_and_quoted_after_the_facts(
    kb: KnowledgeBase, renderer: JinjaTemplateRenderer
) -> None:
    body = compose_appeal(kb, renderer, draft(), TODAY).body
    block = "Описание продавца:\n«Wildberries не принял 3 шт. на FBO, в личном кабинете приёмка "
    block += "показывает 7 вместо 10, техподдержка молчит.»"
    assert block in body
    assert SELLER_TEXT not in body and "шт.." not in body
    facts_at = body.index("Номер поставки: 24567891")
    opening = body.split("\n\n")[1]  # after the greeting: the letter's own description
    assert "поставки № 24567891" in opening and "Wildberries" in opening
    assert facts_at < body.index("Описание продавца:")


def test_without_seller_words_the_letter_still_describes_the_problem(
    kb: KnowledgeBase, renderer: JinjaTemplateRenderer
) -> None:
    body = compose_appeal(kb, renderer, draft(description="  "), TODAY).body
    assert "Описание продавца" not in body
    assert "При приёмке поставки № 24567891 на складе Wildberries" in body
    assert "Прошу проверить приёмку" in body


def test_inner_quotes_of_the_seller_become_low_quotes(
    kb: KnowledgeBase, renderer: JinjaTemplateRenderer
) -> None:
    d = draft(description="статус «принято частично», хотя приняли всё")
    body = compose_appeal(kb, renderer, d, TODAY).body
    assert "«Статус „принято частично“, хотя приняли всё.»" in body


def test_rows_of_goods_become_aligned_lines_not_a_markdown_table(
    kb: KnowledgeBase, renderer: JinjaTemplateRenderer
) -> None:
    goods = [
        {"supply_id": "24567891", "barcode": "2039876543210", "vendor_code": "TS-1",
         "declared": 1500, "accepted": 1497, "diff": -3},
        {"supply_id": "24567891", "barcode": "2039876543227", "vendor_code": "",
         "declared": 20, "accepted": None, "diff": None},
    ]  # fmt: skip
    appeal = compose_appeal(kb, renderer, draft(), TODAY, None, {"supply_goods": goods})
    lines = appeal.body.splitlines()
    assert not any(line.lstrip().startswith("|") for line in lines)
    header = next(i for i, line in enumerate(lines) if line.startswith("Поставка"))
    rule, first, second = lines[header + 1 : header + 4]
    assert set(rule) == {"─", " "}
    assert formatting.number(1500) in first and formatting.number(1497) in first
    assert "ещё не принято" in second
    # every column starts where its rule starts
    starts = [i for i, ch in enumerate(rule) if ch == "─" and (i == 0 or rule[i - 1] == " ")]
    for row in (lines[header], first, second):
        assert all(row[s - 1 : s] in ("", " ") for s in starts)
    assert first[starts[2] :].startswith("TS-1") and second[starts[2] :].startswith("—")
    html = appeal.html
    assert "<table" in html and "<td" in html and "ещё не принято</td>" in html


def test_follow_up_subject_names_the_appeal_and_the_problem(
    kb: KnowledgeBase, renderer: JinjaTemplateRenderer
) -> None:
    extra = {"external_id": "SD-42", "first_submitted": "20.11.2026",
             "parent_subject": "Расхождение при приёмке поставки № 24567891"}  # fmt: skip
    appeal = compose_appeal(kb, renderer, draft(), TODAY, "follow_up", extra)
    assert appeal.subject == (
        "Напоминание по обращению № SD-42 от 20.11.2026: "
        "Расхождение при приёмке поставки № 24567891"
    )
    assert "Повторное обращение по обращению" not in appeal.subject
    assert "обращение № SD-42" in appeal.body and "«Service Desk в „WB Партнёры“»" in appeal.body


def test_default_shop_does_not_sign_the_letter(
    kb: KnowledgeBase, renderer: JinjaTemplateRenderer
) -> None:
    d = draft(shop_name="Wildberries (основной)")
    body = compose_appeal(kb, renderer, d, TODAY).body
    assert body.endswith("С уважением.") and "(основной)" not in body


def test_html_part_escapes_and_quotes_the_seller_block(
    kb: KnowledgeBase, renderer: JinjaTemplateRenderer
) -> None:
    d = draft(description="<script>alert(1)</script> вб & тп")
    html = compose_appeal(kb, renderer, d, TODAY).html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<blockquote" in html and "Wildberries &amp; техподдержка" in html
    assert "<li>Номер поставки: 24567891</li>" in html


def test_shorthand_word_in_two_entries_fails_the_check(tmp_path: Path) -> None:
    (tmp_path / "shorthand.yaml").write_text(
        "shorthand:\n  - id: extra\n    words: [вб]\n    replacement: ВБ\n", encoding="utf-8"
    )
    kb = KnowledgeFiles(tmp_path).load()
    assert [p.key for p in check_shorthand(kb)] == ["extra.words", "extra.replacement"]


def test_shorthand_schema_refuses_capitals(tmp_path: Path) -> None:
    (tmp_path / "shorthand.yaml").write_text(
        "shorthand:\n  - id: extra\n    words: [ВБ]\n    replacement: Wildberries\n",
        encoding="utf-8",
    )
    with pytest.raises(Exception, match=r"shorthand\.0\.words"):
        KnowledgeFiles(tmp_path).load()


def test_template_that_repeats_a_sentence_fails_the_check(tmp_path: Path) -> None:
    templates = tmp_path / "templates" / "ru"
    templates.mkdir(parents=True)
    shipped = Path(KnowledgeFiles(None).shipped_dir, "templates", "ru", "_closing.md.j2")
    text = shipped.read_text(encoding="utf-8")
    (templates / "_closing.md.j2").write_text(
        text.replace("{% if attachments %}", "Прилагаю скриншоты.\n{% if attachments %}", 1)
        + "\nПрилагаю скриншоты.\n",
        encoding="utf-8",
    )
    files = KnowledgeFiles(tmp_path)
    problems = check_knowledge(files.load(), JinjaTemplateRenderer(files.template_dirs()))
    assert any("repeated sentence: Прилагаю скриншоты." in p.problem for p in problems)
