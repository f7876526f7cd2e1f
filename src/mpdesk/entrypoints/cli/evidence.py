"""``mpdesk evidence sweep``: delete stored files that no attachment references."""

from __future__ import annotations

from datetime import timedelta

import typer

from mpdesk.bootstrap import evidence_index
from mpdesk.domain.errors import UserInputError
from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import app as current_app
from mpdesk.entrypoints.cli.state import require_admin
from mpdesk.services.evidence import sweep_evidence

app = typer.Typer(help="Хранилище файлов-доказательств.", no_args_is_help=True)


@app.command("sweep")
def sweep(
    grace_hours: float | None = typer.Option(
        None,
        "--grace-hours",
        help="Не трогать файлы, сохранённые за последние N часов "
        "(по умолчанию MPDESK_EVIDENCE_GRACE_HOURS).",
    ),
    as_json: JsonOpt = False,
) -> None:
    """Удалить файлы, на которые не ссылается ни одно обращение."""
    if grace_hours is not None and not 0 <= grace_hours < 1e6:
        raise UserInputError("grace_hours_invalid", value=f"{grace_hours:g}")
    require_admin()
    application = current_app()
    hours = application.settings.evidence_grace_hours if grace_hours is None else grace_hours
    result = sweep_evidence(
        application.ctx.files, evidence_index(application), timedelta(hours=hours)
    )
    data = {"checked": result.checked, "referenced": result.referenced, "removed": result.removed}
    emit(
        data,
        as_json,
        lambda c: c.print(
            application.ctx.message(
                "evidence_swept",
                grace_hours=f"{hours:g}",
                checked=result.checked,
                referenced=result.referenced,
                removed=len(result.removed),
            )
        ),
    )


def register(cli: typer.Typer) -> None:
    cli.add_typer(app, name="evidence")
