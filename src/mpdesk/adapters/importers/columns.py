"""Column vocabularies of the report kinds and the matching of a header row against them.

A ``Column`` lists the header names it is known under (report versions change them, research
§4.3 and §6) and its JSON keys (v5 snake_case, 2026 camelCase). Headers are compared after
``normalize_header`` (case, ё/е, NBSP, doubled spaces and trailing dots ignored); order is free
and unknown columns are ignored. Header names are the marketplaces' format, not UI text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from mpdesk.domain.audit.columns import normalize_header
from mpdesk.domain.audit.report import ReportKind


@dataclass(frozen=True)
class Column:
    name: str  # canonical id, used as the Polars column name
    headers: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()  # JSON keys, any of them

    @property
    def label(self) -> str:
        """How the column is called in the report (for messages)."""
        return self.headers[0] if self.headers else self.keys[0]


@dataclass(frozen=True)
class TableSpec:
    """One report kind read from a table: its columns, how it is recognised, what it needs."""

    kind: ReportKind
    columns: tuple[Column, ...]
    #: found canonical names → a score (0: not this kind); the highest score wins
    score: Callable[[set[str]], int]
    #: rule name → columns the rule needs; a file is usable when one rule has all of them
    needs: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def labels(self, names: Iterable[str]) -> list[str]:
        return [self.column(n).label for n in names]


@dataclass(frozen=True)
class HeaderMatch:
    spec: TableSpec
    header_index: int  # the row (XLSX) or line (CSV) of the header, 0-based
    columns: dict[int, str]  # column position → canonical name
    score: int

    @property
    def found(self) -> set[str]:
        return set(self.columns.values())


def match_columns(spec: TableSpec, cells: dict[int, str]) -> dict[int, str]:
    """Positions of the spec's columns in one header row (first synonym present wins)."""
    by_name: dict[str, int] = {}
    for position, text in sorted(cells.items()):
        by_name.setdefault(normalize_header(text), position)
    found: dict[int, str] = {}
    for column in spec.columns:
        for header in column.headers:
            at = by_name.get(normalize_header(header))
            if at is not None and at not in found:
                found[at] = column.name
                break
    return found


def best_header(
    specs: Sequence[TableSpec], rows: Iterable[tuple[int, dict[int, str]]]
) -> HeaderMatch | None:
    """The (kind, header row) pair with the highest score over the first rows of a table;
    ties go to the earlier spec and the earlier row."""
    best: HeaderMatch | None = None
    for index, cells in rows:
        for spec in specs:
            columns = match_columns(spec, cells)
            score = spec.score(set(columns.values()))
            if score > 0 and (best is None or score > best.score):
                best = HeaderMatch(spec, index, columns, score)
    return best


def json_key(column: Column, keys: set[str]) -> str | None:
    return next((k for k in column.keys if k in keys), None)
