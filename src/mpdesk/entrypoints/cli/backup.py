"""``mpdesk backup ARCHIVE``, ``mpdesk backup --check ARCHIVE`` and ``mpdesk restore ARCHIVE``
(single machine, SQLite journal; PostgreSQL: docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from mpdesk import __version__
from mpdesk.bootstrap import journal_paths, journal_snapshot
from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import app as current_app
from mpdesk.entrypoints.cli.state import require_admin
from mpdesk.services.backup import check_backup, create_backup, restore_backup

ArchiveArg = typer.Argument(..., help="Файл архива (.tar).")


def cmd_backup(
    archive: Path = ArchiveArg,
    check: bool = typer.Option(False, "--check", help="Только проверить готовый архив."),
    as_json: JsonOpt = False,
) -> None:
    """Резервная копия: журнал, файлы-доказательства и ключ в один архив с описью."""
    if check:
        manifest = check_backup(archive)
        data = {"archive": str(archive), "ok": True, "members": len(manifest["members"])}
        message = current_app(with_journal=False).ctx.message
        emit(data, as_json, lambda c: c.print(message("backup_checked", **data)))
        return
    require_admin()
    application = current_app()
    ctx = application.ctx
    summary = create_backup(
        ctx.files,
        journal_snapshot(application.settings),
        journal_paths(application.settings)[1],
        archive,
        ctx.clock.now(),
        __version__,
    )
    data = {
        "archive": str(summary.archive),
        "tickets": summary.tickets,
        "files": summary.files,
        "size": summary.size,
    }
    size_mb = f"{summary.size / 1024 / 1024:.1f}"
    emit(data, as_json, lambda c: c.print(ctx.message("backup_created", **data, size_mb=size_mb)))


def cmd_restore(archive: Path = ArchiveArg, as_json: JsonOpt = False) -> None:
    """Восстановить резервную копию в пустую папку MPDESK_HOME."""
    application = current_app(with_journal=False)
    settings = application.settings
    database, secret_key = journal_paths(settings)
    manifest = restore_backup(
        archive, database, secret_key, application.ctx.files, settings.evidence_store == "s3"
    )
    data = {
        "archive": str(archive),
        "home": str(settings.home),
        "tickets": manifest["tickets"],
        "files": sum(1 for m in manifest["members"] if m["kind"] == "evidence"),
    }
    emit(data, as_json, lambda c: c.print(application.ctx.message("backup_restored", **data)))


def register(cli: typer.Typer) -> None:
    cli.command("backup")(cmd_backup)
    cli.command("restore")(cmd_restore)
