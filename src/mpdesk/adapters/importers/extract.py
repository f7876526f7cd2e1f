"""What a report-kind module returns, and the problem it raises when a file cannot be used."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from mpdesk.adapters.importers.columns import TableSpec
from mpdesk.adapters.importers.values import first_broken, normalize_numbers
from mpdesk.domain.audit.report import FileProblem
from mpdesk.domain.audit.rows import AuditInput, RowRef


class Source:
    """The file being read: its display name and sha256. The digest may still be computing
    (a ``Future`` from the reader): it is awaited when a row reference first needs it."""

    def __init__(self, name: str, sha256: str | Future[str]) -> None:
        self.name = name
        self._sha256 = sha256

    @property
    def sha256(self) -> str:
        if not isinstance(self._sha256, str):
            self._sha256 = self._sha256.result()
        return self._sha256

    def ref(self, row: int) -> RowRef:
        return RowRef(self.name, self.sha256, row)

    @property
    def report_key(self) -> str:
        """Stands for the report when the file does not carry a report number."""
        return f"file:{self.sha256[:12]}"


class ReportProblem(Exception):
    """The file cannot be used: ``code`` keys the Russian message, ``fields`` fill it."""

    def __init__(self, code: str, **fields: Any) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields


@dataclass
class Extract:
    rows: int
    data: AuditInput = field(default_factory=AuditInput)
    #: WB realization rows with a logistics operation, still as a table: the duplicate rule
    #: needs all files at once (an order may be charged again in the next week's report)
    logistics: pl.DataFrame | None = None
    #: the file is usable, but not for every rule (a column is missing)
    note: FileProblem | None = None


def check_numbers(frame: pl.DataFrame, spec: TableSpec, names: tuple[str, ...]) -> pl.DataFrame:
    """Number columns normalised (``normalize_numbers``); the file is refused at the first row
    whose number column holds something else."""
    frame = normalize_numbers(frame, names)
    broken = first_broken(frame, names)
    if broken is not None:
        raise ReportProblem(
            "report_bad_value",
            row=broken.row,
            column=spec.column(broken.column).label,
            value=broken.value,
        )
    return frame
