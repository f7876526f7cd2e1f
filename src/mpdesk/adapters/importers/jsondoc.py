"""JSON files: loading, and API records turned into the same text table the XLSX/CSV readers
produce (canonical column names, every value as text, ``__row`` = position in the array)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from mpdesk.adapters.importers.columns import Column, json_key
from mpdesk.adapters.importers.values import ROW
from mpdesk.domain.json_text import parse_json


def load(path: Path, name: str) -> Any:
    """The parsed file; ``JsonInputError`` (naming ``name``, the line and the column) when it
    is not JSON or holds what the readers must not get (``domain/json_text.py``)."""
    return parse_json(path.read_bytes(), name)


def is_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def keys_of(records: Sequence[dict[str, Any]], sample: int = 200) -> set[str]:
    keys: set[str] = set()
    for record in records[:sample]:
        keys.update(record)
    return keys


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def records_frame(records: Sequence[dict[str, Any]], columns: Sequence[Column]) -> pl.DataFrame:
    """One text column per canonical column whose key the records have."""
    keys = keys_of(records)
    data: dict[str, list[str | None]] = {}
    for column in columns:
        key = json_key(column, keys)
        if key is not None:
            data[column.name] = [_text(r.get(key)) for r in records]
    frame = pl.DataFrame(data, schema=dict.fromkeys(data, pl.String))
    return frame.with_columns(pl.Series(ROW, range(1, len(records) + 1), dtype=pl.Int64))
