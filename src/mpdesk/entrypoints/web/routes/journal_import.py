"""«Загрузка журнала»: a seller's journal table (CSV, XLSX, XLS, ODS) or a JSON export uploaded,
checked and shown as a preview (which column is which, every row, what is already in the
journal); nothing is written until the person confirms. A file with bad rows lists each by row
and column, and nothing is imported.

Between the preview and the confirmation the file waits in a private folder under
``MPDESK_HOME/import-staging/<token>`` (one per upload, readable by the uploader only, removed
after the import and at the latest a day later); the page carries only the token.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from mpdesk.domain.accounts import Principal
from mpdesk.domain.errors import UserInputError
from mpdesk.entrypoints.web.errors import message_for
from mpdesk.entrypoints.web.forms import safe_filename
from mpdesk.entrypoints.web.rendering import render
from mpdesk.entrypoints.web.security import FormDep, require_visitor, verify_csrf, wctx_of
from mpdesk.services import journal, journal_import
from mpdesk.services.views import status_label

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
STAGING = "import-staging"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")
#: a staged file nobody confirmed is removed after this many seconds
STAGED_FOR = 24 * 3600
#: rows shown in the preview (all are imported)
PREVIEW_ROWS = 500


def _staging(request: Request) -> Path:
    return Path(request.app.state.app.settings.home) / STAGING


def _limit_mb(request: Request) -> int:
    return int(request.app.state.app.settings.max_attachment_mb)


def _context(request: Request, principal: Principal, **extra: Any) -> dict[str, Any]:
    ctx = wctx_of(request).ctx
    shops = journal.list_shops(ctx, principal, editable=True)
    return {
        "can_import": principal.is_admin or bool(shops),
        "limit_mb": _limit_mb(request),
        "preview": None,
        "problems": [],
        "error": None,
        "done": None,
        **extra,
    }


@router.get("/journal/import")
def import_page(request: Request) -> Response:
    visitor = require_visitor(request)
    return render(request, "journal_import.html", _context(request, visitor.principal))


@router.post("/journal/import")
def preview(request: Request, form: FormDep) -> Response:
    """Stage the uploaded file and show what its import would do."""
    visitor = require_visitor(request)
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not (upload.filename or upload.size):
            raise UserInputError("journal_import_no_file")
        if (upload.size or 0) > _limit_mb(request) * 1024 * 1024:
            raise UserInputError(
                "journal_import_too_large",
                file=safe_filename(upload.filename),
                limit_mb=_limit_mb(request),
            )
        token, path = _stage(request, visitor.principal, upload)
    except UserInputError as exc:
        return _refused(request, visitor.principal, exc)
    return _run(request, visitor.principal, token, path, dry_run=True)


@router.post("/journal/import/confirm")
def confirm(request: Request, form: FormDep) -> Response:
    visitor = require_visitor(request)
    token = str(form.get("token", ""))
    try:
        path = _staged(request, visitor.principal, token)
    except UserInputError as exc:
        return _refused(request, visitor.principal, exc)
    return _run(request, visitor.principal, token, path, dry_run=False)


def _run(request: Request, principal: Principal, token: str, path: Path, dry_run: bool) -> Response:
    ctx = wctx_of(request).acting(principal)
    try:
        result = journal_import.import_file(ctx, principal, path, dry_run, name=path.name)
    except journal_import.ImportRowsError as exc:
        _discard(request, token)
        problems = exc.result.problems
        context = _context(
            request, principal, error=message_for(request, exc.code, {**exc.fields, "details": ""})
        )
        context["problems"] = problems
        return render(request, "journal_import.html", context, status_code=422)
    except UserInputError as exc:
        _discard(request, token)
        return _refused(request, principal, exc)
    if not dry_run:
        _discard(request, token)
        return render(request, "journal_import.html", _context(request, principal, done=result))
    rows = [
        {
            "row": r.row,
            "exists": r.exists,
            "shop": r.shop,
            "marketplace": ctx.kb.marketplaces[r.ticket.marketplace].name_ru,
            "category": ctx.kb.categories[r.ticket.category].label_ru,
            "status": status_label(ctx, r.ticket.status),
            "subject": r.ticket.subject,
            "external_id": r.ticket.external_id,
            "event_date": r.ticket.event_date,
            "created_at": r.ticket.created_at,
            "amount": r.ticket.amount_claimed,
        }
        for r in result.rows[:PREVIEW_ROWS]
    ]
    preview = {
        "result": result,
        "rows": rows,
        "token": token,
        "hidden": len(result.rows) - len(rows),
    }
    return render(request, "journal_import.html", _context(request, principal, preview=preview))


def _refused(request: Request, principal: Principal, exc: UserInputError) -> Response:
    error = message_for(request, exc.code, exc.fields)
    return render(
        request, "journal_import.html", _context(request, principal, error=error), status_code=422
    )


def _stage(request: Request, principal: Principal, upload: UploadFile) -> tuple[str, Path]:
    root = _staging(request)
    root.mkdir(parents=True, exist_ok=True)
    _sweep(root)
    token = secrets.token_urlsafe(18)
    folder = root / token
    folder.mkdir(mode=0o700)
    (folder / "owner").write_text(str(principal.user_id), encoding="utf-8")
    path = folder / "file" / safe_filename(upload.filename)
    path.parent.mkdir()
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out)
    return token, path


def _staged(request: Request, principal: Principal, token: str) -> Path:
    """The file staged under ``token`` by this person; anything else is «expired»."""
    folder = _staging(request) / token
    if not _TOKEN.match(token) or not (folder / "owner").is_file():
        raise UserInputError("journal_import_expired")
    if (folder / "owner").read_text(encoding="utf-8") != str(principal.user_id):
        raise UserInputError("journal_import_expired")
    files = sorted((folder / "file").iterdir())
    if not files:
        raise UserInputError("journal_import_expired")
    return files[0]


def _discard(request: Request, token: str) -> None:
    if _TOKEN.match(token):
        shutil.rmtree(_staging(request) / token, ignore_errors=True)


def _sweep(root: Path) -> None:
    """Remove staged files older than ``STAGED_FOR`` (previews nobody confirmed)."""
    cutoff = time.time() - STAGED_FOR
    for folder in root.iterdir():
        try:
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
