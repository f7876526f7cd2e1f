"""A raw page of a seller API answer, kept whole for evidence, plus checks of the fields we use.

``Page.body`` is the bytes as received (store them as the evidence file); ``Page.data`` is the
parsed JSON (``None`` for 204). ``Page.cursor`` is what to pass back to the same client method to
continue after this page, or ``None`` when this was the last one. Cursors are plain JSON-able
dicts so that a job can save and resume them.

The ``field_*`` helpers raise ``ApiSchemaDriftError`` naming the endpoint and the dotted field
when an answer lacks a field the paging relies on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mpdesk.adapters.marketplaces.endpoints import Endpoint
from mpdesk.domain.api_errors import ApiSchemaDriftError

Cursor = dict[str, Any]


@dataclass(frozen=True)
class Page:
    endpoint: str
    status: int
    request: Mapping[str, Any]
    body: bytes
    data: Any
    cursor: Cursor | None


def _drift(endpoint: Endpoint, field: str, expected: str) -> ApiSchemaDriftError:
    return ApiSchemaDriftError(endpoint.marketplace, endpoint.id, field, expected)


def field_list(endpoint: Endpoint, value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise _drift(endpoint, field, "array")
    return value


def field_object(endpoint: Endpoint, value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _drift(endpoint, field, "object")
    return value


def _member(endpoint: Endpoint, obj: Mapping[str, Any], name: str, where: str) -> Any:
    if name not in obj or obj[name] is None:
        raise _drift(endpoint, f"{where}.{name}" if where else name, "present")
    return obj[name]


def field_int(endpoint: Endpoint, obj: Mapping[str, Any], name: str, where: str = "") -> int:
    value = _member(endpoint, obj, name, where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _drift(endpoint, f"{where}.{name}" if where else name, "integer")
    return value


def field_str(endpoint: Endpoint, obj: Mapping[str, Any], name: str, where: str = "") -> str:
    value = _member(endpoint, obj, name, where)
    if not isinstance(value, str) or not value:
        raise _drift(endpoint, f"{where}.{name}" if where else name, "string")
    return value


def field_bool(endpoint: Endpoint, obj: Mapping[str, Any], name: str, where: str = "") -> bool:
    value = _member(endpoint, obj, name, where)
    if not isinstance(value, bool):
        raise _drift(endpoint, f"{where}.{name}" if where else name, "boolean")
    return value
