from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpdesk.domain.triage.result import TriageResult

Triage = Callable[..., TriageResult]
MONDAY = date(2026, 7, 13)  # a Monday


@pytest.mark.parametrize(
    ("text", "received", "expected"),
    [
        ("приняли 12.10.2026", date(2026, 10, 20), date(2026, 10, 12)),
        ("приняли 12.10", date(2026, 10, 20), date(2026, 10, 12)),
        ("приняли 12.10.25", date(2026, 10, 20), date(2025, 10, 12)),
        ("приняли 2026-10-12", date(2026, 10, 20), date(2026, 10, 12)),
        ("приняли 12 октября", date(2026, 10, 20), date(2026, 10, 12)),
        ("приняли 28 декабря", date(2027, 1, 5), date(2026, 12, 28)),
        ("это было вчера", MONDAY, date(2026, 7, 12)),
        ("со вчерашнего дня", MONDAY, date(2026, 7, 12)),
        ("позавчера", MONDAY, date(2026, 7, 11)),
        ("сегодня развернули машину", MONDAY, MONDAY),
        ("3 дня назад", MONDAY, date(2026, 7, 10)),
        ("два дня назад", MONDAY, date(2026, 7, 11)),
        ("неделю назад", MONDAY, date(2026, 7, 6)),
    ],
)
def test_absolute_and_relative(triage: Triage, text: str, received: date, expected: date) -> None:
    assert triage(text, received).event_date == expected


def test_weekday_is_the_latest_such_day_strictly_before_received(triage: Triage) -> None:
    wednesday = date(2026, 7, 15)
    assert triage("в понедельник списали", wednesday).event_date == date(2026, 7, 13)
    assert triage("в среду списали", wednesday).event_date == date(2026, 7, 8)
    assert triage("в прошлую пятницу", MONDAY).event_date == date(2026, 7, 10)
    assert triage("с прошлого вторника", date(2026, 8, 24)).event_date == date(2026, 8, 18)


def test_weekday_of_last_week(triage: Triage) -> None:
    friday = date(2026, 7, 17)
    assert triage("на прошлой неделе во вторник", friday).event_date == date(2026, 7, 7)
    assert triage("в прошлый вторник", friday).event_date == date(2026, 7, 14)


def test_future_days_and_deadlines_are_not_the_event(triage: Triage) -> None:
    assert triage("заявка сгорит 25 июня", date(2026, 6, 18)).event_date is None
    assert triage("отключат с 1 июля, вчера пробовали", date(2026, 6, 20)).event_date == date(
        2026, 6, 19
    )
    assert triage("приняли 12.10.2027", date(2026, 10, 20)).event_date is None


def test_periods_are_not_days(triage: Triage) -> None:
    assert triage("выплата за прошлую неделю, в мае тоже", MONDAY).event_date is None


def test_date_field_of_a_formal_appeal_wins(triage: Triage) -> None:
    text = "Тема: сбой\nОписание: с 01.07 не приходят УПД, отгрузка 03.07.\nДата: 05.07.2026"
    assert triage(text, MONDAY).event_date == date(2026, 7, 5)


def test_numbers_that_look_like_dates_with_units_are_not_dates(triage: Triage) -> None:
    assert triage("весит 12.50 кг", MONDAY).event_date is None


@settings(max_examples=60, deadline=None)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["вчера", "позавчера", "12.10", "31.12.2099", "1 января", "в пятницу",
                     "на прошлой неделе в среду", "5 дней назад", "сегодня", "29.02"]),
)  # fmt: skip
def test_resolved_date_is_never_after_received(triage: Triage, received: date, text: str) -> None:
    result = triage(f"что-то случилось {text}", received)
    assert result.event_date is None or result.event_date <= received
    assert result.event_date is None or received - result.event_date <= timedelta(days=400)


def test_day_of_month_without_a_month(triage: Triage) -> None:
    assert triage("так с 24-го числа", date(2026, 9, 28)).event_date == date(2026, 9, 24)
    assert triage("с 30 числа не приходят", date(2026, 10, 3)).event_date == date(2026, 9, 30)


def test_periods_and_property_dates_are_not_the_event(triage: Triage) -> None:
    text = "Выплата за период 25.05–31.05 должна была поступить 03.06"
    assert triage(text, date(2026, 6, 8)).event_date == date(2026, 6, 3)
    assert triage("за период 1–15 марта", date(2026, 4, 13)).event_date is None
    assert triage("Сертификат новый, выпущен 02.03.", date(2026, 3, 9)).event_date is None


def test_shipping_date_is_background_to_the_acceptance_date(triage: Triage) -> None:
    text = "Отгрузили поставку 19.05, приняли её 25.05 с недостачей"
    assert triage(text, date(2026, 5, 28)).event_date == date(2026, 5, 25)
    assert triage("Отгрузили поставку 01.06, до сих пор в пути", date(2026, 6, 8)).event_date == (
        date(2026, 6, 1)
    )


def test_day_month_year_with_dashes(triage: Triage) -> None:
    assert triage("12-10-2026 приняли", date(2026, 10, 20)).event_date == date(2026, 10, 12)
