"""duplicate_logistics: exact counts and amounts, with the storno and return traps."""

from datetime import date
from decimal import Decimal

from mpdesk.domain.audit.findings import FindingKind, finding_id
from mpdesk.domain.audit.logistics import find_duplicate_logistics
from mpdesk.domain.audit.rows import LogisticsRow, Operation, RowRef, classify_logistics

SHA_A, SHA_B = "a" * 64, "b" * 64


def charge(
    srid: str,
    amount: str,
    row: int,
    *,
    day: int = 3,
    storno: bool = False,
    back: bool = False,
    sha: str = SHA_A,
    rrd: str = "",
) -> LogisticsRow:
    return LogisticsRow(
        ref=RowRef("detail.xlsx" if sha == SHA_A else "other.csv", sha, row),
        srid=srid,
        operation="Логистика сторно" if storno else "Логистика",
        deliveries=0 if back else 1,
        returns=1 if back else 0,
        amount=Decimal(amount),
        bonus_type="От клиента при возврате" if back else "К клиенту при продаже",
        sale_date=date(2026, 11, day),
        rrd_id=rrd,
        report="412345678",
        report_date=date(2026, 11, 9),
    )


def test_an_order_charged_twice_is_one_finding_worth_the_second_charge() -> None:
    (finding,) = find_duplicate_logistics([charge("s1", "90", 2), charge("s1", "90", 3, day=5)])
    assert finding.kind is FindingKind.DUPLICATE_LOGISTICS
    assert finding.amount == Decimal("90.00")
    assert finding.keys == {"srid": "s1"}
    assert finding.details["charges"] == 2 and finding.details["rows"] == 2
    assert [e.ref.row for e in finding.evidence] == [2, 3]
    assert finding.id == finding_id(FindingKind.DUPLICATE_LOGISTICS, {"srid": "s1"})
    assert finding.event_date == date(2026, 11, 9) and finding.group == "412345678"


def test_three_charges_cost_all_but_the_earliest() -> None:
    rows = [charge("s1", "75", 9, day=8), charge("s1", "70", 7, day=3), charge("s1", "70", 8)]
    (finding,) = find_duplicate_logistics(rows)
    assert finding.details["charges"] == 3
    assert finding.amount == Decimal("145.00")


def test_a_storno_that_cancels_the_double_charge_leaves_no_finding() -> None:
    rows = [charge("s1", "95", 2), charge("s1", "95", 3), charge("s1", "95", 4, storno=True)]
    assert find_duplicate_logistics(rows) == []


def test_a_storno_cancels_one_of_three_charges() -> None:
    rows = [
        charge("s1", "50", 2),
        charge("s1", "50", 3),
        charge("s1", "50", 4, storno=True),
        charge("s1", "50", 5, day=8),
    ]
    (finding,) = find_duplicate_logistics(rows)
    assert finding.details["charges"] == 2 and finding.amount == Decimal("50.00")
    assert [e.role for e in finding.evidence].count("storno") == 1


def test_a_storno_cancels_the_charge_of_the_same_amount() -> None:
    rows = [
        charge("s1", "40", 2),
        charge("s1", "60", 3),
        charge("s1", "40", 4, storno=True),
        charge("s1", "60", 5),
    ]
    (finding,) = find_duplicate_logistics(rows)
    assert finding.amount == Decimal("60.00")  # 60 + 60 left, the second one is extra


def test_the_trip_back_after_a_return_is_not_a_duplicate() -> None:
    rows = [charge("s1", "60", 2), charge("s1", "60", 3, back=True)]
    assert find_duplicate_logistics(rows) == []


def test_a_storno_of_the_trip_back_does_not_cancel_a_forward_charge() -> None:
    rows = [
        charge("s1", "60", 2),
        charge("s1", "60", 3),
        charge("s1", "60", 4, back=True),
        charge("s1", "60", 5, back=True, storno=True),
    ]
    (finding,) = find_duplicate_logistics(rows)
    assert finding.amount == Decimal("60.00")


def test_rows_without_an_order_are_ignored() -> None:
    assert find_duplicate_logistics([charge("", "90", 2), charge("", "90", 3)]) == []


def test_charges_in_two_weekly_reports_are_a_duplicate() -> None:
    rows = [charge("s1", "85", 2), charge("s1", "85", 2, day=10, sha=SHA_B)]
    (finding,) = find_duplicate_logistics(rows)
    assert {e.ref.sha256 for e in finding.evidence} == {SHA_A, SHA_B}


def test_a_second_export_of_the_same_report_does_not_count_twice() -> None:
    week = [charge("s1", "90", 2), charge("s1", "90", 3, day=5), charge("s2", "40", 4)]
    copy = [charge(r.srid, str(r.amount), r.ref.row, day=r.sale_date.day, sha=SHA_B) for r in week]
    (finding,) = find_duplicate_logistics(week + copy)
    assert finding.details["charges"] == 2 and finding.amount == Decimal("90.00")


def test_the_same_api_row_seen_twice_counts_once() -> None:
    rows = [
        charge("s1", "90", 1, rrd="1001"),
        charge("s1", "90", 2, rrd="1002"),
        charge("s1", "90", 7, rrd="1002"),
    ]
    (finding,) = find_duplicate_logistics(rows)
    assert finding.details["charges"] == 2


def test_classification_follows_the_operation_and_the_direction() -> None:
    assert classify_logistics("логистика", 1, 0) is Operation.FORWARD
    assert classify_logistics(" Логистика\u00a0 сторно ", 1, 0) is Operation.STORNO_FORWARD
    assert classify_logistics("Логистика", 0, 1) is Operation.BACKWARD
    assert classify_logistics("Логистика сторно", 0, 1) is Operation.STORNO_BACKWARD
    assert classify_logistics("Логистика", 0, 0) is Operation.OTHER
    assert classify_logistics("Продажа", 1, 0) is Operation.OTHER
