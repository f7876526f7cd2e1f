"""penalty: every non-zero fine is a finding, unless a reversal cancels it."""

from datetime import date
from decimal import Decimal

from mpdesk.domain.audit.findings import FindingKind
from mpdesk.domain.audit.penalties import find_penalties
from mpdesk.domain.audit.rows import PenaltyRow, RowRef


def fine(srid: str, amount: str, row: int, rrd: str = "", sha: str = "a" * 64) -> PenaltyRow:
    return PenaltyRow(
        ref=RowRef("detail.xlsx", sha, row),
        srid=srid,
        amount=Decimal(amount),
        reason="Штраф МП. Невыполненный заказ",
        nm_id="183804172",
        rrd_id=rrd,
        report="412345678",
        report_date=date(2026, 11, 9),
    )


def test_each_fine_is_a_finding_with_its_amount() -> None:
    findings = find_penalties([fine("s1", "300", 5), fine("", "500", 9)])
    assert [(f.keys, f.amount) for f in findings] == [
        ({"srid": "s1", "row_id": "5"}, Decimal("300.00")),
        ({"srid": "", "row_id": "9"}, Decimal("500.00")),
    ]
    assert {f.kind for f in findings} == {FindingKind.PENALTY}
    assert findings[0].details["reason"] == "Штраф МП. Невыполненный заказ"


def test_a_reversed_fine_is_not_a_finding() -> None:
    assert find_penalties([fine("s1", "1000", 5), fine("s1", "-1000", 8)]) == []


def test_a_reversal_of_another_amount_cancels_nothing() -> None:
    (finding,) = find_penalties([fine("s1", "1000", 5), fine("s1", "-300", 8)])
    assert finding.amount == Decimal("1000.00")


def test_the_api_row_id_keys_the_finding_and_file_rows_are_told_apart_by_content() -> None:
    (api,) = find_penalties([fine("s1", "300", 5, rrd="1006")])
    assert api.keys["row_id"] == "1006"
    (one,) = find_penalties([fine("", "500", 9, sha="a" * 64)])
    (again,) = find_penalties([fine("", "500", 9, sha="b" * 64)])  # the report downloaded again
    (other,) = find_penalties([fine("", "700", 9, sha="c" * 64)])  # row 9 of another report
    assert one.id == again.id and one.id != other.id


def test_zero_fines_are_skipped() -> None:
    assert find_penalties([fine("s1", "0", 5)]) == []
