"""A journal kept as a table (the seller's own Excel or CSV, or mpdesk's export): which column
is which field, and the stable key that makes a re-import add nothing twice.

Column names are data (``knowledge/journal_columns.yaml``: Russian and English synonyms per
field); headers are compared after ``normalize_header`` (case, ё/е, spaces, trailing dots).
Pure functions: no files, no clock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from mpdesk.domain.audit.columns import normalize_header

#: the fields a journal row can fill, in the order a preview shows them
FIELDS = (
    "shop", "marketplace", "category", "status", "channel", "subject", "description",
    "external_id", "event_date", "created_at", "submitted_at", "reply_due_at",
    "amount_claimed", "amount_recovered", "identifiers", "supply_id", "order_id", "sku",
    "vendor_code", "barcode",
)  # fmt: skip
#: identifier types that have a column of their own
IDENTIFIER_FIELDS = ("supply_id", "order_id", "sku", "vendor_code", "barcode")
#: a header row must name at least this many known fields
MIN_MATCHED = 2


@dataclass(frozen=True)
class JournalVocabulary:
    """``columns``: field → header names; ``statuses``: status id → words for it."""

    columns: dict[str, tuple[str, ...]]
    statuses: dict[str, tuple[str, ...]]

    def status_of(self, text: str) -> str | None:
        wanted = normalize_header(text)
        for status, words in self.statuses.items():
            if wanted == status or wanted in {normalize_header(w) for w in words}:
                return status
        return None


@dataclass(frozen=True)
class HeaderChoice:
    index: int  # 0-based row (XLSX) or line (CSV) of the header
    columns: dict[int, str]  # column position → field
    cells: dict[int, str]  # the header row's text by position

    @property
    def headers(self) -> dict[str, str]:
        """Field → its header as the file writes it."""
        return {f: self.cells[p] for p, f in self.columns.items()}

    @property
    def ignored(self) -> list[str]:
        """Headers of the row that name no field."""
        return [t for p, t in sorted(self.cells.items()) if p not in self.columns and t.strip()]


def match_header(vocabulary: JournalVocabulary, cells: dict[int, str]) -> dict[int, str]:
    """Column position → field for one header row; the first column named for a field wins."""
    lookup: dict[str, str] = {}
    for field, names in vocabulary.columns.items():
        for name in (field, *names):
            lookup.setdefault(normalize_header(name), field)
    found: dict[int, str] = {}
    for position, text in sorted(cells.items()):
        named = lookup.get(normalize_header(text))
        if named is not None and named not in found.values():
            found[position] = named
    return found


def pick_header(
    vocabulary: JournalVocabulary, rows: Iterable[tuple[int, dict[int, str]]]
) -> HeaderChoice | None:
    """The row among the first ones that names the most fields (at least ``MIN_MATCHED``);
    a tie goes to the earlier row (a title above the table names fewer)."""
    best: HeaderChoice | None = None
    for index, cells in rows:
        columns = match_header(vocabulary, cells)
        if len(columns) >= MIN_MATCHED and (best is None or len(columns) > len(best.columns)):
            best = HeaderChoice(index, columns, dict(cells))
    return best


def row_key(
    shop_id: int,
    marketplace: str,
    external_id: str,
    category: str,
    subject: str,
    event_date: date | None,
    created_on: date | None,
) -> str:
    """The stable key of a journal row: the marketplace's number of the appeal when there is
    one, else a digest of what the row says (shop, category, subject, event date and, when
    the file has it, the day the appeal was made). The status and the amounts are not part
    of it, so a re-import after the seller updated them still finds the appeal."""
    if external_id.strip():
        return f"mp:{shop_id}:{normalize_header(external_id)}"
    parts = [
        str(shop_id),
        marketplace,
        category,
        normalize_header(subject),
        event_date.isoformat() if event_date else "",
        created_on.isoformat() if created_on else "",
    ]
    return "row:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
