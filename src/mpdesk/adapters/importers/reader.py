"""``FileReportReader``: the files of one audit in, per-file verdicts and audit rows out.

Each file is recognised by content: the container (sniffed bytes, zip-bomb guard), then the
table header or the JSON keys. A file that cannot be used gets a problem (message code and
fields) and the others are still read.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl

from mpdesk.adapters.file_store import sniff_path
from mpdesk.adapters.importers import (
    archive,
    csv_text,
    jsondoc,
    shipment_list,
    workbook,
    xlsx,
)
from mpdesk.adapters.importers.columns import HeaderMatch, TableSpec, best_header
from mpdesk.adapters.importers.extract import Extract, ReportProblem, Source
from mpdesk.adapters.importers.ozon import accruals, compensation, transactions
from mpdesk.adapters.importers.values import ROW
from mpdesk.adapters.importers.wb import incomes, realization, supply_goods
from mpdesk.domain.audit.report import FileProblem, ReportBatch, ReportFile, ReportKind
from mpdesk.domain.audit.rows import AuditInput
from mpdesk.domain.errors import AttachmentError
from mpdesk.domain.json_text import JsonInputError
from mpdesk.services.ports.audit import ReadProgress

log = logging.getLogger(__name__)

#: table kinds, most specific first (a detail also has «Номер поставки», «Баркод», «Кол-во»)
TABLE_SPECS: tuple[TableSpec, ...] = (
    realization.SPEC, incomes.SPEC, shipment_list.SPEC, accruals.SPEC, compensation.SPEC
)  # fmt: skip
_EXTRACT = {
    ReportKind.WB_REALIZATION_DETAIL: realization.extract,
    ReportKind.WB_INCOMES: incomes.extract,
    ReportKind.SHIPMENT_LIST: shipment_list.extract,
    ReportKind.OZON_TRANSACTIONS: accruals.extract,
}
#: a report unpacks to far more than an attachment may; the compression ratio still guards
MAX_UNPACKED = 8 * 1024**3
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ODF = "application/vnd.oasis.opendocument"


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FileReportReader:
    def __init__(self) -> None:
        self.supply_id: str | None = None

    def read(
        self,
        paths: Sequence[Path],
        progress: ReadProgress | None = None,
        supply_id: str | None = None,
    ) -> ReportBatch:
        self.supply_id = supply_id
        sizes = [p.stat().st_size if p.is_file() else 0 for p in paths]
        if progress is not None:
            progress.start(sum(sizes))
        files: list[ReportFile] = []
        data = AuditInput()
        logistics: list[pl.DataFrame] = []
        seen: dict[str, str] = {}
        with ThreadPoolExecutor(max_workers=1) as pool:  # each file's sha256 while Polars reads
            for index, (path, size) in enumerate(zip(paths, sizes, strict=True)):
                if progress is not None:
                    progress.file(path.name)
                for report, extract in self._read_source(path, seen, pool):
                    report.source = index
                    files.append(report)
                    if extract is not None:
                        data.extend(extract.data)
                        if extract.logistics is not None:
                            logistics.append(extract.logistics)
                if progress is not None:
                    progress.advance(size)
        data.logistics = realization.logistics_rows(logistics)
        return ReportBatch(files, data)

    def _read_source(
        self, path: Path, seen: dict[str, str], pool: ThreadPoolExecutor
    ) -> Iterator[tuple[ReportFile, Extract | None]]:
        """One given file, or each member of a ZIP archive as its own file."""
        if not _is_archive(path):
            yield self._read_one(path, ReportFile(str(path), path.name, "", 0), seen, pool)
            return
        try:
            with archive.unpacked(path) as members:
                for member in members:
                    report = ReportFile(
                        path=f"{path}/{member.name}",
                        name=f"{path.name} → {member.name}",
                        sha256="",
                        size=0,
                        archive=path.name,
                        member=member.name,
                    )
                    yield self._read_one(member.path, report, seen, pool)
        except ReportProblem as exc:
            report = ReportFile(str(path), path.name, _digest(path), path.stat().st_size)
            report.problem = FileProblem(exc.code, {"file": path.name, **exc.fields})
            yield report, None

    def _read_one(
        self, path: Path, report: ReportFile, seen: dict[str, str], pool: ThreadPoolExecutor
    ) -> tuple[ReportFile, Extract | None]:
        digest: Future[str] | None = None
        try:
            if not path.is_file():
                raise ReportProblem("report_file_missing")
            report.size = path.stat().st_size
            digest = pool.submit(_digest, path)
            extract = self._extract(path, report, digest)
            report.sha256 = digest.result()
            if report.sha256 in seen:
                raise ReportProblem("report_duplicate_file", other=seen[report.sha256])
            seen[report.sha256] = report.name
        except ReportProblem as exc:
            problem = FileProblem(exc.code, {"file": report.name, **exc.fields})
            return self._failed(report, digest, problem), None
        except AttachmentError as exc:  # zip bomb, broken zip
            problem = FileProblem(exc.code, {**exc.fields, "file": report.name})
            return self._failed(report, digest, problem), None
        except JsonInputError as exc:
            problem = _json_problem(exc, report.name)
            return self._failed(report, digest, problem), None
        except MemoryError:
            raise  # the isolated reader marks the file and reads the others again
        except Exception as exc:  # one file's surprise must not cost the audit the others
            log.warning("cannot read %s", path, exc_info=True)
            fields = {"file": report.name, "error": type(exc).__name__}
            problem = FileProblem("report_unreadable", fields)
            return self._failed(report, digest, problem), None
        report.rows = extract.rows
        report.usable = True
        report.problem = (
            FileProblem(extract.note.code, {"file": report.name, **extract.note.fields})
            if extract.note
            else None
        )
        return report, extract

    @staticmethod
    def _failed(report: ReportFile, digest: Future[str] | None, problem: FileProblem) -> ReportFile:
        report.problem = problem
        if digest is not None and not report.sha256:
            try:
                report.sha256 = digest.result()
            except OSError:
                report.sha256 = ""
        return report

    def _extract(self, path: Path, report: ReportFile, digest: Future[str]) -> Extract:
        sniffed = sniff_path(path, MAX_UNPACKED)
        source = Source(report.name, digest)
        if sniffed.family == "zip":  # only a member can get here: an archive inside an archive
            raise ReportProblem("report_archive_nested")
        if sniffed.media_type == _XLSX:
            report.format = "xlsx"
            return self._xlsx(path, report, source)
        if sniffed.media_type == workbook.OLE2_MEDIA_TYPE:
            report.format = "xls"
            return self._workbook(path, report, source)
        if sniffed.media_type == _ODF:
            declared = _odf_type(path)
            if declared != workbook.ODS_MIMETYPE:
                raise ReportProblem("report_not_table", media_type=declared or _ODF)
            report.format = "ods"
            return self._workbook(path, report, source)
        with path.open("rb") as fh:
            head = fh.read(csv_text.HEAD_BYTES)
        utf16 = csv_text.utf16_codec(head)
        if sniffed.family != "text" and utf16 is None:
            raise ReportProblem("report_not_table", media_type=sniffed.media_type)
        start = csv_text.decode_head(head[:64], utf16 or "utf-8").lstrip(" \t\r\n")[:1]
        if start in ("{", "["):
            report.format = "json"
            return self._json(path, report, source)
        report.format = "csv"
        return self._csv(path, head, report, source)

    # --- tables ---------------------------------------------------------------------------

    def _table(
        self,
        report: ReportFile,
        source: Source,
        match: HeaderMatch,
        frame: pl.DataFrame,
        head: list[tuple[int, dict[int, str]]],
    ) -> Extract:
        match = compensation.refine(match, head)
        report.kind = match.spec.kind
        if ROW not in frame.columns:
            frame = frame.with_columns(
                pl.int_range(pl.len(), dtype=pl.Int64).add(match.header_index + 2).alias(ROW)
            )
        data_columns = [c for c in frame.columns if c != ROW]
        frame = frame.filter(~pl.all_horizontal(pl.col(data_columns).is_null()))
        if match.spec.kind in compensation.KINDS:
            return compensation.extract(frame, source, compensation.read_title(head, match))
        return _EXTRACT[match.spec.kind](frame, source)

    def _xlsx(self, path: Path, report: ReportFile, source: Source) -> Extract:
        try:
            head = xlsx.peek_rows(path)
            match = _match(head)
            frame = xlsx.load_columns(path, match.header_index, match.columns)
        except xlsx.SheetTooSparseError as exc:
            extent = exc.extent
            raise ReportProblem(
                "report_sheet_too_sparse",
                rows=extent.rows,
                columns=extent.columns,
                cells=extent.cells,
            ) from exc
        except xlsx.XlsxError as exc:
            raise ReportProblem("report_broken_xlsx") from exc
        return self._table(report, source, match, frame, head)

    def _workbook(self, path: Path, report: ReportFile, source: Source) -> Extract:
        """An .xls or .ods: the engine reads the first sheet whole (``workbook``)."""
        try:
            fmt = report.format or ""
            head = workbook.peek_rows(path, fmt)
            match = _match(head)
            frame = workbook.load_columns(path, fmt, match.header_index, match.columns)
        except workbook.WorkbookError as exc:
            raise ReportProblem(f"report_broken_{report.format}") from exc
        return self._table(report, source, match, frame, head)

    def _csv(self, path: Path, head: bytes, report: ReportFile, source: Source) -> Extract:
        encoding = csv_text.detect_encoding(head)
        match: HeaderMatch | None = None
        separator = ";"
        rows: list[tuple[int, dict[int, str]]] = []
        if encoding is not None:
            text = csv_text.decode_head(head, encoding)
            for separator in csv_text.SEPARATORS:
                rows = csv_text.head_rows(text, separator)
                match = best_header(TABLE_SPECS, rows)
                if match is not None:
                    break
        if match is None or encoding is None:
            for codec, label in csv_text.guess_foreign_encoding(head):
                text = head.decode(codec, errors="ignore")
                if any(best_header(TABLE_SPECS, csv_text.head_rows(text, sep))
                       for sep in csv_text.SEPARATORS):  # fmt: skip
                    raise ReportProblem("report_bad_encoding", encoding=label)
            if encoding is None:
                raise ReportProblem("report_bad_encoding", encoding="?")
            raise ReportProblem("report_unknown_kind")
        _check_needs(match)
        layout = csv_text.CsvLayout(encoding, separator, match.header_index)
        width = csv_text.field_count(text, separator, match.header_index)
        try:
            frame = csv_text.load_columns(path, layout, match.columns, width)
        except csv_text.CsvError as exc:
            if exc.line is not None:
                raise ReportProblem("report_broken_line", row=exc.line) from exc
            raise ReportProblem("report_broken_csv", problem=str(exc)) from exc
        return self._table(report, source, match, frame, rows)

    # --- JSON -----------------------------------------------------------------------------

    def _json(self, path: Path, report: ReportFile, source: Source) -> Extract:
        data = jsondoc.load(path, report.name)
        if isinstance(data, list) and not data:
            raise ReportProblem("report_empty")
        goods = supply_goods.wrappers(data)
        bare = supply_goods.bare_goods(data)
        if bare is not None:
            report.kind = ReportKind.WB_SUPPLY_GOODS
            goods = supply_goods.wrap(bare, self.supply_id)
        if goods is not None:
            report.kind = ReportKind.WB_SUPPLY_GOODS
            return supply_goods.extract(goods, source)
        ops = transactions.operations(data)
        if ops is not None:
            report.kind = ReportKind.OZON_TRANSACTIONS
            return transactions.extract(ops, source)
        if jsondoc.is_records(data):
            return self._json_records(data, report, source)
        raise ReportProblem("report_unknown_kind")

    def _json_records(
        self, records: list[dict[str, Any]], report: ReportFile, source: Source
    ) -> Extract:
        keys = jsondoc.keys_of(records)
        if realization.is_json_rows(keys):
            spec, frame = realization.SPEC, realization.from_json(records)
        elif incomes.is_json_rows(keys):
            spec, frame = incomes.SPEC, incomes.from_json(records)
        else:
            raise ReportProblem("report_unknown_kind")
        report.kind = spec.kind
        columns = {i: c for i, c in enumerate(frame.columns) if c != ROW}
        _check_needs(HeaderMatch(spec, 0, columns, 1))
        return _EXTRACT[spec.kind](frame, source)


def _is_archive(path: Path) -> bool:
    """A ZIP that is not an office document (those are ZIP containers too)."""
    try:
        return path.is_file() and sniff_path(path, MAX_UNPACKED).family == "zip"
    except AttachmentError:
        return False  # a broken or bomb-like ZIP: ``_read_one`` reports it


def _odf_type(path: Path) -> str:
    try:
        return workbook.odf_mimetype(path)
    except workbook.WorkbookError as exc:
        raise ReportProblem("report_broken_ods") from exc


def _json_problem(exc: JsonInputError, name: str) -> FileProblem:
    fields = {k: v for k, v in exc.fields.items() if k != "file"}
    if exc.code == "json_syntax":  # the audit's own wording (row = line of the file)
        return FileProblem("report_bad_json", {"file": name, "row": fields["line"],
                                               "column": fields["column"]})  # fmt: skip
    return FileProblem(exc.code, {"file": name, **fields})


def _match(head: list[tuple[int, dict[int, str]]]) -> HeaderMatch:
    match = best_header(TABLE_SPECS, head)
    if match is None:
        raise ReportProblem("report_unknown_kind")
    _check_needs(match)
    return match


def _check_needs(match: HeaderMatch) -> None:
    """At least one rule must have all its columns; else name what is missing."""
    found = match.found
    needs = match.spec.needs
    if any(all(c in found for c in cols) for cols in needs.values()):
        return
    missing = sorted({c for cols in needs.values() for c in cols} - found)
    raise ReportProblem(
        "report_missing_columns",
        kind=match.spec.kind.value,
        columns=", ".join(f"«{label}»" for label in match.spec.labels(missing)),
    )
