from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mpdesk.domain.identifiers import (
    Identifier,
    IdType,
    check_identifier,
    is_valid_ean,
    normalize_amount,
    normalize_identifier,
)


@pytest.mark.parametrize(
    ("id_type", "raw", "expected"),
    [
        (IdType.SUPPLY_ID, "№ wb-gi-123456", "WB-GI-123456"),
        (IdType.SUPPLY_ID, "24 567 891", "24567891"),
        (IdType.ORDER_ID, "12345678-0012-1", "12345678-0012-1"),
        (IdType.SKU, "nm 176 889 021", "176889021"),
        (IdType.BARCODE, "4607-6543-2109-1", "4607654321091"),
        (IdType.VENDOR_CODE, "BT-700-wht", "BT-700-wht"),
        (IdType.TICKET_ID, "№ 5512", "5512"),
        (IdType.AMOUNT, "12 500", "12500.00"),
        (IdType.AMOUNT, "1 250,5", "1250.50"),
        (IdType.AMOUNT, "1,250.50", "1250.50"),
    ],
)
def test_normalize_identifier_follows_the_contract(
    id_type: IdType, raw: str, expected: str
) -> None:
    assert normalize_identifier(id_type, raw) == expected


@given(st.sampled_from(list(IdType)), st.text(alphabet="0123456789 -№ABCwbгиxyz", max_size=30))
def test_normalization_is_idempotent(id_type: IdType, raw: str) -> None:
    try:
        once = normalize_identifier(id_type, raw)
    except ValueError:
        return
    assert normalize_identifier(id_type, once) == once


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_amount_round_trips_through_russian_formatting(value: Decimal) -> None:
    russian = f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")
    assert Decimal(normalize_amount(russian)) == value


@pytest.mark.parametrize("bad", ["", "abc", "-5", "1e5000000x"])
def test_bad_amounts_raise(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize_amount(bad)


@pytest.mark.parametrize(
    ("mp", "ident", "expected"),
    [
        ("wb", Identifier(IdType.SUPPLY_ID, "24567891"), None),
        ("wb", Identifier(IdType.SUPPLY_ID, "WB-GI-92937123"), None),
        ("wb", Identifier(IdType.SUPPLY_ID, "ABC"), "wb_supply"),
        ("ozon", Identifier(IdType.ORDER_ID, "57195475-0050-3"), None),
        ("ozon", Identifier(IdType.ORDER_ID, "57-0050"), "ozon_posting"),
        ("wb", Identifier(IdType.SKU, "12a"), "digits"),
        ("wb", Identifier(IdType.BARCODE, "123"), "barcode_digits"),
        ("ozon", Identifier(IdType.VENDOR_CODE, "x" * 51), "vendor_code_50"),
        ("wb", Identifier(IdType.VENDOR_CODE, "x" * 51), None),
    ],
)
def test_check_identifier_per_marketplace(mp: str, ident: Identifier, expected: str | None) -> None:
    problem = check_identifier(mp, ident)
    assert (problem.expected if problem else None) == expected


def test_ean_check_digit() -> None:
    assert is_valid_ean("4006381333931")
    assert not is_valid_ean("4006381333932")
    assert not is_valid_ean("12345")


def test_typed_sku_refuses_a_posting_number_instead_of_mangling_it() -> None:
    from mpdesk.domain.identifiers import identifier_problem, parse_identifier

    assert identifier_problem("ozon", IdType.SKU, "57195475-0050-3") == "digits"
    assert identifier_problem("ozon", IdType.ORDER_ID, "57195475-0050-3") is None
    assert parse_identifier(IdType.SKU, "№ 1100 526 203").value == "1100526203"
    assert identifier_problem("wb", IdType.AMOUNT, "много") == "amount"
