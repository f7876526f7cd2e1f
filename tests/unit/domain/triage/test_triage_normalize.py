from hypothesis import given
from hypothesis import strategies as st

from mpdesk.domain.triage.normalize import fold, normalize_text

GLUE = ("арт", "артикул", "пост", "шк", "sku", "no")


def test_yo_is_kept_in_text_and_folded_for_matching() -> None:
    assert normalize_text("Приёмка, ЁЛКА") == "Приёмка, ЁЛКА"
    assert fold("Приёмка, ЁЛКА") == "приемка, елка"


def test_cyrillic_lookalikes_in_a_latin_word_become_latin() -> None:
    assert normalize_text("WВ-GI-123 и ОZON") == "WB-GI-123 и OZON"  # В and О are Cyrillic


def test_latin_lookalikes_in_a_cyrillic_word_become_cyrillic() -> None:
    assert normalize_text("пoставка") == "поставка"  # Latin o


def test_mixed_word_with_strong_letters_of_both_scripts_is_left_alone() -> None:
    assert normalize_text("Д-CN.РА01") == "Д-CN.РА01"


def test_glued_label_and_number_are_split() -> None:
    assert normalize_text("арт123456 и пост.24567891, №555, арт.KOV-225", GLUE) == (
        "арт 123456 и пост. 24567891, No 555, арт. KOV-225"
    )


def test_vendor_codes_are_not_split() -> None:
    assert normalize_text("BT700-WHT артикул", GLUE) == "BT700-WHT артикул"


def test_spaces_dashes_and_invisible_characters() -> None:
    assert normalize_text("12\u00a0500\u200b руб \u2212 5\u2013 6") == "12 500 руб - 5— 6"


def test_fold_keeps_length() -> None:
    text = "İstanbul ВБ"
    assert len(fold(text)) == len(text)


@given(st.text(max_size=300))
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_text(text, GLUE)
    assert normalize_text(once, GLUE) == once


@given(st.text(alphabet="арткулпосшАРТWBОZNo.№123 -ёЁoOаА", max_size=80))
def test_normalisation_is_idempotent_on_lookalikes_and_glue(text: str) -> None:
    once = normalize_text(text, GLUE)
    assert normalize_text(once, GLUE) == once
