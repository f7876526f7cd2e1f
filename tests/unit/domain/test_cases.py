"""The rules of a case: its state, its money counted once, which appeals a final outcome
closes, and when a case still catches a duplicate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from mpdesk.domain import cases
from mpdesk.domain.cases import CaseRole, CaseState
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import Event, Status, Ticket

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def ticket(tid: int, status: Status, parent: int | None = None, **kw: Any) -> Ticket:
    values: dict[str, Any] = {
        "shop_id": 1, "marketplace": "wb", "category": "acceptance", "subject": "s",
        "body": "b", "description": "d", "created_at": NOW, "updated_at": NOW,
        "status": status, "parent_id": parent, "case_id": 14, "id": tid,
    }  # fmt: skip
    values.update(kw)
    return Ticket(**values)


def chain(claim_status: Status = Status.SUBMITTED) -> list[Ticket]:
    first = ticket(14, Status.SUBMITTED, amount_claimed="235.00", reply_due_at=NOW)
    first.events.append(Event("claim", NOW, to_value="16"))
    return [
        first,
        ticket(15, Status.ANSWERED, 14, amount_claimed="235.00"),
        ticket(16, claim_status, 14, amount_claimed="235.00"),
    ]


def test_money_is_the_case_amount_once_and_drafts_carry_none() -> None:
    assert cases.case_money(chain()) == (Decimal("235.00"), None)
    drafts = [ticket(20, Status.DRAFT, amount_claimed="99.00"),
              ticket(21, Status.READY, 20, amount_claimed="99.00")]  # fmt: skip
    assert cases.case_money(drafts) == (None, None)
    partial = chain()
    partial[0].amount_recovered, partial[2].amount_recovered = "100.00", "200.00"
    assert cases.case_money(partial) == (Decimal("235.00"), Decimal("235.00"))  # capped


def test_the_claims_outcome_closes_the_earlier_appeals_and_stops_their_clock() -> None:
    members = chain(Status.RESOLVED)
    final = members[2]
    assert cases.role_of(final, members) is CaseRole.CLAIM
    assert cases.role_of(members[1], members) is CaseRole.FOLLOW_UP
    closing = cases.to_close(members, final)
    assert [t.id for t in closing] == [14, 15]
    for t in closing:  # a moment after the claim: the claim still decided the case
        cases.close_by(t, final, NOW + timedelta(seconds=1), "cli", "closed")
    assert all(t.status is Status.RESOLVED for t in members)
    assert members[0].reply_due_at is None and not members[0].is_overdue(NOW + timedelta(days=9))
    assert members[0].events[-1].kind == "case_closed" and members[0].events[-1].to_value == "16"
    assert cases.case_state(members) is CaseState.RESOLVED
    assert cases.deciding_ticket(members) is final


def test_an_appeal_sent_after_a_rejection_keeps_the_case_open() -> None:
    members = [
        ticket(1, Status.REJECTED, closed_at=NOW),
        ticket(2, Status.SUBMITTED, 1),
        ticket(3, Status.DRAFT, 2),
    ]
    assert cases.case_state(members) is CaseState.OPEN
    assert cases.to_close(members, members[0]) == []  # nothing earlier than the rejection
    assert cases.case_state([ticket(9, Status.DRAFT)]) is CaseState.DRAFT


def test_a_case_catches_duplicates_while_open_and_30_days_after_its_outcome() -> None:
    open_case = chain()
    assert cases.is_duplicate_candidate(open_case, NOW)
    done = [ticket(1, Status.RESOLVED, closed_at=NOW - timedelta(days=29))]
    assert cases.is_duplicate_candidate(done, NOW)
    old = [ticket(1, Status.RESOLVED, closed_at=NOW - timedelta(days=31))]
    assert not cases.is_duplicate_candidate(old, NOW)
    assert not cases.is_duplicate_candidate([ticket(1, Status.DRAFT)], NOW)
    ids = [Identifier(IdType.SKU, "1"), Identifier(IdType.VENDOR_CODE, "a"),
           Identifier(IdType.AMOUNT, "5"), Identifier(IdType.SUPPLY_ID, "2")]  # fmt: skip
    assert [i.type for i in cases.problem_identifiers(ids)] == [IdType.SKU, IdType.SUPPLY_ID]
