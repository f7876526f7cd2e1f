"""Load the business-day calendar (``knowledge/calendar.yaml``) under a strict schema.

Years merge by ``year``: a user knowledge directory may add a year or replace a shipped one.
Returns the pure ``mpdesk.domain.sla.BusinessCalendar``.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.adapters.knowledge_memo import remembered
from mpdesk.domain.errors import KnowledgeBaseError
from mpdesk.domain.sla import BusinessCalendar

CALENDAR_FILE = "calendar.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CalendarYearSchema(_Strict):
    year: int = Field(ge=2000, le=2100)
    source: str = Field(min_length=1)
    holidays: list[date] = []
    workdays: list[date] = []


class CalendarFile(_Strict):
    fixed_holidays: list[str] = Field(default=[], description="MM-DD of fixed holidays")
    calendar: list[CalendarYearSchema] = []


def load_calendar(files: KnowledgeFiles) -> BusinessCalendar:
    return remembered("calendar", files.sources(CALENDAR_FILE), lambda: _read_calendar(files))


def _read_calendar(files: KnowledgeFiles) -> BusinessCalendar:
    years: dict[int, CalendarYearSchema] = {}
    fixed: set[tuple[int, int]] = set()
    for path, data in files.raw(CALENDAR_FILE):
        try:
            parsed = CalendarFile.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(p) for p in first["loc"]) or "(root)"
            raise KnowledgeBaseError(str(path), key, first["msg"]) from exc
        for i, text in enumerate(parsed.fixed_holidays):
            try:
                day = date(2000, int(text[:2]), int(text[3:]))  # a leap year: 02-29 is valid
                fixed.add((day.month, day.day))
            except ValueError as exc:
                raise KnowledgeBaseError(str(path), f"fixed_holidays.{i}", "not MM-DD") from exc
        for i, year in enumerate(parsed.calendar):
            for j, day in enumerate([*year.holidays, *year.workdays]):
                if day.year != year.year:
                    where = f"calendar.{i}.{'holidays' if j < len(year.holidays) else 'workdays'}"
                    raise KnowledgeBaseError(str(path), where, f"{day} is not in {year.year}")
            years[year.year] = year
    return BusinessCalendar(
        holidays=frozenset(d for y in years.values() for d in y.holidays),
        workdays=frozenset(d for y in years.values() for d in y.workdays),
        years=frozenset(years),
        fixed=frozenset(fixed),
    )
