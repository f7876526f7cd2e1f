"""acceptance_shortfall / acceptance_surplus, with split acceptances and supplies not yet
accepted."""

from datetime import date
from decimal import Decimal

from mpdesk.domain.audit.acceptance import find_acceptance
from mpdesk.domain.audit.findings import FindingKind
from mpdesk.domain.audit.rows import AcceptedRow, RowRef, ShippedRow, SupplyGoodsRow

SHIP, INC, GOODS = "s" * 64, "i" * 64, "g" * 64


def shipped(supply: str, barcode: str, qty: int, price: str | None = None) -> ShippedRow:
    return ShippedRow(
        RowRef("list.xlsx", SHIP, 2), supply, barcode, qty, "ART", Decimal(price) if price else None
    )


def accepted(supply: str, barcode: str, qty: int, status: str = "Принято") -> AcceptedRow:
    return AcceptedRow(
        RowRef("incomes.json", INC, 1), supply, barcode, qty, date(2026, 11, 13), status
    )


def test_split_acceptances_are_summed_before_comparing() -> None:
    findings = find_acceptance(
        [shipped("100", "2039876543210", 100, "250")],
        [accepted("100", "2039876543210", 60), accepted("100", "2039876543210", 35)],
        [],
    )
    (f,) = findings
    assert f.kind is FindingKind.ACCEPTANCE_SHORTFALL
    assert f.details == {
        "shipped": 100,
        "accepted": 95,
        "missing": 5,
        "vendor_code": "ART",
        "unit_price": "250.00",
    }
    assert f.amount == Decimal("1250.00")
    assert f.keys == {"supply_id": "100", "barcode": "2039876543210"}
    assert len(f.evidence) == 3 and f.event_date == date(2026, 11, 13) and f.group == "100"


def test_a_shipped_barcode_missing_from_an_accepted_supply_counts_as_zero() -> None:
    (f,) = find_acceptance(
        [shipped("100", "111", 20), shipped("100", "222", 10, "80")],
        [accepted("100", "111", 20)],
        [],
    )
    assert f.keys["barcode"] == "222" and f.details["accepted"] == 0
    assert f.amount == Decimal("800.00")


def test_accepted_but_not_shipped_is_a_surplus_without_money() -> None:
    (f,) = find_acceptance(
        [shipped("100", "111", 5)], [accepted("100", "111", 5), accepted("100", "333", 3)], []
    )
    assert f.kind is FindingKind.ACCEPTANCE_SURPLUS
    assert f.details["extra"] == 3 and f.amount is None


def test_a_supply_shipped_but_not_accepted_yet_is_no_finding() -> None:
    assert find_acceptance([shipped("200", "111", 40)], [accepted("100", "111", 5)], []) == []
    assert (
        find_acceptance(
            [shipped("100", "111", 40)], [accepted("100", "111", 5, status="Идёт приёмка")], []
        )
        == []
    )


def test_supply_goods_compare_declared_and_accepted() -> None:
    def good(bc: str, qty: int, acc: int | None, done: bool = True) -> SupplyGoodsRow:
        return SupplyGoodsRow(RowRef("goods.json", GOODS, 1), "300", bc, qty, acc, done)

    (f,) = find_acceptance([], [], [good("1", 50, 48), good("2", 10, 10)])
    assert f.details == {"shipped": 50, "accepted": 48, "missing": 2} and f.amount is None
    assert find_acceptance([], [], [good("1", 50, 12, done=False)]) == []
    assert find_acceptance([], [], [good("1", 50, None)]) == []


def test_the_shipment_list_price_is_used_for_goods_of_other_supplies() -> None:
    (f,) = find_acceptance(
        [shipped("100", "1", 3, "99.90")],
        [accepted("100", "1", 3)],
        [SupplyGoodsRow(RowRef("goods.json", GOODS, 1), "300", "1", 5, 4)],
    )
    assert f.keys["supply_id"] == "300" and f.amount == Decimal("99.90")


def test_without_acceptance_data_nothing_is_checked() -> None:
    assert find_acceptance([shipped("100", "1", 3)], [], []) == []
