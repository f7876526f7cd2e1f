"""Search pages in id order take a fast path (FTS5 in rowid order on SQLite; the newest tickets
first, then the GIN index, on PostgreSQL): every page must equal the same slice of the full,
plainly computed result, in both directions, with filters, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from tests.conftest import FROZEN_NOW, require_pg
from tests.journals import JournalPool

from mpdesk.adapters.db import search
from mpdesk.bootstrap import App, bootstrap
from mpdesk.config import Settings
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.accounts import Principal
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import Status
from mpdesk.services import journal, ticket_actions
from mpdesk.services.ports.journal import TicketFilter

TEXTS = [
    "Удержан штраф за габариты товара",
    "Поставка принята не полностью, по акту приёмки не хватает штук",
    "Просим вернуть штрафы за несоответствие габаритов",
    "Карточка товара скрыта из поиска",
    "При приёмке поставки товар оприходован под другим артикулом",
]


def _fill(app: App) -> list[int]:
    ids = []
    for i in range(25):
        opened = journal.open_ticket(
            app.ctx, OWNER, AppealDraft("wb", "other", TEXTS[i % len(TEXTS)])
        )
        assert opened.ticket.id is not None
        ids.append(opened.ticket.id)
        if i % 3 == 0:
            ticket_actions.submit_ticket(app.ctx, OWNER, opened.ticket.id, f"SD-{i}")
    return ids


@pytest.fixture
def journal_ids(app: App) -> list[int]:
    """The 25 tickets in this test's own journal (for the tests that add more)."""
    return _fill(app)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def filled(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    journal_pool: JournalPool,
) -> Iterator[tuple[App, list[int]]]:
    """The same 25 tickets, written once per database for the tests that only read them."""
    home = tmp_path_factory.mktemp("search")
    schema = None
    if request.param == "sqlite":
        url = journal_pool.sqlite_copy(home / "journal.db")
    else:
        require_pg()
        schema = journal_pool.take_schema()
        url = journal_pool.url(schema)
    app = bootstrap(Settings(home=home, database_url=url, now=FROZEN_NOW, kb_dir=home / "kb"))
    yield app, _fill(app)
    assert app.engine is not None
    app.engine.dispose()
    if schema is not None:
        journal_pool.give_back(schema)


def pages(app: App, flt: TicketFilter, size: int) -> list[int]:
    out: list[int] = []
    with app.ctx.uow() as uow:
        for offset in range(0, 40, size):
            page = uow.tickets.list(replace(flt, limit=size, offset=offset))
            out += [t.id for t in page if t.id is not None]
    return out


def everything(app: App, flt: TicketFilter) -> list[int]:
    """The plain way: all matches (no limit), ordered in the database."""
    with app.ctx.uow() as uow:
        return [t.id for t in uow.tickets.list(flt) if t.id is not None]


