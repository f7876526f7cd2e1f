"""Lazy access to the bootstrapped application for CLI commands (one per process), and who
the commands act as: the local owner, or the user named by ``mpdesk --as LOGIN`` (or
``MPDESK_USER``), whose roles the use cases check exactly as for the web and the API."""

from __future__ import annotations

from dataclasses import replace

from mpdesk.bootstrap import App, bootstrap, web_context
from mpdesk.domain.accounts import LOCAL_OWNER, Principal
from mpdesk.domain.errors import ForbiddenError
from mpdesk.services.context import ServiceContext

_apps: dict[bool, App] = {}
_acting: dict[str, str | None] = {"login": None}
_principals: dict[str, Principal] = {}


def app(with_journal: bool = True) -> App:
    if with_journal not in _apps:
        if not with_journal and True in _apps:
            return _apps[True]
        _apps[with_journal] = bootstrap(with_journal=with_journal)
    return _apps[with_journal]


def act_as(login: str | None) -> None:
    """Set by the root command from ``--as`` / ``MPDESK_USER`` (``None``: the local owner)."""
    _acting["login"] = (login or "").strip() or None
    _principals.clear()


def principal() -> Principal:
    """Who the command acts as; an unknown or disabled login is refused (exit 2)."""
    login = _acting["login"]
    if login is None:
        return LOCAL_OWNER
    if login not in _principals:
        from mpdesk.services.accounts import named_principal  # only for ``--as``

        _principals[login] = named_principal(web_context(app()), login)
    return _principals[login]


def require_admin() -> None:
    """Commands that change the installation itself (users, shops, backups, the schema) are
    the owner's or an administrator's: refused for a user without that right."""
    acting = principal()
    if not acting.is_admin:
        raise ForbiddenError("admin_required", login=acting.login)


def ctx(with_journal: bool = True) -> ServiceContext:
    context = app(with_journal).ctx
    if with_journal and _acting["login"] is not None:
        return replace(context, actor=principal().login)
    return context


def reset() -> None:
    """Forget the application (tests change the environment between invocations)."""
    for application in _apps.values():
        if application.engine is not None:
            application.engine.dispose()
    _apps.clear()
    act_as(None)
