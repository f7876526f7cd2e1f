"""Patterns seen in what sellers really write (issue 15): amounts without a currency word, dot
thousands, sums in words, ranges, identifiers inside pasted API output, ``WB_GI_`` supplies,
document dates, urgency, general complaints and several requests in one text."""

from collections.abc import Callable
from datetime import date

import pytest

from mpdesk.domain.triage.result import TriageResult

Triage = Callable[..., TriageResult]


def amounts(result: TriageResult) -> list[str]:
    return [e.value for e in result.entities if e.type.value == "amount"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("вб выставил штраф 4300 по артикулу", ["4300.00"]),
        ("претензия на сумму 43.654 без расшифровки", ["43654.00"]),
        ("удержали 12 600 за упаковку", ["12600.00"]),
        ("по рынку списали 1,8 миллиарда рублей", ["1800000000.00"]),
        ("за хранение насчитали 2,5 млрд", ["2500000000.00"]),
        ("логистика стоит от 200 до 300 рублей за единицу", ["200.00", "300.00"]),
        ("ВБ удержал с нас 56 700 штраф за маркировку", ["56700.00"]),  # money word after
        ("в карточке платье стоит 2 190, поправьте", ["2190.00"]),  # «стоит» nearer than «карточке»
    ],
)
def test_sums_of_money_as_sellers_write_them(
    triage: Triage, text: str, expected: list[str]
) -> None:
    assert sorted(amounts(triage(text))) == sorted(expected)


@pytest.mark.parametrize(
    "text",
    [
        "списано 72 упаковки товара",  # counts something
        "к перечислению 0, а продажа есть",  # nothing to claim
        "штраф по заказу 4417720931",  # an identifier, labelled
        "грозятся начислить 1200 штрафных баллов",  # points, not money
    ],
)
def test_numbers_near_money_words_that_are_not_sums(triage: Triage, text: str) -> None:
    assert amounts(triage(text)) == []


def test_order_ids_inside_pasted_api_output(triage: Triage) -> None:
    text = (
        'метод отдает {"result": {"postings": [{"posting_number": "05708065-0029-1", '
        '"order_id": 680420041, "status": "awaiting_deliver"}]}} и статус не меняется'
    )
    found = {(e.type.value, e.value) for e in triage(text).entities}
    assert ("order_id", "05708065-0029-1") in found
    assert ("order_id", "680420041") in found


def test_wb_gi_supply_with_underscores(triage: Triage) -> None:
    result = triage("поставку WB_GI_148825003 не приняли на СЦ")
    assert [(e.type.value, e.value) for e in result.entities] == [("supply_id", "WB-GI-148825003")]
    assert result.marketplace == "wb"


def test_the_date_of_a_letter_is_not_the_event(triage: Triage) -> None:
    text = (
        "Нашёл письмо Роспотребнадзора от 16.03.2023, там сказано, что доставку платит покупатель"
    )
    assert triage(text, date(2023, 5, 20)).event_date is None
    text = "Озон удержал логистику 12.05, хотя есть письмо от 16.03.2023"
    assert triage(text, date(2023, 5, 20)).event_date == date(2023, 5, 12)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Нам заблокировали личный кабинет, ничего не можем отгрузить", "cabinet_blocked"),
        ("выплаты приостановлены уже вторую неделю", "payouts_frozen"),
        ("карточку заблокировали, продажи стоят", "sales_stopped"),
        ("срок на отклонение акта истекает завтра", "deadline_today"),
    ],
)
def test_urgent_problems(triage: Triage, text: str, kind: str) -> None:
    result = triage(text)
    assert result.urgent
    assert result.urgent_kind == kind


def test_ordinary_problems_and_calm_sellers_are_not_urgent(triage: Triage) -> None:
    assert not triage("в карточке опечатка в описании, поправьте").urgent
    assert not triage("кабинет заблокировали, но это не срочно, разберёмся").urgent


def test_a_general_complaint_about_the_rules_lacks_a_description(triage: Triage) -> None:
    text = (
        "Коллеги, сколько можно. Маркетплейсы постоянно меняют правила, селлеры платят за всё, "
        "поддержка отвечает шаблонами. Почему никто ничего не делает?"
    )
    assert "description" in triage(text).missing


def test_a_concrete_long_story_has_a_description(triage: Triage) -> None:
    text = (
        "Коллеги, сколько можно. Маркетплейсы постоянно меняют правила. По поставке 24567891 "
        "приняли 95 из 100 шт, просим исправить акт."
    )
    assert "description" not in triage(text).missing


def test_several_requests_become_several_problems(triage: Triage) -> None:
    result = triage(
        "Озон списал штраф 4300 за отправление 12345678-0001-1. Верните деньги за штраф. "
        "Также просим разблокировать карточку товара."
    )
    assert [p.category for p in result.problems] == ["finance", "listing"]
    assert result.problems[1].sentence.startswith("Также просим")
    assert "listing" in result.category_alternatives
    assert len(result.requests) == 2
