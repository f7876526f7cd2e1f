"""The OpenAPI document says which ids the API accepts: the marketplaces and categories of the
knowledge base (a user directory may add some, so they are read when the app is built, not
written into the schemas' code). FastAPI's documented way: replace ``app.openapi``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from mpdesk.domain.knowledge import KnowledgeBase

#: request bodies whose ids the API checks against the knowledge base
CHECKED_BODIES = ("TicketCreate", "TicketUpdate", "ShopCreate")


def _restrict(schema: dict[str, Any], values: list[str]) -> None:
    """Add ``enum`` to a string schema, or to the string branch of ``string | null``."""
    if schema.get("type") == "string":
        schema["enum"] = values
    for branch in schema.get("anyOf", []):
        _restrict(branch, values)


def declare_known_ids(api: FastAPI, kb: KnowledgeBase) -> None:
    ids = {"marketplace": sorted(kb.marketplaces), "category": sorted(kb.categories)}
    build: Callable[[], dict[str, Any]] = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema:
            return api.openapi_schema
        schema = build()
        components = schema.get("components", {}).get("schemas", {})
        for name in CHECKED_BODIES:
            for field, prop in components.get(name, {}).get("properties", {}).items():
                if field in ids:
                    _restrict(prop, ids[field])
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for param in operation.get("parameters", []):
                    if param.get("in") == "query" and param.get("name") in ids:
                        _restrict(param["schema"], ids[param["name"]])
        api.openapi_schema = schema
        return schema

    api.openapi = openapi  # type: ignore[method-assign]
