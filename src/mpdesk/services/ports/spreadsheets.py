"""Ports of the journal's spreadsheets: a workbook of typed sheets written for accountants, and a
table (CSV or a workbook's first sheet) read back for the journal import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from mpdesk.domain.journal_table import HeaderChoice, JournalVocabulary

#: how a column's cells are typed: text, whole number, roubles, a day, a day and time
CellKind = Literal["text", "int", "money", "date", "datetime"]


@dataclass(frozen=True)
class SheetColumn:
    header: str
    kind: CellKind = "text"
    width: int = 14  # characters


@dataclass
class Sheet:
    """One worksheet: values are ``str``, ``int``, ``Decimal``, ``date`` or a naive local
    ``datetime`` (or None for an empty cell), as ``columns`` type them."""

    name: str
    columns: list[SheetColumn]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class ReadTable:
    """A table read for the import: ``format`` is ``csv``, ``xlsx``, ``xls`` or ``ods``;
    ``rows`` are (1-based row or line number in the file, field → cell text)."""

    format: str
    header: HeaderChoice
    rows: list[tuple[int, dict[str, str]]]


class JournalTableReader(Protocol):
    def sniff(self, path: Path) -> str:
        """What the file is by its content: ``json``, ``csv``, ``xlsx``, ``xls`` or ``ods``;
        anything else raises ``ImportFormatError``."""
        ...

    def read(
        self,
        path: Path,
        pick: Callable[[list[tuple[int, dict[int, str]]]], HeaderChoice | None],
    ) -> ReadTable:
        """Find the header among the first rows with ``pick`` (under each CSV separator) and
        read every row below it as text; raises ``ImportFormatError`` naming the file."""
        ...


@dataclass
class SpreadsheetPorts:
    reader: JournalTableReader
    vocabulary: Callable[[], JournalVocabulary]  # loaded on first use
