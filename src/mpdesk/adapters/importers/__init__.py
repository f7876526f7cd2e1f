"""Readers of marketplace reports for audits (XLSX, CSV, JSON), recognised by content.

Layout: ``sheet`` (a table of text cells from XLSX or CSV, with the header row found by name),
``xlsx`` and ``csv_text`` (the two table formats), ``jsondoc`` (JSON files), ``columns`` (column
vocabularies and header matching), ``values`` (Polars expressions that parse numbers and dates),
one module per report kind under ``wb/`` and ``ozon/`` plus ``shipment_list``, and ``reader``
(the ``ReportReader`` port: files in, audit rows out). Polars does the work on rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mpdesk.domain.audit.report import ReportBatch
    from mpdesk.services.ports import ReadProgress


class LazyReportReader:
    """``ReportReader`` that imports Polars and fastexcel only when an audit runs, so that
    other commands start fast."""

    def read(self, paths: Sequence[Path], progress: ReadProgress | None = None) -> ReportBatch:
        from mpdesk.adapters.importers.reader import FileReportReader

        return FileReportReader().read(paths, progress)
