from collections.abc import Callable
from datetime import date

import pytest

from mpdesk.domain.triage.result import TriageResult

Triage = Callable[..., TriageResult]


def ents(result: TriageResult) -> list[tuple[str, str]]:
    return [(e.type.value, e.value) for e in result.entities]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("по поставке № 27 654 321 недостача", [("supply_id", "27654321")]),
        ("поставка wb-gi-148825003 не принята", [("supply_id", "WB-GI-148825003")]),
        ("отправление 48291037-0011-1 потеряно", [("order_id", "48291037-0011-1")]),
        ("постинг 0208194185-0001-1 задержан", [("order_id", "0208194185-0001-1")]),
        ("заказ №4829301755 отменён", [("order_id", "4829301755")]),
        ("ШК 4607654321091 не читается", [("barcode", "4607654321091")]),
        ("штрихкодом 4 603456 789015 ошиблись", [("barcode", "4603456789015")]),
        ("обращение № 4512 3378 без ответа", [("ticket_id", "45123378")]),
        ("заявку в поддержку 87654321 закрыли", [("ticket_id", "87654321")]),
        ("артикул продавца KOV-225 скрыт", [("vendor_code", "KOV-225")]),
        ("nmID 145678923 заблокирован", [("sku", "145678923")]),
        ("арт123456789 пропал", [("sku", "123456789")]),
    ],
)
def test_labelled_values(triage: Triage, text: str, expected: list[tuple[str, str]]) -> None:
    assert ents(triage(text)) == expected


def test_numeric_article_is_sku_on_wb_and_vendor_code_on_ozon(triage: Triage) -> None:
    assert ents(triage("вб: артикул 45871 не виден")) == [("sku", "45871")]
    assert ents(triage("озон: артикул 45871 не виден")) == [("vendor_code", "45871")]
    assert ents(triage("озон: SKU 1123456780")) == [("sku", "1123456780")]


def test_lists_carry_the_type_over(triage: Triage) -> None:
    result = triage("артикулы WB 178901234, 178901235 и 178901236 не склеиваются")
    assert ents(result) == [("sku", "178901234"), ("sku", "178901235"), ("sku", "178901236")]


def test_amounts_in_roubles(triage: Triage) -> None:
    result = triage(
        "штраф 5 000 ₽, удержали 8 456,40 руб., набежало 12 тыс, цена 990 р вместо 9 900"
    )
    assert ents(result) == [
        ("amount", "5000.00"),
        ("amount", "8456.40"),
        ("amount", "12000.00"),
        ("amount", "990.00"),
        ("amount", "9900.00"),
    ]


def test_quantities_percent_phones_dates_are_not_entities(triage: Triage) -> None:
    text = (
        "поставка 24567891: 120 шт, принято 95 шт, 20 коробок, ставка 19%, "
        "звоните +7 999 123-45-67, приняли 12.06.2026 в 14:30, весит 800 г"
    )
    assert ents(triage(text)) == [("supply_id", "24567891")]


def test_unlabelled_seller_code_and_valid_ean_are_found(triage: Triage) -> None:
    assert ents(triage("пришла толстовка HD-GRY-S вместо HD-GRY-L")) == [
        ("vendor_code", "HD-GRY-S"),
        ("vendor_code", "HD-GRY-L"),
    ]
    assert ents(triage("на этикетке 4607001234562")) == [("barcode", "4607001234562")]


def test_declaration_numbers_and_api_paths_are_ignored(triage: Triage) -> None:
    text = "декларация ЕАЭС N RU Д-CN.РА01.В.12345/26 не найдена; /v3/product/list отвечает 403"
    assert ents(triage(text)) == []


def test_each_entity_once(triage: Triage) -> None:
    result = triage("поставка 24567891, повторяю: поставка 24567891", date(2026, 7, 1))
    assert ents(result) == [("supply_id", "24567891")]


def test_yo_in_vendor_codes_is_kept(triage: Triage) -> None:
    assert ents(triage("вб: арт. продавца ЁЛКА-180-ЗЕЛ")) == [("vendor_code", "ЁЛКА-180-ЗЕЛ")]


def test_glued_label_before_a_code(triage: Triage) -> None:
    assert ents(triage("озон: свечи арт.CNDL-LAV-200")) == [("vendor_code", "CNDL-LAV-200")]
    assert ents(triage("баркод4626573967906 не читается")) == [("barcode", "4626573967906")]


def test_phone_without_separators_and_slang_thousands(triage: Triage) -> None:
    assert ents(triage("поставка 37965996. Перезвоните: 89688011145")) == [
        ("supply_id", "37965996")
    ]
    assert ents(triage("не пришли деньги, там 57 тыщ")) == [("amount", "57000.00")]
    assert ents(triage("хранение 1 100–1 200 руб в день")) == [
        ("amount", "1100.00"),
        ("amount", "1200.00"),
    ]


def test_thousands_without_currency_need_money_context(triage: Triage) -> None:
    assert ents(triage("у карточки 2 тыс. отзывов")) == []
    assert ents(triage("набежало 12 тыс. Верните")) == [("amount", "12000.00")]


@pytest.mark.parametrize(
    ("text", "value"),
    [("штраф 1.500 руб", "1500.00"), ("списали 1,5 тыс руб", "1500.00"),
     ("8 456,40 ₽", "8456.40"), ("удержали 1500р", "1500.00"), ("5 000 000 руб", "5000000.00")],
)  # fmt: skip
def test_amount_formats(triage: Triage, text: str, value: str) -> None:
    assert ents(triage(text)) == [("amount", value)]


def test_number_signs_inside_lists(triage: Triage) -> None:
    assert ents(triage("поставки №12345678 и №12345679")) == [
        ("supply_id", "12345678"),
        ("supply_id", "12345679"),
    ]
