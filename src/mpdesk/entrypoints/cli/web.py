"""``mpdesk serve`` (the web app and the API) and ``mpdesk token create`` (API keys)."""

from __future__ import annotations

import ipaddress
import os
import sys
from typing import Annotated

import typer

from mpdesk.bootstrap import App, web_context
from mpdesk.bootstrap.operations import serve_metrics
from mpdesk.domain.errors import UserInputError
from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import app as current_app
from mpdesk.entrypoints.cli.state import require_admin
from mpdesk.services import accounts, demo

token_app = typer.Typer(help="Ключи API (Authorization: Bearer …).", no_args_is_help=True)


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _announce(application: App, host: str, port: int, with_demo: bool) -> None:
    """Checks before binding, demo data, the URL and a one-time login link."""
    wctx = web_context(application)
    ctx, settings = application.ctx, application.settings
    loopback = is_loopback(host)
    if not loopback and not accounts.accounts_configured(wctx):
        raise UserInputError("serve_needs_accounts", host=host)
    made = demo.seed_demo(ctx) if with_demo else 0
    if made:
        typer.echo(ctx.message("demo_created", count=made))
    elif demo.is_journal_empty(ctx):
        typer.echo(ctx.message("serve_empty_hint"))
    admin = accounts.ensure_first_admin(wctx)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = (settings.base_url or f"http://{shown}:{port}").rstrip("/")
    typer.echo(ctx.message("serve_started", url=url + "/"))
    if loopback or not admin.has_password:
        token = accounts.create_login_link(wctx, admin.login)
        typer.echo(
            ctx.message(
                "serve_login_link",
                login=admin.login,
                minutes=settings.login_link_minutes,
                url=f"{url}/login/link/{token}",
            )
        )
    sys.stdout.flush()


def cmd_serve(
    host: Annotated[
        str | None, typer.Option("--host", help="Адрес (по умолчанию 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", min=1, max=65535, help="Порт (по умолчанию 8000).")
    ] = None,
    with_demo: Annotated[
        bool, typer.Option("--demo", help="Пустой журнал заполнить демо-магазином и обращениями.")
    ] = False,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, max=16, help="Рабочих процессов.")
    ] = None,
    no_remind: Annotated[
        bool,
        typer.Option(
            "--no-remind",
            help="Не отправлять напоминания о сроках из сервера (если mpdesk remind — в cron).",
        ),
    ] = False,
) -> None:
    """Запустить веб-приложение и API."""
    application = current_app()
    settings = application.settings
    if no_remind:  # this process, and the worker processes, which read the environment
        settings.remind_in_server = False
        if application.ctx.jobs is not None:
            application.ctx.jobs.remind_in_server = False
        os.environ["MPDESK_REMIND_IN_SERVER"] = "false"
    host, port = host or settings.host, port or settings.port
    workers = workers or settings.web_workers
    _announce(application, host, port, with_demo)
    with serve_metrics(application, workers):
        _run(application, host, port, workers)


def _run(application: App, host: str, port: int, workers: int) -> None:
    import uvicorn

    settings = application.settings
    options = {
        "host": host,
        "port": port,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "log_level": os.environ.get("MPDESK_LOG_LEVEL", "warning"),
        "server_header": False,
    }
    if workers > 1:
        uvicorn.run("mpdesk.entrypoints.web.asgi:create", factory=True, workers=workers, **options)  # type: ignore[arg-type]
    else:
        from mpdesk.bootstrap import warm_up_search
        from mpdesk.entrypoints.web.app import create_app

        api = create_app(application)
        warm_up_search()
        uvicorn.run(api, **options)  # type: ignore[arg-type]


@token_app.command("create")
def cmd_token_create(
    user: Annotated[str, typer.Option("--user", "-u", help="Логин пользователя.")],
    name: Annotated[str, typer.Option("--name", help="Название ключа.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Создать ключ API (хранится только его хеш; сам ключ показывается один раз)."""
    require_admin()
    application = current_app()
    secret, record = accounts.create_token(web_context(application), user, name)
    emit(
        {"token": secret, "id": record.id, "user": user, "name": record.name},
        as_json,
        lambda c: c.print(application.ctx.message("token_created", login=user, token=secret)),
    )


def register(cli: typer.Typer) -> None:
    cli.command("serve")(cmd_serve)
    cli.add_typer(token_app, name="token")
