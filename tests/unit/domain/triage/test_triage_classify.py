"""Category tie-breaks of the contract and marketplace detection."""

from collections.abc import Callable

import pytest

from mpdesk.domain.triage.result import TriageResult

Triage = Callable[..., TriageResult]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # tie-break 1: what the seller asks for, not the backdrop
        ("Карточку скрыли, потому что нужен сертификат. Просим принять отказное письмо.",
         "compliance"),
        ("Реклама остановлена, хотя остаток есть. Просим перезапустить рекламную кампанию.",
         "other"),
        # tie-break 2: money requests are finance whatever caused them
        ("Товар потеряли при перевозке между складами. Просим компенсировать стоимость.",
         "finance"),
        ("Штраф за отгрузку выставлен неверно, заказ передали вовремя. Просим отменить штраф.",
         "finance"),
        ("При приёмке недосчитали 7 шт. Просим возместить стоимость недостающего товара.",
         "finance"),
        # tie-break 3: a discrepancy found at acceptance is acceptance
        ("Поставку приняли вчера, а в остатках 80 шт вместо 100. Проверьте приёмку.",
         "acceptance"),
        ("На складе пересорт, при приёмке всё было верно. Проведите инвентаризацию.",
         "inventory"),
        # tie-break 4: barcode in card data vs barcode label on goods
        ("В карточке товара указан чужой штрихкод, поле не редактируется.", "listing"),
        ("На коробках наклеены этикетки с чужим штрихкодом, в карточке ШК правильный. "
         "Просим переклеить этикетки.", "compliance"),
        ("Добрый день, у меня вопрос, подскажите пожалуйста", "other"),
    ],
)  # fmt: skip
def test_tie_breaks(triage: Triage, text: str, category: str) -> None:
    assert triage(text).category == category


@pytest.mark.parametrize(
    ("text", "marketplace"),
    [
        ("вб не принимает поставку", "wb"),
        ("вайлдбериз заблокировал карточку", "wb"),
        ("Пишу в Service Desk уже неделю", "wb"),
        ("nmID 145678923 пропал из поиска", "wb"),
        ("оззон потерял отправление", "ozon"),
        ("ОZОN списал товар", "ozon"),
        ("отправление 48291037-0011-1 не доехало", "ozon"),
        ("постинг задержан", "ozon"),
        ("заказ 9034417725 застрял на сортировочном центре", None),
    ],
)
def test_marketplace(triage: Triage, text: str, marketplace: str | None) -> None:
    assert triage(text).marketplace == marketplace


def test_marketplace_hint_wins(triage: Triage) -> None:
    assert triage("вб не принимает поставку", hint="ozon").marketplace == "ozon"


def test_vague_texts_miss_a_description(triage: Triage) -> None:
    assert "description" in triage("у нас проблемы с маркировкой на вб, помогите срочно!!!").missing
    assert "description" not in triage("вб принял 95 из 100 по поставке 24567891").missing


def test_an_imperative_verb_marks_the_request(triage: Triage) -> None:
    text = ("Пока разбирались с блокировкой карточки, у нас сгорела заявка на поставку. "
            "Перенесите заявку на следующую неделю.")  # fmt: skip
    assert triage(text).category == "logistics"


def test_a_payout_already_made_is_not_a_money_request(triage: Triage) -> None:
    text = ("Товар списали как утрату, компенсацию нам уже выплатили. Теперь товар нашёлся "
            "и продаётся с нашего остатка — уберите его из продажи.")  # fmt: skip
    result = triage(text)
    assert result.category == "inventory"
    assert result.event_date is None  # «утрата» is not «утра»


def test_how_to_questions_are_other(triage: Triage) -> None:
    assert triage("Как выгрузить отчёт по продажам за год в Excel в кабинете WB?").category == (
        "other"
    )
