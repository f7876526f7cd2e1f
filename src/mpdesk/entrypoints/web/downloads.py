"""File responses: attachments (always ``Content-Disposition: attachment``, ``nosniff`` and a
sandboxing CSP, whatever their type), evidence bundles (built into a temporary file) and made
documents (claims and reports as PDF)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import FileResponse, StreamingResponse
from starlette.background import BackgroundTask
from starlette.responses import Response

from mpdesk.domain.accounts import Principal
from mpdesk.domain.filenames import clean_filename
from mpdesk.domain.tickets import Attachment
from mpdesk.entrypoints.web.security import ATTACHMENT_CSP
from mpdesk.services.bundle import build_bundle
from mpdesk.services.context import ServiceContext
from mpdesk.services.documents import Document
from mpdesk.services.ports.files import BlobStream
from mpdesk.services.shops import delete_shop

CHUNK = 1 << 16

_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": ATTACHMENT_CSP,
    "cache-control": "private, no-store",
}


def attachment_response(attachment: Attachment, stream: BlobStream) -> StreamingResponse:
    """Stream a stored attachment in chunks (from the local store or the object store)."""
    return StreamingResponse(
        _chunks(stream),
        media_type=attachment.media_type or "application/octet-stream",
        headers={
            **_HEADERS,
            "content-disposition": content_disposition(attachment.filename),
            "content-length": str(attachment.size),
        },
    )


def _chunks(stream: BlobStream) -> Iterator[bytes]:
    try:
        yield from iter(lambda: stream.read(CHUNK), b"")
    finally:
        stream.close()


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the UTF-8 name (RFC 6266), as
    Starlette's FileResponse writes it; names stored before they were cleaned are cleaned
    here (no bidi overrides, no control characters, at most 200 bytes)."""
    filename = clean_filename(filename)
    quoted = quote(filename)
    if quoted != filename:
        return f"attachment; filename*=utf-8''{quoted}"
    return f'attachment; filename="{filename}"'


def bundle_response(ctx: ServiceContext, principal: Principal, ticket_id: int) -> FileResponse:
    tmp = Path(tempfile.mkdtemp(prefix="mpdesk-bundle-"))
    dest = tmp / f"mpdesk-{ticket_id}-bundle.zip"
    try:
        build_bundle(ctx, principal, ticket_id, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(
        dest,
        media_type="application/zip",
        filename=dest.name,
        content_disposition_type="attachment",
        headers=_HEADERS,
        background=BackgroundTask(shutil.rmtree, tmp, True),
    )


def final_export_response(
    ctx: ServiceContext, principal: Principal, shop_id: int, confirm: str
) -> FileResponse:
    """Delete a shop and answer with its final export (written to a temporary file first)."""
    tmp = Path(tempfile.mkdtemp(prefix="mpdesk-final-"))
    dest = tmp / f"mpdesk-shop-{shop_id}-final.json"
    try:
        delete_shop(ctx, principal, shop_id, confirm, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(
        dest,
        media_type="application/json",
        filename=dest.name,
        content_disposition_type="attachment",
        headers=_HEADERS,
        background=BackgroundTask(shutil.rmtree, tmp, True),
    )


def document_response(document: Document) -> Response:
    """A made document (a claim or a report as PDF), to save."""
    return Response(
        document.content,
        media_type="application/pdf",
        headers={**_HEADERS, "content-disposition": content_disposition(document.filename)},
    )
