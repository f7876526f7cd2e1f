"""Stable ids, the status lifecycle, the appeal grouping, summaries and deadlines."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mpdesk.adapters.calendar_files import load_calendar
from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.domain.audit.columns import normalize_header
from mpdesk.domain.audit.findings import (
    Finding,
    FindingKind,
    FindingStatus,
    SavedFinding,
    appeal_key,
    finding_id,
    make_finding,
)
from mpdesk.domain.audit.run import objection_deadline, summarize
from mpdesk.domain.errors import UserInputError
from mpdesk.domain.knowledge import DeadlineRule

NOW = datetime(2026, 11, 20, 7, tzinfo=UTC)


def finding(
    kind: FindingKind = FindingKind.PENALTY,
    amount: str | None = "300",
    keys: dict[str, str] | None = None,
    group: str = "412345678",
) -> Finding:
    return make_finding(
        kind,
        "wb",
        keys or {"srid": "s1", "row_id": "5"},
        {},
        [],
        Decimal(amount) if amount else None,
        date(2026, 11, 9),
        group,
    )


def test_ids_depend_on_kind_and_keys_only() -> None:
    a = finding_id(FindingKind.PENALTY, {"srid": "s1", "row_id": "5"})
    assert a == finding_id(FindingKind.PENALTY, {"row_id": "5", "srid": "s1"})
    assert a != finding_id(FindingKind.DUPLICATE_LOGISTICS, {"srid": "s1", "row_id": "5"})
    assert a != finding_id(FindingKind.PENALTY, {"srid": "s1", "row_id": "5"}, scope="f")
    assert a == "1f5ea4cde1257c60"  # pinned: ids must not change between versions


def test_amounts_are_rounded_to_kopecks() -> None:
    assert finding(amount="10.005").amount == Decimal("10.01")


def test_lifecycle_with_recovered_amount() -> None:
    saved = SavedFinding(finding(), 1, FindingStatus.NEW, NOW, NOW)
    saved.transition(FindingStatus.DRAFTED, NOW)
    saved.transition(FindingStatus.CLAIMED, NOW, "подана претензия")
    saved.recover(Decimal("150.5"), NOW)
    assert saved.status is FindingStatus.RECOVERED and saved.amount_recovered == Decimal("150.50")
    with pytest.raises(UserInputError) as err:
        saved.transition(FindingStatus.NEW, NOW)
    assert err.value.code == "finding_invalid_transition"


def test_dismissed_can_be_restored_and_negative_recoveries_are_refused() -> None:
    saved = SavedFinding(finding(), 1, FindingStatus.NEW, NOW, NOW)
    saved.transition(FindingStatus.DISMISSED, NOW)
    saved.transition(FindingStatus.NEW, NOW)
    saved.transition(FindingStatus.CLAIMED, NOW)
    with pytest.raises(UserInputError):
        saved.recover(Decimal("-1"), NOW)


def test_refresh_takes_the_newest_audit_only_while_new() -> None:
    saved = SavedFinding(finding(amount="300"), 1, FindingStatus.NEW, NOW, NOW)
    assert not saved.refresh(finding(amount="300"), NOW)
    assert saved.refresh(finding(amount="350"), NOW) and saved.finding.amount == Decimal("350")
    saved.transition(FindingStatus.DISMISSED, NOW)
    assert not saved.refresh(finding(amount="400"), NOW)


def test_appeals_group_supplies_and_reports() -> None:
    short = finding(FindingKind.ACCEPTANCE_SHORTFALL, keys={"supply_id": "1", "barcode": "2"})
    extra = finding(FindingKind.ACCEPTANCE_SURPLUS, keys={"supply_id": "1", "barcode": "3"})
    assert appeal_key(short) == appeal_key(extra) == ("acceptance", "1")
    assert appeal_key(finding()) == ("penalty", "412345678")


def test_summary_by_kind_and_total() -> None:
    by_kind, total = summarize(
        [finding(), finding(amount="500"), finding(FindingKind.ACCEPTANCE_SURPLUS, None)]
    )
    assert by_kind[FindingKind.PENALTY].count == 2
    assert by_kind[FindingKind.PENALTY].amount == Decimal("800.00")
    assert by_kind[FindingKind.ACCEPTANCE_SURPLUS].amount == Decimal("0.00")
    assert list(by_kind) == [FindingKind.ACCEPTANCE_SURPLUS, FindingKind.PENALTY]
    assert total == Decimal("800.00")


RULES = (
    DeadlineRule("wb_weekly_report_objection", "objection", 7, False, "wb", ("finance",)),
    DeadlineRule("wb_acceptance_act_objection", "objection", 7, False, "wb", ("acceptance",)),
)


#: the shipped working-day calendar (the one ticket deadlines use)
CALENDAR = load_calendar(KnowledgeFiles(None))


def test_the_deadline_comes_from_the_kinds_rule() -> None:
    assert objection_deadline(finding(), RULES, CALENDAR) == date(2026, 11, 16)
    ozon = make_finding(
        FindingKind.OZON_WRITEOFF,
        "ozon",
        {"operation_id": "1"},
        {},
        [],
        Decimal(1),
        date(2026, 11, 9),
        "g",
    )
    assert objection_deadline(ozon, RULES, CALENDAR) is None
    assert objection_deadline(finding(), (), CALENDAR) is None


def on(day: date) -> Finding:
    f = finding()
    return make_finding(f.kind, "wb", f.keys, {}, [], f.amount, day, f.group)


@pytest.mark.parametrize(
    ("event", "working", "calendar_days"),
    [
        # 30.12 (1); 31.12.2026 a day off (moved from 3.01); 1–8.01 public holidays; 9–10.01
        # a weekend; 11.01 (2), 12.01 (3)
        (date(2026, 12, 29), date(2027, 1, 12), date(2027, 1, 1)),
        # 1.05 Labour Day, 2–3.05 a weekend, then 4, 5, 6.05
        (date(2026, 4, 30), date(2026, 5, 6), date(2026, 5, 3)),
        # 4.11 Day of National Unity: 3.11 (1), 5.11 (2), 6.11 (3)
        (date(2026, 11, 2), date(2026, 11, 6), date(2026, 11, 5)),
        # an ordinary week: the weekend alone is skipped
        (date(2026, 11, 20), date(2026, 11, 25), date(2026, 11, 23)),
    ],
)
def test_working_days_skip_the_russian_public_holidays(
    event: date, working: date, calendar_days: date
) -> None:
    rules = (DeadlineRule("wb_weekly_report_objection", "objection", 3, True, "wb", ("finance",)),)
    plain = (DeadlineRule("wb_weekly_report_objection", "objection", 3, False, "wb", ("finance",)),)
    assert objection_deadline(on(event), rules, CALENDAR) == working
    assert objection_deadline(on(event), plain, CALENDAR) == calendar_days


@given(st.text())
def test_header_normalisation_is_idempotent(text: str) -> None:
    once = normalize_header(text)
    assert normalize_header(once) == once


def test_header_normalisation_ignores_case_yo_nbsp_spaces_and_trailing_dots() -> None:
    assert normalize_header(" Дата\u00a0приёмки. ") == normalize_header("дата  приемки")
    assert normalize_header("Размер  кВВ без НДС, % Базовый") == "размер квв без ндс, % базовый"
