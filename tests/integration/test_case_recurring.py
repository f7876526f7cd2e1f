"""Recurring problems count cases (SQLite and PostgreSQL): a case's own follow-up and claim do
not make its supply «repeated» nor its text «similar»; keyword labels are real words."""

from __future__ import annotations

from mpdesk.adapters.lemmatizer import Lemmatizer
from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.services import analytics, ticket_actions
from mpdesk.services import journal as journal_service
from mpdesk.services.ports.analytics import StatsFilter
from mpdesk.services.shops import add_shop

TEXT = "Коробки были вскрыты при перевозке, товары были повреждены и пришли без упаковки"


def _open(app: App, shop: int, ident: Identifier, text: str = TEXT) -> int:
    draft = AppealDraft("wb", "logistics", text, [ident])
    tid = journal_service.open_ticket(app.ctx, OWNER, draft, shop_id=shop).ticket.id
    assert tid is not None
    return tid


def test_a_cases_follow_ups_are_not_a_recurring_problem(app: App) -> None:
    shop = add_shop(app.ctx, "Магазин", "wb").id
    supply = Identifier(IdType.SUPPLY_ID, "31000001")
    first = _open(app, shop, supply)
    ticket_actions.submit_ticket(app.ctx, OWNER, first, "SD-1", "wb_service_desk")
    ticket_actions.follow_up(app.ctx, OWNER, first)  # same supply, same text: the same case
    ids, clusters = analytics.recurring_problems(app.ctx, StatsFilter())
    assert ids == [] and clusters == []

    sku = Identifier(IdType.SKU, "146395522")
    a, b = _open(app, shop, sku), _open(app, shop, sku)  # two cases about one SKU
    ids, clusters = analytics.recurring_problems(app.ctx, StatsFilter())
    assert [(r.value, r.tickets, r.ticket_ids) for r in ids] == [("146395522", 2, [a, b])]
    (cluster,) = clusters
    assert set(cluster.ticket_ids) == {first, a, b}  # one text per case
    assert "быль" not in cluster.top_lemmas and "переть" not in cluster.top_lemmas
    assert {"коробка", "вскрыть"} <= set(cluster.top_lemmas)


def test_keywords_take_the_most_probable_dictionary_form() -> None:
    words = Lemmatizer().keywords("были стали коробки").split()
    assert words == ["быть", "стать", "коробка"]
    assert "быль" in Lemmatizer().document("были").split()  # search keeps every reading
