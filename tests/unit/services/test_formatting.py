"""Dates, months and durations as people read them (Babel, ru_RU): the exact Russian words,
plural forms for 1, 2 and 5 (and 21, 22, 25, where the last digit decides) included."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from mpdesk.services import formatting


@pytest.mark.parametrize(
    ("delta", "long", "short"),
    [
        (timedelta(days=1), "1 день", "1 дн."),
        (timedelta(days=2, hours=3), "2 дня 3 часа", "2 дн. 3 ч"),
        (timedelta(days=5, hours=1), "5 дней 1 час", "5 дн. 1 ч"),
        (timedelta(days=21, minutes=59), "21 день", "21 дн."),  # minutes go from a day on
        (timedelta(hours=2, minutes=1), "2 часа 1 минута", "2 ч 1 мин"),
        (timedelta(hours=5, minutes=22), "5 часов 22 минуты", "5 ч 22 мин"),
        (timedelta(hours=3, minutes=30), "3 часа 30 минут", "3 ч 30 мин"),
        (timedelta(minutes=1), "1 минута", "1 мин"),
        (timedelta(minutes=2, seconds=40), "2 минуты", "2 мин"),
        (timedelta(minutes=5), "5 минут", "5 мин"),
        (timedelta(minutes=25), "25 минут", "25 мин"),
        (timedelta(seconds=1), "1 секунда", "1 с"),
        (timedelta(seconds=30), "30 секунд", "30 с"),
        (timedelta(seconds=-90), "0 секунд", "0 с"),  # no negative spans
    ],
)
def test_durations_in_words(delta: timedelta, long: str, short: str) -> None:
    assert formatting.duration(delta) == long
    assert formatting.duration(delta, short=True) == short


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (None, "—"),
        (0.01, "1 мин"),
        (0.75, "45 мин"),
        (3.0, "3 ч"),
        (3.5, "3,5 ч"),
        (100, "4,2 дн."),
    ],
)
def test_mean_hours_on_the_dashboard(hours: float | None, text: str) -> None:
    assert formatting.hours(hours) == text


def test_days_moments_and_months() -> None:
    assert formatting.day(date(2026, 1, 5)) == "05.01.2026"
    assert formatting.day(None) == ""
    assert formatting.moment(datetime(2026, 11, 20, 9, 5)) == "20.11.2026 09:05"
    assert [formatting.month(2026, m) for m in (1, 5, 11)] == [
        "январь 2026",
        "май 2026",
        "ноябрь 2026",
    ]


def test_dates_for_people_are_formatted_in_one_module() -> None:
    """Pages, CLI, services: a date or time shown to a person goes through ``formatting``
    (adapters may name formats to *read* report cells or to build SQL)."""
    src = Path(formatting.__file__).resolve().parents[1]
    hand_made = re.compile(r"\.strftime\(|:%d\.%m|%d\.%m\.%Y")
    found = [
        f"{path.relative_to(src)}:{n}"
        for path in sorted(src.rglob("*.py"))
        if "adapters" not in path.relative_to(src).parts and path.name != "formatting.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if hand_made.search(line)
    ]
    assert found == [], "format dates with mpdesk.services.formatting: " + ", ".join(found)
