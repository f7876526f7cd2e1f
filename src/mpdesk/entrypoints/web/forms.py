"""Input parsing shared by the pages and the API: identifiers, dates, amounts, uploads."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from mpdesk.domain.errors import IdentifierFormatError, InvalidDateError
from mpdesk.domain.identifiers import (
    Identifier,
    IdType,
    check_identifier,
    normalize_amount,
    normalize_identifier,
)

#: larger sums do not fit the journal's money column and are surely typos
MAX_AMOUNT = Decimal("1000000000000")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")

#: form field of the «Новое обращение» page per identifier type
ID_FIELDS = {
    IdType.SUPPLY_ID: "id_supply_id",
    IdType.ORDER_ID: "id_order_id",
    IdType.SKU: "id_sku",
    IdType.VENDOR_CODE: "id_vendor_code",
    IdType.BARCODE: "id_barcode",
    IdType.TICKET_ID: "id_ticket_id",
    IdType.AMOUNT: "id_amount",
}


def parse_amount(raw: str, field: str = "amount") -> str:
    try:
        value = normalize_amount(raw)
    except ValueError as exc:
        raise IdentifierFormatError(field, raw, "amount") from exc
    if Decimal(value) >= MAX_AMOUNT:
        raise IdentifierFormatError(field, raw, "amount")
    return value


def parse_identifiers(marketplace: str, pairs: Iterable[tuple[IdType, str]]) -> list[Identifier]:
    """Normalise and check identifiers; raises ``IdentifierFormatError`` on a bad one."""
    result: list[Identifier] = []
    for id_type, raw in pairs:
        if not raw.strip():
            continue
        if id_type is IdType.AMOUNT:
            value = parse_amount(raw, id_type.value)
        else:
            value = normalize_identifier(id_type, raw)
        ident = Identifier(id_type, value)
        problem = check_identifier(marketplace, ident)
        if problem is not None:
            raise IdentifierFormatError(id_type.value, raw, problem.expected)
        if ident not in result:
            result.append(ident)
    return result


def identifiers_from_form(form: Any, marketplace: str) -> list[Identifier]:
    pairs = []
    for id_type, name in ID_FIELDS.items():
        for raw in str(form.get(name, "") or "").split(","):
            pairs.append((id_type, raw))
    return parse_identifiers(marketplace, pairs)


def identifiers_to_form(identifiers: Iterable[Identifier]) -> dict[str, str]:
    values: dict[str, list[str]] = {name: [] for name in ID_FIELDS.values()}
    for ident in identifiers:
        values[ID_FIELDS[ident.type]].append(ident.value)
    return {name: ", ".join(v) for name, v in values.items()}


def parse_form_date(raw: str, field: str = "event_date") -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise InvalidDateError("invalid_date", field=field, value=raw[:40])


def safe_filename(name: str | None) -> str:
    """The base name of an uploaded file, without path parts or control characters."""
    base = _UNSAFE_NAME.sub("_", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    base = base.lstrip(".") or "file"
    if len(base) > 150:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:140] + dot + ext[:9]) if dot else base[:150]
    return base


@contextmanager
def saved_uploads(uploads: Iterable[Any]) -> Iterator[list[Path]]:
    """Write uploaded files to a private temporary directory (removed afterwards)."""
    tmp = Path(tempfile.mkdtemp(prefix="mpdesk-upload-"))
    try:
        paths: list[Path] = []
        for i, upload in enumerate(uploads):
            filename = getattr(upload, "filename", None)
            if not filename and not getattr(upload, "size", 0):
                continue  # an empty file input
            folder = tmp / str(i)
            folder.mkdir()
            path = folder / safe_filename(filename)
            with path.open("wb") as out:
                shutil.copyfileobj(upload.file, out)
            paths.append(path)
        yield paths
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
