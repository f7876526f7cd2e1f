"""Light clean-up of the seller's words (domain/seller_text.py) with the shipped shorthand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.domain.seller_text import clean_seller_text, expand_shorthand

SHORTHAND = KnowledgeFiles(None).load().shorthand


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("вб не принял 3 шт.. на фбо", "Wildberries не принял 3 шт. на FBO."),
        ("В ЛК пусто, пишу в тп", "В личном кабинете пусто, пишу в техподдержку."),
        ("ответ от тп: ждите", "Ответ от техподдержки: ждите."),
        ("на мп пропал товар!!!", "На маркетплейсе пропал товар!"),
        ("шк не читается ,кол-во 5", "Штрихкод не читается, количество 5."),
        ("озон потерял...", "Ozon потерял…"),
        ("в вб партнеры нет поставки", "В WB Партнёры нет поставки."),
        ("вбшка и вб-склад не трогаем", "Вбшка и вб-склад не трогаем."),  # not whole words
        ("сумма 1,5 тыс", "Сумма 1,5 тыс."),  # a decimal comma keeps its place
    ],
)
def test_shorthand_and_punctuation_are_cleaned(typed: str, cleaned: str) -> None:
    assert clean_seller_text(typed, SHORTHAND) == cleaned


def test_paragraphs_are_kept_and_blank_text_is_empty() -> None:
    text = "первый абзац\n\n\n  второй   абзац  \nещё строка,"
    assert clean_seller_text(text, SHORTHAND) == "Первый абзац.\n\nВторой абзац\nещё строка."
    assert clean_seller_text(" \n\t ", SHORTHAND) == ""


WORDS = sorted({w for entry in SHORTHAND for w in entry.words})


@given(st.lists(st.sampled_from([*WORDS, "товар", "не", "3", "шт..", ",", "!!", "\n\n"])))
def test_cleaning_twice_changes_nothing(parts: list[str]) -> None:
    once = clean_seller_text(" ".join(parts), SHORTHAND)
    assert clean_seller_text(once, SHORTHAND) == once
    assert expand_shorthand(once, SHORTHAND) == once  # no shorthand word is left behind
