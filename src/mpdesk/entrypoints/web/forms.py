"""Form fields and uploads of the pages and the API; values are read by
``services/user_input.py``, the parser every surface shares."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mpdesk.domain.filenames import clean_filename
from mpdesk.domain.identifiers import (
    Identifier,
    IdType,
)
from mpdesk.services.user_input import parse_identifiers

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


#: several values in one field are separated by commas; amounts only by «, » or «;», since
#: «1235,5» is one amount written with a decimal comma
_SEPARATOR = re.compile(r",")
_AMOUNT_SEPARATOR = re.compile(r";|,\s+")


def identifiers_from_form(form: Any, marketplace: str) -> list[Identifier]:
    pairs = []
    for id_type, name in ID_FIELDS.items():
        separator = _AMOUNT_SEPARATOR if id_type is IdType.AMOUNT else _SEPARATOR
        for raw in separator.split(str(form.get(name, "") or "")):
            pairs.append((id_type, raw))
    return parse_identifiers(marketplace, pairs, ID_FIELDS)


def identifiers_to_form(identifiers: Iterable[Identifier]) -> dict[str, str]:
    values: dict[str, list[str]] = {name: [] for name in ID_FIELDS.values()}
    for ident in identifiers:
        values[ID_FIELDS[ident.type]].append(ident.value)
    return {name: ", ".join(v) for name, v in values.items()}


def safe_filename(name: str | None) -> str:
    """The base name of an uploaded file, cleaned and cut to a byte length every file system
    takes (``domain/filenames.py``)."""
    return clean_filename(name)


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
