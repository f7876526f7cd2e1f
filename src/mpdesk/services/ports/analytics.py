"""Analytics of the journal: the daily rollup, grouped counts, histograms."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from mpdesk.domain.stats import GroupCounts, JournalSummary
from mpdesk.domain.tickets import Ticket


@dataclass(frozen=True)
class StatsFilter:
    """Tickets created on local days ``[day_from, day_to)``, optionally one shop etc.
    ``shop_ids`` is the visibility scope of a person (``None`` = every shop)."""

    day_from: date | None = None
    day_to: date | None = None
    shop_id: int | None = None
    marketplace: str | None = None
    category: str | None = None
    shop_ids: tuple[int, ...] | None = None


#: one cell of the analytics grain: (local day, shop id, marketplace, category, channel id)
StatsCell = tuple[date, int, str, str, str]


class AnalyticsRepository(Protocol):
    """Aggregates of the journal from the daily rollup, refreshed from changed tickets.
    ``dims`` name groupings: marketplace, category, channel, shop, week, month."""

    def refresh(
        self,
        reply_minutes: Mapping[str, int],
        default_reply_minutes: int,
        tz_offset_minutes: int,
        now: datetime,
        full: bool = False,
    ) -> int:
        """Bring the rollup up to date (all of it when ``full`` or when the settings changed);
        returns the number of days recomputed."""
        ...

    def counts(
        self,
        flt: StatsFilter,
        dims: Sequence[str],
        now: datetime,
        tz_offset_minutes: int,
        overdue: Mapping[StatsCell, int] | None = None,
    ) -> list[GroupCounts]:
        """Grouped counts and money; "overdue now" comes from ``overdue`` cells when given
        (``overdue_cells`` of a wider filter, read once per dashboard), else it is counted."""
        ...

    def overdue_cells(
        self, flt: StatsFilter, now: datetime, tz_offset_minutes: int
    ) -> dict[StatsCell, int]:
        """Tickets awaiting a reply that is overdue at ``now``, counted per cell (live)."""
        ...

    def summary(
        self, shop_ids: Sequence[int] | None, now: datetime, soon: datetime
    ) -> JournalSummary:
        """The «Сводка» tiles from the rollup (open, money) and the reply clocks (live)."""
        ...

    def iter_clock_tickets(
        self,
        shop_ids: Sequence[int] | None,
        batch_size: int = 2000,
        with_identifiers: bool = False,
    ) -> Iterator[list[Ticket]]:
        """Open tickets that may have a running clock (awaiting a reply, unsent with an event
        date, or linked to a parent), without texts and correspondence (identifiers on
        request), in batches."""
        ...

    def iter_clock_batches(
        self,
        shop_ids: Sequence[int] | None,
        batch_size: int = 2000,
        with_identifiers: bool = False,
        with_links: bool = True,
    ) -> Iterator[tuple[list[Ticket], dict[int, tuple[list[int], list[int]]]]]:
        """``iter_clock_tickets`` with each batch's ``links`` read on the same connection
        (a caller never needs a second connection while the batches stream)."""
        ...

    def histograms(
        self, flt: StatsFilter, dims: Sequence[str]
    ) -> dict[tuple[str, ...], tuple[list[int], list[int]]]:
        """Per group: (time to first answer, time to resolution) bucket counts."""
        ...

    def repeated_identifiers(
        self,
        flt: StatsFilter,
        id_types: Sequence[str],
        min_count: int,
        limit: int,
        tz_offset_minutes: int,
    ) -> list[tuple[str, str, str, int, list[int]]]:
        """``(marketplace, id_type, value, tickets, ticket_ids)`` seen in several tickets."""
        ...

    def texts(
        self, flt: StatsFilter, limit: int, tz_offset_minutes: int
    ) -> list[tuple[int, str, str, str, str]]:
        """Newest ``(id, marketplace, category, subject, description)`` first."""
        ...

    def findings_money(self, flt: StatsFilter) -> tuple[int, int, int] | None:
        """``(findings, at_stake_kopecks, recovered_kopecks)`` from the audit findings table,
        or ``None`` when the journal has no findings table."""
        ...

    def links(self, parents: Mapping[int, int | None]) -> dict[int, tuple[list[int], list[int]]]:
        """For each ticket id (mapped to its parent id): ``(follow_up_ids, claim_ids)`` from
        its ``follow_up``/``claim`` events; parents are read too, to tell a claim child."""
        ...
