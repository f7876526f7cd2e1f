"""What reading the files of an audit gave: per file its recognised kind, format, row count and
the problem that made it unusable or only partly usable (a message code plus fields); and the
rows of all usable files for the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mpdesk.domain.audit.rows import AuditInput


class ReportKind(StrEnum):
    WB_REALIZATION_DETAIL = "wb_realization_detail"
    WB_INCOMES = "wb_incomes"
    WB_SUPPLY_GOODS = "wb_supply_goods"
    SHIPMENT_LIST = "shipment_list"
    OZON_TRANSACTIONS = "ozon_transactions"
    OZON_COMPENSATION = "ozon_compensation"
    OZON_DECOMPENSATION = "ozon_decompensation"


@dataclass(frozen=True)
class FileProblem:
    """``code`` keys the Russian message catalogue; ``fields`` fill its placeholders."""

    code: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReportFile:
    path: str
    name: str
    sha256: str
    size: int
    format: str | None = None  # xlsx | xls | ods | csv | json
    kind: ReportKind | None = None
    rows: int = 0
    problem: FileProblem | None = None
    usable: bool = False  # at least one rule could use the file
    #: a member of a ZIP archive: the archive's name and the member's path inside it (``name``
    #: is then «archive.zip → member.xlsx»)
    archive: str | None = None
    member: str | None = None
    source: int = 0  # position of the file (or of its archive) among the files given
    copy_of: str | None = None  # the file that already has this file's rows (counted once)


@dataclass
class ReportBatch:
    """The files of one audit and the rows read from the usable ones."""

    files: list[ReportFile]
    data: AuditInput

    @property
    def usable(self) -> bool:
        return any(f.usable for f in self.files)
