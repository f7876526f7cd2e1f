"""Use case: the evidence bundle of a ticket — a zip with the attachments, the appeal text
and ``manifest.json`` (file names, sizes, sha256)."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

from mpdesk.domain.accounts import Principal
from mpdesk.domain.filenames import clean_filename
from mpdesk.services.context import ServiceContext
from mpdesk.services.journal import get_ticket

CHUNK = 1 << 20


def _unique_name(name: str, taken: set[str]) -> str:
    base, dot, ext = name.rpartition(".")
    if not dot:
        base, ext = name, ""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{base} ({n}).{ext}" if ext else f"{base} ({n})"
    taken.add(candidate)
    return candidate


def build_bundle(
    ctx: ServiceContext, principal: Principal, ticket_id: int, dest: Path
) -> dict[str, object]:
    ticket = get_ticket(ctx, principal, ticket_id)
    appeal_text = ctx.message("bundle_appeal_text", subject=ticket.subject, body=ticket.body)
    appeal_bytes = appeal_text.encode("utf-8")
    taken = {"appeal.txt", "manifest.json"}
    entries = [
        {
            "name": "appeal.txt",
            "size": len(appeal_bytes),
            "sha256": hashlib.sha256(appeal_bytes).hexdigest(),
            "kind": "appeal",
        }
    ]
    files: list[tuple[str, str]] = []
    for att in ticket.attachments:
        name = "attachments/" + _unique_name(clean_filename(att.filename), taken)
        files.append((name, att.sha256))
        entries.append(
            {
                "name": name,
                "size": att.size,
                "sha256": att.sha256,
                "kind": "attachment",
                "media_type": att.media_type,
                "original_name": att.filename,
            }
        )
    manifest = {
        "ticket_id": ticket.id,
        "marketplace": ticket.marketplace,
        "category": ticket.category,
        "external_id": ticket.external_id or None,
        "subject": ticket.subject,
        "created_at": ctx.clock.now().isoformat(),
        "files": entries,
    }
    # the zip is closed before the temporary file replaces ``dest``
    with ctx.tables.atomic(dest) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("appeal.txt", appeal_bytes)
        stamp = ctx.clock.local(ctx.clock.now()).timetuple()[:6]
        for name, sha256 in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            stream = ctx.files.open(sha256)  # streamed: no whole file in memory
            try:
                with zf.open(info, "w") as out:
                    shutil.copyfileobj(stream, out, CHUNK)
            finally:
                stream.close()
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return {"path": str(dest), **manifest}