@pytest.mark.parametrize("window", [search.PG_WINDOW, 3])
@pytest.mark.parametrize("order_by", ["-id", "id"])
@pytest.mark.parametrize(
    "flt",
    [
        TicketFilter(text="штраф"),
        TicketFilter(text="приёмке"),
        TicketFilter(text="штраф", status=[Status.SUBMITTED]),
        TicketFilter(text="поставки товар"),
        TicketFilter(text="габари"),  # a word still being typed also matches as a prefix
    ],
    ids=["word", "other-form", "with-status", "two-words", "prefix"],
)
def test_search_pages_in_id_order_equal_the_full_result(
    filled: tuple[App, list[int]],
    flt: TicketFilter,
    order_by: str,
    window: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, _ = filled
    monkeypatch.setattr(search, "PG_WINDOW", window)  # 3: most matches come from the GIN step
    flt = replace(flt, order_by=order_by)
    expected = everything(app, flt)
    assert expected, "the fixture must match something"
    assert expected == sorted(expected, reverse=order_by == "-id")
    assert pages(app, flt, 4) == expected
    assert pages(app, flt, 50) == expected
    with app.ctx.uow() as uow:
        assert uow.tickets.count_upto(flt, 1000) == len(expected)
        assert uow.tickets.count_upto(flt, 3) == 3
        assert uow.tickets.count(flt) == len(expected)


def test_search_results_are_the_matching_tickets(filled: tuple[App, list[int]]) -> None:
    app, journal_ids = filled
    fines = [tid for i, tid in enumerate(journal_ids) if i % len(TEXTS) in (0, 2)]
    assert pages(app, TicketFilter(text="штрафы"), 4) == fines[::-1]
    assert pages(app, TicketFilter(text="нет такого слова"), 4) == []


def test_query_without_searchable_words_lists_everything(filled: tuple[App, list[int]]) -> None:
    app, journal_ids = filled
    assert pages(app, TicketFilter(text="и в на"), 10) == journal_ids[::-1]


@pytest.mark.parametrize(
    ("flt", "cap_name", "matching"),
    [
        (TicketFilter(), "COUNT_CAP", 25),
        (TicketFilter(text="приёмке"), "SEARCH_COUNT_CAP", 10),
    ],
)
def test_page_totals_are_exact_up_to_the_cap(
    filled: tuple[App, list[int]],
    flt: TicketFilter,
    cap_name: str,
    matching: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page's total is exact up to the cap (a search has its own, smaller one), then
    «more than the cap»; the page itself never depends on the count."""
    app, _ = filled
    admin = Principal(user_id=1, login="a", name="a", is_admin=True)
    monkeypatch.setattr(journal, "COUNT_CAP", 1000)
    monkeypatch.setattr(journal, "SEARCH_COUNT_CAP", 1000)
    exact = journal.list_page(app.ctx, admin, replace(flt, limit=4))
    assert (exact.total, exact.capped, exact.has_next) == (matching, False, True)
    monkeypatch.setattr(journal, cap_name, matching - 1)
    capped = journal.list_page(app.ctx, admin, replace(flt, limit=4))
    assert (capped.total, capped.capped) == (matching - 1, True)
    assert [t.id for t in capped.tickets] == [t.id for t in exact.tickets]
    monkeypatch.setattr(journal, cap_name, matching)
    at_cap = journal.list_page(app.ctx, admin, replace(flt, limit=4, offset=4))
    assert (at_cap.total, at_cap.capped) == (matching, False)


@pytest.mark.parametrize(
    "flt",
    [
        TicketFilter(),
        TicketFilter(status=[Status.SUBMITTED]),
        TicketFilter(status=[Status.DRAFT], order_by="id"),
        TicketFilter(marketplace="wb", order_by="-updated_at"),
    ],
)
@pytest.mark.parametrize(("offset", "cap"), [(0, 1000), (4, 1000), (0, 5), (8, 3)])
def test_a_page_and_its_capped_count_come_from_one_statement(
    filled: tuple[App, list[int]], flt: TicketFilter, offset: int, cap: int
) -> None:
    app, _ = filled
    paged = replace(flt, limit=4, offset=offset)
    with app.ctx.uow() as uow:
        tickets, counted = uow.tickets.list_counted(paged, cap)
        assert [t.id for t in tickets] == [t.id for t in uow.tickets.list(paged)]
        assert [t.identifiers for t in tickets] == [t.identifiers for t in uow.tickets.list(paged)]
        if tickets:
            assert counted == min(uow.tickets.count(flt), cap)
        else:
            assert counted is None
        beyond = uow.tickets.list_counted(replace(flt, limit=4, offset=100), cap)
        assert beyond == ([], None)
        searched, not_counted = uow.tickets.list_counted(replace(paged, text="штраф"), cap)
        assert not_counted is None
        assert [t.id for t in searched] == [
            t.id for t in uow.tickets.list(replace(paged, text="штраф"))
        ]


def test_a_word_being_typed_matches_as_a_prefix_a_finished_word_by_its_forms(
    app: App, journal_ids: list[int]
) -> None:
    fines = [tid for i, tid in enumerate(journal_ids) if i % len(TEXTS) in (0, 2)]
    assert pages(app, TicketFilter(text="штра"), 50) == fines[::-1]  # not a word: a prefix
    assert pages(app, TicketFilter(text="штрафами"), 50) == fines[::-1]  # any form
    opened = journal.open_ticket(app.ctx, OWNER, AppealDraft("wb", "other", "Штрафной коэффициент"))
    # a finished word does not also look for longer words (the index would walk every
    # document with «штраф» for it); while it is being typed, it does
    assert opened.ticket.id not in pages(app, TicketFilter(text="штраф"), 50)
    assert opened.ticket.id in pages(app, TicketFilter(text="штрафн"), 50)
    assert search.fts5_query("штраф") == '("штраф")'
    assert search.tsquery("штра") == "('штра' | 'штра':*)"


def test_listed_tickets_carry_their_identifiers_in_order(app: App, journal_ids: list[int]) -> None:
    idents = [
        Identifier(IdType.VENDOR_CODE, "ART-9"),
        Identifier(IdType.SUPPLY_ID, "24567891"),
        Identifier(IdType.SKU, "12345678"),
        Identifier(IdType.AMOUNT, "4300.50"),
    ]
    draft = AppealDraft("wb", "acceptance", "Недостача по поставке", identifiers=idents)
    opened = journal.open_ticket(app.ctx, OWNER, draft)
    with app.ctx.uow() as uow:
        stored = uow.tickets.get(opened.ticket.id or 0)
        assert stored is not None and len(stored.identifiers) == 4
        listed, total = uow.tickets.list_counted(TicketFilter(limit=3), 1000)
        assert total == len(journal_ids) + 1
        assert listed[0].id == opened.ticket.id
        assert listed[0].identifiers == stored.identifiers
        assert [t.identifiers for t in listed[1:]] == [
            t.identifiers for t in uow.tickets.list(TicketFilter(limit=3))[1:]
        ]
        bare, _ = uow.tickets.list_counted(TicketFilter(limit=3, identifiers=False), 1000)
        assert bare[0].identifiers == []
