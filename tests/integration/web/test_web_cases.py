"""Cases in the web app and the API (SQLite and PostgreSQL): resolving the claim closes the
earlier appeals with a reason and stops their clocks, the case block and page, the case in the
API, money once per case on «Сводка», and the duplicate offer of the new-appeal form."""

from __future__ import annotations

from tests.web_support import World, csrf_of, escalate_to_claim, sign_in

from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.tickets import Status
from mpdesk.services import deadline_views, journal, ticket_actions


def claim_case(world: World) -> tuple[int, int, int]:
    """Shop A's appeal about supply 24567891 (235 ₽), its follow-up and its claim, all sent."""
    ctx = world.wctx.ctx
    first = world.ticket_a
    ticket_actions.update_ticket(
        ctx, OWNER, first, ticket_actions.TicketChanges(amount_claimed="235.00")
    )
    follow, claim = escalate_to_claim(ctx, first)
    return first, follow, claim


def test_resolving_the_claim_closes_the_case_on_the_page_and_in_the_api(world: World) -> None:
    first, follow, claim = claim_case(world)
    ctx = world.wctx.ctx
    boss = world.client()
    sign_in(boss, "boss")
    page = boss.get(f"/tickets/{claim}").text
    done = boss.post(
        f"/tickets/{claim}/status",
        data={"to": "resolved", "csrf_token": csrf_of(page), "amount_recovered": "235"},
    )
    assert done.status_code == 303, done.text
    reason = f"закрыто: решено по претензии №{claim}"
    for tid in (first, follow):
        ticket = journal.get_ticket(ctx, OWNER, tid)
        assert ticket.status is Status.RESOLVED and ticket.reply_due_at is None
        assert any(m.body == reason for m in ticket.messages)
    html = boss.get(f"/tickets/{first}").text
    assert 'id="case"' in html and f"Дело №{first}" in html
    assert reason in html and "235,00" in html
    case_page = boss.get(f"/cases/{follow}")  # any appeal's number opens its case
    assert case_page.status_code == 200 and f"Дело №{first}" in case_page.text
    assert "досудебная претензия" in case_page.text
    # the clocks stopped: nothing overdue or awaiting in the shop
    summary = deadline_views.summary(ctx, [world.shop_a])
    assert summary.awaiting == 0 and summary.overdue == 0
    assert summary.recovered == "235.00"  # once, not per appeal

    api = world.api_client(world.admin_token)
    body = api.get(f"/api/v1/cases/{first}").json()
    assert body["state"] == "resolved" and body["decided_by"] == claim
    assert body["amount_claimed"] == "235.00" and body["amount_recovered"] == "235.00"
    assert [a["role"] for a in body["appeals"]] == ["appeal", "follow_up", "claim"]
    assert body["appeals"][0]["closed_reason"] == reason
    # another shop's manager: not found
    other = world.api_client(world.manager_token)
    assert other.get(f"/api/v1/cases/{first}").status_code == 404
    max_ = world.client()
    sign_in(max_, "max")
    assert max_.get(f"/cases/{first}").status_code == 404


def test_money_is_counted_once_per_case_on_the_dashboard(world: World) -> None:
    claim_case(world)
    summary = deadline_views.summary(world.wctx.ctx, [world.shop_a])
    assert summary.claimed_open == "235.00"  # not 705: #14, #15 and #16 are one case
    api = world.api_client(world.admin_token)
    numbers = api.get(f"/api/v1/stats/dashboard?shop_id={world.shop_a}").json()
    assert numbers["summary"]["claimed_open"] == "235.00"


def test_new_appeal_form_offers_the_open_case_of_the_same_supply(world: World) -> None:
    first, _follow, _claim = claim_case(world)
    boss = world.client()
    sign_in(boss, "boss")
    form = boss.get("/tickets/new").text
    values = {
        "csrf_token": csrf_of(form),
        "text": "Снова недостача по поставке 24567891",
        "marketplace": "wb",
        "category": "acceptance",
        "shop_id": str(world.shop_a),
        "id_supply_id": "24567891",
    }
    preview = boss.post("/tickets/new/preview", data=values, headers={"HX-Request": "true"})
    assert 'id="duplicates"' in preview.text
    assert f"дело №{first}" in preview.text and "открыть новое дело" in preview.text
    other = dict(values, id_supply_id="99999999")
    assert 'id="duplicates"' not in boss.post("/tickets/new/preview", data=other).text
    created = boss.post("/tickets", data={**values, "follow_up_of": str(_claim)})
    assert created.status_code == 303, created.text
    new_id = int(created.headers["location"].split("/")[2].split("?")[0])
    body = world.api_client(world.admin_token).get(f"/api/v1/tickets/{new_id}").json()
    assert body["case_id"] == first and body["parent_id"] == _claim
    api = world.api_client(world.admin_token)
    query = {"marketplace": "wb", "identifiers": [{"type": "supply_id", "value": "24567891"}]}
    (dup,) = api.post("/api/v1/duplicate-cases", json=query).json()
    assert dup["case_id"] == first and new_id in dup["ticket_ids"]
    opened = api.post("/api/v1/tickets", json={**query, "category": "acceptance",
                                               "follow_up_of": first})  # fmt: skip
    assert opened.status_code == 201 and opened.json()["case_id"] == first
    viewer = world.api_client(world.manager_token)  # shop B's manager: not their case
    assert viewer.post("/api/v1/duplicate-cases", json=query).json() == []
