"""``mpdesk migrate``: upgrade the journal's schema once (several servers, one database)."""

from __future__ import annotations

import typer

from mpdesk.bootstrap.operations import migrate_database
from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import app as current_app


def cmd_migrate(as_json: JsonOpt = False) -> None:
    """Обновить схему базы данных до этой версии mpdesk (один раз на обновление; серверы
    с MPDESK_MIGRATE_ON_START=false без этого не запустятся)."""
    application = current_app(with_journal=False)  # the journal is opened by the migration
    before, head = migrate_database(application.settings)
    data = {"before": before, "head": head, "changed": before != head}
    code = "migrate_done" if before != head else "migrate_current"
    text = application.ctx.message(code, before=before or "—", head=head)
    emit(data, as_json, lambda c: c.print(text))


def register(cli: typer.Typer) -> None:
    cli.command("migrate")(cmd_migrate)
