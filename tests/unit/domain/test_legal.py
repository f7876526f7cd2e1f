from datetime import date

import pytest

from mpdesk.domain.legal import (
    SellerLegal,
    digits,
    inn_problem,
    kinds_disagree,
    ogrn_problem,
)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("7704217370", None),  # an organisation (10 digits)
        ("771200000003", None),  # an individual entrepreneur (12 digits)
        ("7704217371", "checksum"),
        ("771200000004", "checksum"),
        ("770421737", "length"),
        ("77042173701", "length"),
        ("77042I7370", "digits"),
    ],
)
def test_inn_check_digits_and_length(value: str, problem: str | None) -> None:
    assert inn_problem(value) == problem


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1027739244741", None),  # ОГРН of an organisation
        ("304770000000008", None),  # ОГРНИП of an entrepreneur
        ("1027739244742", "checksum"),
        ("304770000000009", "checksum"),
        ("10277392447", "length"),
        ("1O27739244741", "digits"),
    ],
)
def test_ogrn_and_ogrnip_check_digits(value: str, problem: str | None) -> None:
    assert ogrn_problem(value) == problem


def test_separators_people_type_are_removed_but_letters_stay() -> None:
    assert digits(" 77 0421-7370 ") == "7704217370"
    assert inn_problem(digits("77O4217370")) == "digits"


def test_organisation_inn_with_entrepreneur_ogrnip_disagree() -> None:
    assert kinds_disagree("7704217370", "304770000000008")
    assert kinds_disagree("771200000003", "1027739244741")
    assert not kinds_disagree("7704217370", "1027739244741")
    assert not kinds_disagree("", "1027739244741")


def test_missing_fields_are_listed_in_claim_order() -> None:
    legal = SellerLegal(name="ООО «Ромашка»", ogrn="1027739244741")
    assert legal.missing() == ["inn", "address", "contract_number", "contract_date"]
    full = SellerLegal(
        "ИП Иванов", "771200000003", "304770000000008", "Москва", "1", date(2025, 1, 1)
    )
    assert full.missing() == []
    assert full.is_entrepreneur
    assert full.as_dict()["contract_date"] == "2025-01-01"
