"""What a person types, read the same way on every surface (CLI flags, page forms, API
bodies): dates, amounts of money and identifiers. A value that cannot be read raises an error
naming the field, so each surface explains it in its own way.

Dates are read by the triage date reader (``domain/triage/dates.py``): «2026-02-01»,
«01.02.2026», «01.02.26», «1 февраля 2026» all mean the same day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal

from mpdesk.domain.errors import (
    IdentifierFormatError,
    InvalidDateError,
    NotFoundError,
    UnknownValueError,
)
from mpdesk.domain.identifiers import (
    Identifier,
    IdType,
    identifier_problem,
    normalize_amount,
    parse_identifier,
)
from mpdesk.domain.triage.dates import find_absolute
from mpdesk.domain.triage.engine import read_date_field
from mpdesk.services import formatting
from mpdesk.services.context import ServiceContext

#: larger sums do not fit the journal's money column and are surely typos
MAX_AMOUNT = Decimal("1000000000000")
#: record ids are 32-bit in every table (PostgreSQL ``integer``): a larger one names nothing
MAX_ID = 2**31 - 1


def parse_shop_id(raw: str | None) -> int | None:
    """A shop id from a query string or a form: empty means none chosen; anything that cannot
    be a shop's id (letters, zero, past ``MAX_ID``) is a shop that is not found."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 10 or not 1 <= int(raw) <= MAX_ID:
        raise NotFoundError("shop_not_found", name=raw[:20])
    return int(raw)


def parse_date(ctx: ServiceContext, raw: str | None, field: str = "event_date") -> date | None:
    """A whole field that is one date, or None when it is empty."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) <= 40 and ctx.triage is not None:
        mentions = find_absolute(text, ctx.clock.today(), ctx.triage.lexicon().dates)
        whole = [m.value for m in mentions if m.start == 0 and m.stop == len(text) and m.value]
        if len(whole) == 1:
            return whole[0]
        relative = read_date_field(
            text, ctx.clock.today(), ctx.triage.lexicon(), ctx.triage.analyzer()
        )
        if relative is not None:
            return relative
    raise InvalidDateError("invalid_date", field=field, value=text[:40])


_TIME_OF_DAY = re.compile(r"^(?P<day>.+?)[ T](?P<h>\d{1,2}):(?P<m>\d{2})(?::\d{2}(?:\.\d+)?)?$")


def parse_moment(ctx: ServiceContext, raw: str | None, field: str) -> datetime | None:
    """A day with an optional time of day as a person or a spreadsheet writes it
    («20.11.2026 10:00», «2026-11-20 10:00:00», «20.11.2026»), read in the display time zone
    (Moscow), or an ISO 8601 moment with its offset; returned in UTC. None when empty."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is not None and moment.tzinfo is not None:
        return moment.astimezone(UTC)
    match = _TIME_OF_DAY.match(text)
    hour = minute = 0
    if match is not None:
        text, hour, minute = match["day"], int(match["h"]), int(match["m"])
        if hour > 23 or minute > 59:
            raise InvalidDateError("invalid_date", field=field, value=(raw or "")[:40])
    day = parse_date(ctx, text, field)
    assert day is not None
    zone = ctx.clock.local(ctx.clock.now()).tzinfo
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def check_event_date(ctx: ServiceContext, value: date | None, field: str = "event_date") -> None:
    """An event that has not happened yet is a typo (a year, a day and month swapped)."""
    if value is not None and value > ctx.clock.today():
        raise InvalidDateError(
            "event_date_future",
            field=field,
            value=formatting.day(value),
            today=formatting.day(ctx.clock.today()),
        )


def parse_event_date(
    ctx: ServiceContext, raw: str | None, field: str = "event_date"
) -> date | None:
    """The date of the event an appeal is about: typed as a person writes it, not in the
    future."""
    value = parse_date(ctx, raw, field)
    check_event_date(ctx, value, field)
    return value


def parse_category(ctx: ServiceContext, raw: str | None, field: str = "category") -> str | None:
    """A category by its id or its Russian name («приёмка», «Финансы»); None when empty."""
    if raw is None or not raw.strip():
        return None
    text = _plain(raw)
    for category in ctx.kb.categories.values():
        if text in (category.id, _plain(category.label_ru)):
            return category.id
    raise UnknownValueError(field, raw, sorted(ctx.kb.categories))


_YO_AS_YE = {0x0451: 0x0435}  # code points of the two letters


def _plain(text: str) -> str:
    """Lower case, the letter yo read as ye (people type a name either way)."""
    return text.strip().lower().translate(_YO_AS_YE)


def parse_amount(raw: str, field: str = "amount") -> str:
    """Roubles as a decimal string («1 250,50» → ``"1250.50"``)."""
    try:
        value = normalize_amount(raw)
    except ValueError as exc:
        raise IdentifierFormatError(field, raw, "amount") from exc
    if Decimal(value) >= MAX_AMOUNT:
        raise IdentifierFormatError(field, raw, "amount")
    return value


def parse_identifiers(
    marketplace: str, pairs: Iterable[tuple[IdType, str]], fields: dict[IdType, str] | None = None
) -> list[Identifier]:
    """Normalise and check identifiers (empty values are skipped, repeats dropped); a bad one
    raises ``IdentifierFormatError`` naming its field (``fields``, else the type's id)."""
    names = fields or {}
    result: list[Identifier] = []
    for id_type, raw in pairs:
        if not raw.strip():
            continue
        field = names.get(id_type, id_type.value)
        if id_type is IdType.AMOUNT:
            ident = Identifier(id_type, parse_amount(raw, field))
        else:
            problem = identifier_problem(marketplace, id_type, raw)
            if problem is not None:
                raise IdentifierFormatError(field, raw, problem)
            ident = parse_identifier(id_type, raw)
        if ident not in result:
            result.append(ident)
    return result


def marketplace_names(ctx: ServiceContext) -> dict[str, str]:
    """Every way a person names a marketplace (its id and the knowledge base's synonyms, such as
    «ВБ» or «озон»), lower-cased, to its id."""
    names = {m.id: m.id for m in ctx.kb.marketplaces.values()}
    for market in ctx.kb.marketplaces.values():
        names.update({synonym.lower(): market.id for synonym in market.synonyms})
    return names


def parse_marketplace(
    ctx: ServiceContext, raw: str | None, field: str = "marketplace"
) -> str | None:
    """A marketplace named by its id or a synonym; an unknown one raises ``UnknownValueError``
    listing the known ids; None when nothing was given."""
    if raw is None or not raw.strip():
        return None
    found = marketplace_names(ctx).get(raw.strip().lower())
    if found is None:
        raise UnknownValueError(field, raw, sorted(ctx.kb.marketplaces))
    return found
