"""``mpdesk user add|passwd|list``: accounts of the web app."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from mpdesk.bootstrap import web_context
from mpdesk.domain.accounts import Role
from mpdesk.domain.errors import UnknownValueError, UserInputError
from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import app as current_app
from mpdesk.entrypoints.cli.state import require_admin
from mpdesk.services import accounts
from mpdesk.services.shops import list_shops

user_app = typer.Typer(help="Пользователи веб-приложения и их роли.", no_args_is_help=True)
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Прочитать пароль из стандартного ввода.")
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserInputError("password_weak", min_length=8)
    message = current_app().ctx.message
    first = typer.prompt(message("cli_password"), hide_input=True)
    second = typer.prompt(message("cli_password_again"), hide_input=True)
    if first != second:
        raise UserInputError("password_mismatch")
    return str(first)


@user_app.command("add")
def cmd_add(
    login: Annotated[str, typer.Argument(help="Логин.")],
    admin: Annotated[bool, typer.Option("--admin", help="Администратор (все магазины).")] = False,
    shop: Annotated[str | None, typer.Option("--shop", help="Магазин для роли.")] = None,
    role: Annotated[str, typer.Option("--role", help="owner, manager или viewer.")] = "manager",
    name: Annotated[str, typer.Option("--name", help="Имя для показа.")] = "",
    password_stdin: PasswordStdin = False,
    as_json: JsonOpt = False,
) -> None:
    """Добавить пользователя (пароль спрашивается или читается из stdin)."""
    require_admin()
    application = current_app()
    roles = {}
    if shop is not None:
        found = next((s for s in list_shops(application.ctx) if s.name == shop), None)
        if found is None:
            raise UnknownValueError("shop", shop, [s.name for s in list_shops(application.ctx)])
        if role not in Role._value2member_map_:
            raise UnknownValueError("role", role, [r.value for r in Role])
        roles[found.id] = Role(role)
    password = _read_password(password_stdin)
    user = accounts.add_user(web_context(application), login, password, name, admin, roles)
    emit(
        {"id": user.id, "login": user.login, "is_admin": user.is_admin},
        as_json,
        lambda c: c.print(application.ctx.message("user_added", login=user.login)),
    )


@user_app.command("passwd")
def cmd_passwd(
    login: Annotated[str, typer.Argument(help="Логин.")],
    password_stdin: PasswordStdin = False,
    as_json: JsonOpt = False,
) -> None:
    """Задать пароль пользователю (его сессии завершаются, ключи API отзываются)."""
    require_admin()
    application = current_app()
    user = accounts.set_password(web_context(application), login, _read_password(password_stdin))
    emit(
        {"id": user.id, "login": user.login},
        as_json,
        lambda c: c.print(application.ctx.message("password_set", login=user.login)),
    )


@user_app.command("list")
def cmd_list(as_json: JsonOpt = False) -> None:
    """Пользователи и их роли по магазинам."""
    require_admin()
    application = current_app()
    rows = accounts.list_users(web_context(application))
    data: list[dict[str, Any]] = [
        {
            "id": u.id,
            "login": u.login,
            "name": u.name,
            "is_admin": u.is_admin,
            "has_password": u.has_password,
            "roles": [{"shop_id": m.shop_id, "role": m.role.value} for m in members],
        }
        for u, members in rows
    ]

    m = application.ctx.message

    def human(console: Console) -> None:
        table = Table(
            *(m(f"cli_user_col_{c}") for c in ("login", "name", "admin", "password", "roles"))
        )
        for d in data:
            roles = ", ".join(f"№{r['shop_id']}: {r['role']}" for r in d["roles"])
            table.add_row(
                str(d["login"]), str(d["name"]), m("cli_yes") if d["is_admin"] else "",
                m("cli_password_set") if d["has_password"] else m("cli_no"), roles,
            )  # fmt: skip
        console.print(table)

    emit(data, as_json, human)


def register(cli: typer.Typer) -> None:
    cli.add_typer(user_app, name="user")
