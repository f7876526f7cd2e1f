"""``mpdesk config show``: effective settings, secrets masked."""

from __future__ import annotations

import typer
from pydantic import SecretStr
from rich.console import Console

from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import app as current_app

app = typer.Typer(help="Настройки mpdesk.", no_args_is_help=True)


@app.command("show")
def show(as_json: JsonOpt = False) -> None:
    """Действующие настройки (секреты скрыты)."""
    settings = current_app(with_journal=False).settings
    data: dict[str, object] = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            value = "***" if value.get_secret_value() else ""
        if name == "database_url":
            value = _mask_url(value)
        data[f"MPDESK_{name.upper()}"] = None if value is None else str(value)
    data["database (effective)"] = _mask_url(settings.effective_database_url)

    def human(console: Console) -> None:
        for key, value in data.items():
            console.print(f"{key} = {value if value not in (None, '') else '—'}", markup=False)

    emit(data, as_json, human)


def _mask_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in creds else url
    return url


def register(cli: typer.Typer) -> None:
    cli.add_typer(app, name="config")
