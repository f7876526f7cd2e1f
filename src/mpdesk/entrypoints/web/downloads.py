"""File responses: attachments (always ``Content-Disposition: attachment``, ``nosniff`` and a
sandboxing CSP, whatever their type) and evidence bundles (built into a temporary file)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from mpdesk.domain.accounts import Principal
from mpdesk.domain.tickets import Attachment
from mpdesk.entrypoints.web.security import ATTACHMENT_CSP
from mpdesk.services.bundle import build_bundle
from mpdesk.services.context import ServiceContext

_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": ATTACHMENT_CSP,
    "cache-control": "private, no-store",
}


def attachment_response(attachment: Attachment, path: Path) -> FileResponse:
    return FileResponse(
        path,
        media_type=attachment.media_type or "application/octet-stream",
        filename=attachment.filename,
        content_disposition_type="attachment",
        headers=_HEADERS,
    )


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
