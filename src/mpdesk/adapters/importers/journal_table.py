"""``FileJournalTableReader``: the journal import's table reader, as the composition root wires
it. The spreadsheet engines (polars, fastexcel) load with ``journal_table_files`` on the first
journal read, as the PDF writer loads WeasyPrint on the first PDF: every command starts
without them (``mpdesk triage`` among others), and only an import pays for them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mpdesk.domain.journal_table import HeaderChoice
from mpdesk.services.ports.spreadsheets import ReadTable

#: chooses the header row among the first rows (row index, column → text), or says none is
Pick = Callable[[list[tuple[int, dict[int, str]]]], HeaderChoice | None]


class FileJournalTableReader:
    def sniff(self, path: Path) -> str:
        from mpdesk.adapters.importers.journal_table_files import JournalTableFiles

        return JournalTableFiles().sniff(path)

    def read(self, path: Path, pick: Pick) -> ReadTable:
        from mpdesk.adapters.importers.journal_table_files import JournalTableFiles

        return JournalTableFiles().read(path, pick)
