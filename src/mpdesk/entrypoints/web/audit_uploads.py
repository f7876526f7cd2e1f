"""Uploaded report files → one audit, shared by the «Аудит» page and ``POST /api/v1/audits``.

Limits: at most ``MAX_FILES`` files; a file larger than ``10 × MPDESK_MAX_ATTACHMENT_MB`` is
not read and reported on its own line (the whole request is capped at the same size by the
security middleware). Files are written to a private temporary directory under their sanitised
names (the audit recognises them by content, never by name) and removed afterwards. One audit
runs at a time per process: a 300,000-row workbook takes about a gigabyte of memory.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from fastapi import Request

from mpdesk.domain.accounts import Principal
from mpdesk.domain.audit.report import FileProblem, ReportFile
from mpdesk.domain.errors import UserInputError
from mpdesk.entrypoints.web.forms import safe_filename, saved_uploads
from mpdesk.entrypoints.web.security import wctx_of
from mpdesk.services import findings
from mpdesk.services.audit import AuditResult

MAX_FILES = 20
#: report files unpack to far more than attachments, so they may be ten times larger
SIZE_FACTOR = 10
_ONE_AT_A_TIME = threading.BoundedSemaphore(1)


def report_limit_mb(request: Request) -> int:
    return int(request.app.state.app.settings.max_attachment_mb) * SIZE_FACTOR


def chosen_files(uploads: Sequence[Any]) -> list[Any]:
    """The uploads that are files (an empty file input sends a nameless empty part)."""
    files = [u for u in uploads if getattr(u, "filename", None) or getattr(u, "size", 0)]
    if not files:
        raise UserInputError("audit_no_files")
    if len(files) > MAX_FILES:
        raise UserInputError("audit_too_many_files", count=len(files), limit=MAX_FILES)
    return files


def run_uploaded_audit(
    request: Request,
    principal: Principal,
    uploads: Sequence[Any],
    shop_id: int | None,
    save: bool = True,
    supply_id: str | None = None,
) -> AuditResult:
    """Audit the uploaded files into the shop; the files' verdicts keep the upload order."""
    files = chosen_files(uploads)
    limit_mb = report_limit_mb(request)
    refused: dict[int, ReportFile] = {}
    accepted = []
    for position, upload in enumerate(files):
        size = int(getattr(upload, "size", 0) or 0)
        if size > limit_mb * 1024 * 1024:
            name = safe_filename(upload.filename)
            problem = FileProblem("audit_file_too_large", {"file": name, "limit_mb": limit_mb})
            refused[position] = ReportFile(name, name, "", size, problem=problem)
        else:
            accepted.append(upload)
    ctx = wctx_of(request).acting(principal)
    with saved_uploads(accepted) as paths, _ONE_AT_A_TIME:
        result = findings.audit_into_shop(
            ctx, principal, paths, shop_id, save=save, supply_id=supply_id
        )
    read = iter(result.files)
    merged = [refused[i] if i in refused else next(read) for i in range(len(files))]
    for file in merged:  # never show the server's temporary paths
        file.path = f"{file.archive}/{file.member}" if file.archive else file.name
    return replace(result, files=merged)
