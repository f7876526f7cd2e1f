"""The OpenAPI document says which ids the API accepts: the marketplaces, categories and
channels of the knowledge base (a user directory may add some, so they are read when the app is
built, not written into the schemas' code), and how the operations lead to one another
(``links``: a created ticket to its pages, an uploaded file to its download). FastAPI's
documented way: replace ``app.openapi``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from mpdesk.domain.knowledge import KnowledgeBase
from mpdesk.entrypoints.api.schemas import ErrorPublic

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorPublic, "description": text}
    for code, text in (
        (400, "Malformed request body"),
        (401, "No or unknown bearer token"),
        (403, "The role does not allow it"),
        (404, "Not found (or in a shop you cannot see)"),
        (409, "Conflict: status transition, version, or what is stored does not allow it now"),
        (413, "Request too large"),
        (422, "Invalid input"),
    )
}

LOCATION = {
    "Location": {"description": "Where the created resource is", "schema": {"type": "string"}}
}
CREATED_FILE = {
    **LOCATION,
    "X-Attachment-Id": {
        "description": "The id of the (first) file created",
        "schema": {"type": "integer"},
    },
}


#: request bodies whose ids the API checks against the knowledge base
CHECKED_BODIES = ("TicketCreate", "TicketUpdate", "TransitionCreate", "ShopCreate")


def _restrict(schema: dict[str, Any], values: list[str], empty_ok: bool = False) -> None:
    """Add ``enum`` to a string schema, or to the string branch of ``string | null``; a body
    field that may be empty (``""``: the default channel) keeps the empty text among them."""
    if schema.get("type") == "string":
        empty_ok = empty_ok and not schema.get("minLength")
        schema["enum"] = ["", *values] if empty_ok else values
        schema.pop("pattern", None)
    for branch in schema.get("anyOf", []):
        _restrict(branch, values, empty_ok)


def declare_known_ids(api: FastAPI, kb: KnowledgeBase) -> None:
    ids = {
        "marketplace": sorted(kb.marketplaces),
        "category": sorted(kb.categories),
        "channel": sorted(kb.channels),
    }
    build: Callable[[], dict[str, Any]] = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema:
            return api.openapi_schema
        schema = build()
        components = schema.get("components", {}).get("schemas", {})
        for name in CHECKED_BODIES:
            for field, prop in components.get(name, {}).get("properties", {}).items():
                if field in ids:
                    _restrict(prop, ids[field], empty_ok=True)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for param in operation.get("parameters", []):
                    if param.get("in") == "query" and param.get("name") in ids:
                        _restrict(param["schema"], ids[param["name"]])
        add_links(schema)
        api.openapi_schema = schema
        return schema

    api.openapi = openapi  # type: ignore[method-assign]


def _operation_ids(schema: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (method.upper(), path): operation["operationId"]
        for path, item in schema.get("paths", {}).items()
        for method, operation in item.items()
        if "operationId" in operation
    }


_TICKET = "/api/v1/tickets/{ticket_id}"
#: the pages of a ticket a client reaches from its id
_TICKET_OPERATIONS = {
    "GetTicket": ("GET", _TICKET),
    "EditTicket": ("PATCH", _TICKET),
    "ChangeStatus": ("POST", _TICKET + "/transitions"),
    "ListMessages": ("GET", _TICKET + "/messages"),
    "AddMessage": ("POST", _TICKET + "/messages"),
    "ListAttachments": ("GET", _TICKET + "/attachments"),
    "UploadAttachments": ("POST", _TICKET + "/attachments"),
    "DownloadBundle": ("GET", _TICKET + "/bundle"),
}
#: operation → (status, {link name: (target operation, {parameter: runtime expression})})
_LINKS: dict[tuple[str, str], tuple[str, dict[str, tuple[tuple[str, str], dict[str, str]]]]] = {
    ("POST", "/api/v1/tickets"): (
        "201",
        {n: (op, {"ticket_id": "$response.body#/id"}) for n, op in _TICKET_OPERATIONS.items()},
    ),
    ("POST", _TICKET + "/follow-up"): (
        "201",
        {n: (op, {"ticket_id": "$response.body#/id"}) for n, op in _TICKET_OPERATIONS.items()},
    ),
    ("POST", _TICKET + "/attachments"): (
        "201",
        {
            "DownloadCreatedAttachment": (
                ("GET", _TICKET + "/attachments/{attachment_id}"),
                {
                    "ticket_id": "$request.path.ticket_id",
                    "attachment_id": "$response.header.X-Attachment-Id",
                },
            )
        },
    ),
    ("GET", _TICKET + "/attachments"): (
        "200",
        {
            "DownloadAttachment": (
                ("GET", _TICKET + "/attachments/{attachment_id}"),
                {"ticket_id": "$request.path.ticket_id", "attachment_id": "$response.body#/0/id"},
            )
        },
    ),
    ("GET", "/api/v1/findings"): (
        "200",
        {
            "ChangeFindingStatus": (
                ("POST", "/api/v1/findings/{finding_id}/status"),
                {"finding_id": "$response.body#/items/0/id"},
            )
        },
    ),
}


def add_links(schema: dict[str, Any]) -> None:
    """OpenAPI ``links``: which operation a response's ids lead to (clients and the
    stateful phase of schemathesis follow them). Upload bodies need at least one file."""
    ids = _operation_ids(schema)
    paths = schema.get("paths", {})
    for (method, path), (status, links) in _LINKS.items():
        operation = paths.get(path, {}).get(method.lower())
        if operation is None:
            continue
        response = operation["responses"].setdefault(status, {"description": "Success"})
        response["links"] = {
            name: {"operationId": ids[target], "parameters": parameters}
            for name, (target, parameters) in links.items()
            if target in ids
        }
    for name, component in schema.get("components", {}).get("schemas", {}).items():
        files = component.get("properties", {}).get("files")
        if name.startswith("Body_") and files and files.get("type") == "array":
            files["minItems"] = 1
