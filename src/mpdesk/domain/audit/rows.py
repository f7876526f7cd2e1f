"""The rows an audit works on, as the importers hand them over (already typed and normalised).

Every row keeps a ``RowRef`` to the file and line it came from: findings carry these as evidence.
Importers send only the rows a rule can use (for example the logistics rows of the realization
detail), so a 300,000-row report becomes a few thousand plain objects here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from mpdesk.domain.audit.columns import normalize_value


@dataclass(frozen=True, slots=True)
class RowRef:
    """Where a row comes from: file name, the file's sha256 and the 1-based row or line number
    (for JSON, the position of the object in its array)."""

    file: str
    sha256: str
    row: int


class Operation(StrEnum):
    """What a WB realization row with a logistics operation means for the duplicate rule."""

    FORWARD = "forward"  # «Логистика» with deliveries > 0
    BACKWARD = "backward"  # «Логистика» towards the seller (returns, cancellations)
    STORNO_FORWARD = "storno_forward"  # «Логистика сторно» of a forward charge
    STORNO_BACKWARD = "storno_backward"  # «Логистика сторно» of a backward charge
    OTHER = "other"


_LOGISTICS = "логистика"
_LOGISTICS_STORNO = ("логистика сторно", "сторно логистики")


def is_logistics_operation(operation: str) -> bool:
    """True for «Логистика» and «Логистика сторно» (any case and spacing)."""
    value = normalize_value(operation)
    return value == _LOGISTICS or value in _LOGISTICS_STORNO


def classify_logistics(operation: str, deliveries: int, returns: int) -> Operation:
    """Classify one realization row by «Обоснование для оплаты» and its delivery counters.

    A forward charge has deliveries > 0. A row with only returns is the trip back (a return or a
    cancellation) and legitimately adds a second charge for the same order. A storno reverses
    the charge of its own direction.
    """
    value = normalize_value(operation)
    backward = returns > 0 and deliveries <= 0
    if value == _LOGISTICS:
        if deliveries > 0:
            return Operation.FORWARD
        return Operation.BACKWARD if backward else Operation.OTHER
    if value in _LOGISTICS_STORNO:
        return Operation.STORNO_BACKWARD if backward else Operation.STORNO_FORWARD
    return Operation.OTHER


@dataclass(frozen=True, slots=True)
class LogisticsRow:
    """A WB realization detail row with «Логистика» or «Логистика сторно»."""

    ref: RowRef
    srid: str
    operation: str
    deliveries: int
    returns: int
    amount: Decimal  # «Услуги по доставке товара покупателю» / delivery_rub
    bonus_type: str = ""  # «Виды логистики, штрафов и корректировок ВВ»
    sale_date: date | None = None
    nm_id: str = ""
    barcode: str = ""
    rrd_id: str = ""
    report: str = ""  # report number, or "file:<sha12>" when the file does not carry it
    report_date: date | None = None
    currency: str = "RUB"  # ISO 4217 code of the report

    @property
    def kind(self) -> Operation:
        return classify_logistics(self.operation, self.deliveries, self.returns)

    def evidence_values(self) -> dict[str, str]:
        return _values(
            srid=self.srid, operation=self.operation, bonus_type=self.bonus_type,
            deliveries=str(self.deliveries), returns=str(self.returns),
            amount=f"{self.amount:.2f}", sale_date=_iso(self.sale_date), nm_id=self.nm_id,
            barcode=self.barcode, rrd_id=self.rrd_id, report=_report_number(self.report),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class PenaltyRow:
    """A WB realization detail row with a non-zero «Общая сумма штрафов» / ``penalty``."""

    ref: RowRef
    srid: str
    amount: Decimal
    reason: str = ""
    operation: str = ""
    nm_id: str = ""
    barcode: str = ""
    sale_date: date | None = None
    rrd_id: str = ""
    report: str = ""
    report_date: date | None = None
    currency: str = "RUB"

    def evidence_values(self) -> dict[str, str]:
        return _values(
            srid=self.srid, operation=self.operation, reason=self.reason,
            amount=f"{self.amount:.2f}", sale_date=_iso(self.sale_date), nm_id=self.nm_id,
            barcode=self.barcode, rrd_id=self.rrd_id, report=_report_number(self.report),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class AcceptedRow:
    """WB incomes: how many units of a barcode WB accepted in a supply (one of possibly
    several rows of the same supply and barcode)."""

    ref: RowRef
    supply_id: str
    barcode: str
    quantity: int
    accepted_on: date | None = None
    status: str = ""  # «Принято» or empty when the source does not say
    nm_id: str = ""

    @property
    def is_accepted(self) -> bool:
        return normalize_value(self.status) in ("", "принято")

    def evidence_values(self) -> dict[str, str]:
        return _values(
            supply_id=self.supply_id, barcode=self.barcode, accepted=str(self.quantity),
            accepted_on=_iso(self.accepted_on), status=self.status, nm_id=self.nm_id,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class SupplyGoodsRow:
    """WB supplies API, goods of one supply: declared ``quantity`` and ``acceptedQuantity``
    (None while the supply is not accepted)."""

    ref: RowRef
    supply_id: str
    barcode: str
    quantity: int
    accepted: int | None
    supply_accepted: bool = True  # False when the supply status says acceptance is not over
    accepted_on: date | None = None
    vendor_code: str = ""

    def evidence_values(self) -> dict[str, str]:
        return _values(
            supply_id=self.supply_id, barcode=self.barcode, shipped=str(self.quantity),
            accepted="" if self.accepted is None else str(self.accepted),
            accepted_on=_iso(self.accepted_on), vendor_code=self.vendor_code,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class ShippedRow:
    """The seller's own shipment list: what was shipped in a supply."""

    ref: RowRef
    supply_id: str
    barcode: str
    quantity: int
    vendor_code: str = ""
    unit_price: Decimal | None = None

    def evidence_values(self) -> dict[str, str]:
        price = "" if self.unit_price is None else f"{self.unit_price:.2f}"
        return _values(
            supply_id=self.supply_id, barcode=self.barcode, shipped=str(self.quantity),
            vendor_code=self.vendor_code, unit_price=price,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class OzonOperation:
    """One operation of Ozon ``/v3/finance/transaction/list``."""

    ref: RowRef
    operation_id: str
    operation_type: str
    amount: Decimal
    operation_date: date | None = None
    operation_type_name: str = ""
    sku: str = ""
    posting_number: str = ""

    def evidence_values(self) -> dict[str, str]:
        return _values(
            operation_id=self.operation_id, operation_type=self.operation_type,
            operation_type_name=self.operation_type_name, amount=f"{self.amount:.2f}",
            operation_date=_iso(self.operation_date), sku=self.sku,
            posting_number=self.posting_number,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class CompensationRow:
    """A row of Ozon's monthly compensation report («Отчёт о компенсациях»), or of the
    decompensation report (``decompensation``: Ozon takes back a compensation it paid earlier,
    for goods it says were found)."""

    ref: RowRef
    decompensation: bool
    sku: str
    amount: Decimal  # «Итого к начислению»: paid (compensation) or taken back (decompensation)
    reduced: Decimal = Decimal(0)  # «Уменьшено на сумму»: the actual value minus what was paid
    value_total: Decimal | None = None  # «Действительная стоимость - всего»
    quantity: int | None = None
    compensation_type: str = ""
    article: str = ""
    product: str = ""
    report: str = ""  # report number, or "file:<sha12>" when the title does not carry it
    report_date: date | None = None

    def evidence_values(self) -> dict[str, str]:
        total = "" if self.value_total is None else f"{self.value_total:.2f}"
        return _values(
            report=_report_number(self.report), sku=self.sku, vendor_code=self.article,
            product=self.product, compensation_type=self.compensation_type,
            quantity="" if self.quantity is None else str(self.quantity), value_total=total,
            reduced=f"{self.reduced:.2f}" if self.reduced else "", amount=f"{self.amount:.2f}",
        )  # fmt: skip


@dataclass
class AuditInput:
    """Everything the importers extracted from the files of one audit."""

    logistics: list[LogisticsRow] = field(default_factory=list)
    penalties: list[PenaltyRow] = field(default_factory=list)
    accepted: list[AcceptedRow] = field(default_factory=list)
    supply_goods: list[SupplyGoodsRow] = field(default_factory=list)
    shipped: list[ShippedRow] = field(default_factory=list)
    ozon_operations: list[OzonOperation] = field(default_factory=list)
    compensations: list[CompensationRow] = field(default_factory=list)

    def extend(self, other: AuditInput) -> None:
        self.logistics.extend(other.logistics)
        self.penalties.extend(other.penalties)
        self.accepted.extend(other.accepted)
        self.supply_goods.extend(other.supply_goods)
        self.shipped.extend(other.shipped)
        self.ozon_operations.extend(other.ozon_operations)
        self.compensations.extend(other.compensations)


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _report_number(report: str) -> str:
    """The report number; a file stand-in ("file:…") is not one."""
    return "" if report.startswith("file:") else report


def _values(**values: str) -> dict[str, str]:
    """Evidence values without the empty ones (field id → text)."""
    return {k: v for k, v in values.items() if v}
