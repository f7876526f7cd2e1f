"""``JournalTableFiles``: a journal kept as a table (CSV, XLSX, XLS, ODS) read as text for
the journal import, with the readers the audit uses (``csv_text``, ``xlsx``, ``workbook``).

The file is recognised by its content, never by its name: the sniffed container, then for
text the encoding (UTF-8, Windows-1251, UTF-16) and the separator under which a header row
appears. Problems are ``ImportFormatError`` with the file's name and, where known, the line.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from mpdesk.adapters.file_store import sniff_path
from mpdesk.adapters.importers import csv_text, workbook, xlsx
from mpdesk.adapters.importers.journal_table import Pick
from mpdesk.adapters.importers.values import ROW
from mpdesk.domain.errors import AttachmentError, ImportFormatError
from mpdesk.domain.journal_table import HeaderChoice
from mpdesk.services.ports.spreadsheets import ReadTable

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ODF = "application/vnd.oasis.opendocument"
#: a journal is a small table: a larger file is surely something else
MAX_UNPACKED = 512 * 1024**2


class JournalTableFiles:
    def sniff(self, path: Path) -> str:
        name = path.name
        if not path.is_file():
            raise ImportFormatError("import_unreadable", file=name)
        try:
            sniffed = sniff_path(path, MAX_UNPACKED)
        except AttachmentError as exc:
            raise ImportFormatError("journal_import_not_table", file=name) from exc
        except OSError as exc:
            raise ImportFormatError("import_unreadable", file=name) from exc
        if sniffed.media_type == _XLSX:
            return "xlsx"
        if sniffed.media_type == workbook.OLE2_MEDIA_TYPE:
            return "xls"
        if sniffed.media_type == _ODF:
            if _odf_type(path) == workbook.ODS_MIMETYPE:
                return "ods"
            raise ImportFormatError("journal_import_not_table", file=name)
        with path.open("rb") as fh:
            head = fh.read(csv_text.HEAD_BYTES)
        utf16 = csv_text.utf16_codec(head)
        if sniffed.family != "text" and utf16 is None:
            raise ImportFormatError("journal_import_not_table", file=name)
        start = csv_text.decode_head(head[:64], utf16 or "utf-8").lstrip(" \t\r\n")[:1]
        return "json" if start in ("{", "[") else "csv"

    def read(self, path: Path, pick: Pick) -> ReadTable:
        fmt = self.sniff(path)
        name = path.name
        try:
            if fmt == "csv":
                return self._csv(path, pick)
            if fmt == "xlsx":
                choice = _chosen(pick(xlsx.peek_rows(path)), name)
                frame = xlsx.load_columns(path, choice.index, choice.columns)
            elif fmt in ("xls", "ods"):
                choice = _chosen(pick(workbook.peek_rows(path, fmt)), name)
                frame = workbook.load_columns(path, fmt, choice.index, choice.columns)
            else:
                raise ImportFormatError("journal_import_not_table", file=name)
        except (xlsx.XlsxError, workbook.WorkbookError) as exc:
            raise ImportFormatError("journal_import_broken", file=name) from exc
        return ReadTable(fmt, choice, _rows(frame, choice))

    def _csv(self, path: Path, pick: Pick) -> ReadTable:
        name = path.name
        with path.open("rb") as fh:
            head = fh.read(csv_text.HEAD_BYTES)
        encoding = csv_text.detect_encoding(head)
        if encoding is None:
            raise ImportFormatError("journal_import_encoding", file=name)
        text = csv_text.decode_head(head, encoding)
        for separator in csv_text.SEPARATORS:
            choice = pick(csv_text.head_rows(text, separator))
            if choice is not None:
                break
        else:
            raise ImportFormatError("journal_import_no_header", file=name)
        layout = csv_text.CsvLayout(encoding, separator, choice.index)
        width = csv_text.field_count(text, separator, choice.index)
        try:
            frame = csv_text.load_columns(path, layout, choice.columns, width)
        except csv_text.CsvError as exc:
            raise ImportFormatError(
                "journal_import_broken_line", file=name, row=exc.line or "?"
            ) from exc
        frame = frame.with_columns(
            pl.int_range(pl.len(), dtype=pl.Int64).add(choice.index + 2).alias(ROW)
        )
        return ReadTable("csv", choice, _rows(frame, choice))


def _chosen(choice: HeaderChoice | None, name: str) -> HeaderChoice:
    if choice is None:
        raise ImportFormatError("journal_import_no_header", file=name)
    return choice


def _rows(frame: pl.DataFrame, choice: HeaderChoice) -> list[tuple[int, dict[str, str]]]:
    """Non-empty rows: (row number in the file, field → stripped text). A column empty in
    every row may be missing from the frame (the block reader skips it)."""
    fields = [f for f in dict.fromkeys(choice.columns.values()) if f in frame.columns]
    result = []
    for record in frame.select([*fields, ROW]).iter_rows(named=True):
        cells = {f: str(record[f]).strip() for f in fields if record[f] is not None}
        cells = {f: v for f, v in cells.items() if v}
        if cells:
            result.append((int(record[ROW]), cells))
    return result


def _odf_type(path: Path) -> str:
    try:
        return workbook.odf_mimetype(path)
    except workbook.WorkbookError as exc:
        raise ImportFormatError("journal_import_broken", file=path.name) from exc
