"""One reader of what people type, for the CLI, the pages and the API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.conftest import FROZEN_NOW

from mpdesk.bootstrap import load_knowledge
from mpdesk.config import Settings
from mpdesk.domain.errors import IdentifierFormatError, InvalidDateError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.services.context import ServiceContext
from mpdesk.services.user_input import parse_amount, parse_date, parse_identifiers


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> ServiceContext:
    home: Path = tmp_path_factory.mktemp("home")
    return load_knowledge(Settings(home=home, now=FROZEN_NOW, kb_dir=home / "kb"))[1]


@pytest.mark.parametrize(
    "typed", ["2026-02-01", "01.02.2026", "01.02.26", "1 февраля 2026", " 01.02.26 "]
)
def test_every_way_of_writing_a_day_reads_the_same(ctx: ServiceContext, typed: str) -> None:
    assert parse_date(ctx, typed) == date(2026, 2, 1)


@pytest.mark.parametrize("typed", ["31.02.2026", "завтра", "01.02.2026 и 02.02.2026", "x" * 50])
def test_a_field_that_is_not_one_date_names_the_field(ctx: ServiceContext, typed: str) -> None:
    with pytest.raises(InvalidDateError) as err:
        parse_date(ctx, typed, "event_date")
    assert err.value.fields["field"] == "event_date"


def test_an_empty_date_is_none(ctx: ServiceContext) -> None:
    assert parse_date(ctx, "  ") is None and parse_date(ctx, None) is None


def test_amounts_and_identifiers() -> None:
    assert parse_amount("1 250,50") == "1250.50"
    with pytest.raises(IdentifierFormatError):
        parse_amount("10000000000000")
    found = parse_identifiers(
        "wb", [(IdType.SUPPLY_ID, "24567891"), (IdType.SUPPLY_ID, " 24567891 "), (IdType.SKU, "")]
    )
    assert found == [Identifier(IdType.SUPPLY_ID, "24567891")]
    with pytest.raises(IdentifierFormatError) as err:
        parse_identifiers("wb", [(IdType.SKU, "12-AB")], {IdType.SKU: "sku"})
    assert err.value.fields["field"] == "sku"
