"""Identifiers of appeals: types, normalisation and format checks per marketplace.

Normalisation follows the triage contract (shared/spec/triage-contract.md); formats follow
research section 3. ``python-stdnum`` validates EAN check digits (pure function, no IO).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from stdnum import ean


class IdType(StrEnum):
    SUPPLY_ID = "supply_id"
    ORDER_ID = "order_id"
    SKU = "sku"
    VENDOR_CODE = "vendor_code"
    BARCODE = "barcode"
    TICKET_ID = "ticket_id"
    AMOUNT = "amount"


#: identifier types that satisfy the checklist item ``identifier``
GOODS_IDENTIFIERS = frozenset(
    {IdType.SUPPLY_ID, IdType.ORDER_ID, IdType.SKU, IdType.VENDOR_CODE, IdType.BARCODE}
)


@dataclass(frozen=True, slots=True)
class Identifier:
    type: IdType
    value: str


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_WB_GI_UNDERSCORES = re.compile(r"^WB[-_]GI[-_]\d+$")
_NUMBER_SIGN = re.compile(r"^(?:(?:№|N[oº°]?\.?(?=[\s\d№#])|#)\s*)+", re.IGNORECASE)


def _strip_number_sign(value: str) -> str:
    return _NUMBER_SIGN.sub("", value.strip())


def normalize_amount(raw: str) -> str:
    """``'12 500,5'`` → ``'12500.50'``. Raises ``ValueError`` when it is not a number."""
    text = _SPACES.sub("", raw).replace("₽", "").rstrip(".")
    if "," in text and "." in text:
        text = (
            text.replace(",", "")
            if text.rfind(".") > text.rfind(",")
            else text.replace(".", "").replace(",", ".")
        )
    else:
        text = text.replace(",", ".")
    if len(text) > 40:
        raise ValueError(raw)
    try:
        value = Decimal(text)
        if not value.is_finite() or value < 0 or value >= Decimal(10) ** 15:
            raise ValueError(raw)
        return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    except InvalidOperation as exc:
        raise ValueError(raw) from exc


def normalize_identifier(id_type: IdType, raw: str) -> str:
    """Normalise one identifier as the triage contract prescribes. Idempotent."""
    value = _strip_number_sign(raw)
    if id_type is IdType.AMOUNT:
        return normalize_amount(value)
    if id_type in (IdType.SKU, IdType.BARCODE):
        return re.sub(r"\D", "", value)
    value = _SPACES.sub("", value)
    if id_type is IdType.SUPPLY_ID:
        value = value.upper()
        if _WB_GI_UNDERSCORES.match(value):  # «WB_GI_123» is «WB-GI-123»
            value = value.replace("_", "-")
        return value
    return value


def parse_identifier(id_type: IdType, raw: str) -> Identifier:
    """An identifier typed by a user into a field for ``id_type``: normalised, but digits-only
    types refuse letters and dashes (a posting number typed as SKU must not become digits)."""
    if id_type in (IdType.SKU, IdType.BARCODE):
        bare = _SPACES.sub("", _strip_number_sign(raw))
        if bare and not bare.isdigit():
            raise ValueError(raw)
    return Identifier(id_type, normalize_identifier(id_type, raw))


# --- format checks -------------------------------------------------------------------------

_DIGITS = re.compile(r"^\d+$")
_WB_FBS_SUPPLY = re.compile(r"^WB-GI-\d+$")
_OZON_POSTING = re.compile(r"^\d{8,10}-\d{4}(?:-\d{1,2})?$")
_TICKET = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]{0,63}$")


@dataclass(frozen=True, slots=True)
class FormatProblem:
    """Why a value does not fit: ``expected`` is a stable key of the message catalogue."""

    id_type: IdType
    value: str
    expected: str


def check_identifier(marketplace: str, identifier: Identifier) -> FormatProblem | None:
    """Return the problem when ``identifier`` cannot be valid on ``marketplace``, else None.

    Unknown marketplaces (user-added) get only the generic checks.
    """
    t, v = identifier.type, identifier.value
    if not v:
        return FormatProblem(t, v, "non_empty")
    if t is IdType.SUPPLY_ID:
        if marketplace == "wb" and not (_DIGITS.match(v) or _WB_FBS_SUPPLY.match(v)):
            return FormatProblem(t, v, "wb_supply")
        if marketplace == "ozon" and not re.match(r"^[0-9A-Z-]+$", v):
            return FormatProblem(t, v, "ozon_supply")
    elif t is IdType.ORDER_ID:
        if marketplace == "ozon" and not (_OZON_POSTING.match(v) or _DIGITS.match(v)):
            return FormatProblem(t, v, "ozon_posting")
        if marketplace == "wb" and not re.match(r"^[0-9A-Za-z._-]+$", v):
            return FormatProblem(t, v, "wb_order")
    elif t is IdType.SKU:
        if not _DIGITS.match(v) or len(v) > 19:
            return FormatProblem(t, v, "digits")
    elif t is IdType.BARCODE:
        if not _DIGITS.match(v) or not 8 <= len(v) <= 14:
            return FormatProblem(t, v, "barcode_digits")
    elif t is IdType.VENDOR_CODE:
        limit = 50 if marketplace == "ozon" else 72
        if len(v) > limit:
            return FormatProblem(t, v, f"vendor_code_{limit}")
    elif t is IdType.TICKET_ID:
        if not _TICKET.match(v):
            return FormatProblem(t, v, "ticket")
    elif t is IdType.AMOUNT:
        try:
            normalize_amount(v)
        except ValueError:
            return FormatProblem(t, v, "amount")
    return None


def identifier_problem(marketplace: str, id_type: IdType, raw: str) -> str | None:
    """The ``expected`` key when a user-typed value is not acceptable, else None."""
    try:
        ident = parse_identifier(id_type, raw)
    except ValueError:
        return "amount" if id_type is IdType.AMOUNT else "digits"
    problem = check_identifier(marketplace, ident)
    return problem.expected if problem else None


def is_valid_ean(barcode: str) -> bool:
    """True for an EAN-8/EAN-13/GTIN-14 with a correct check digit."""
    return len(barcode) in (8, 13, 14) and bool(ean.is_valid(barcode))
