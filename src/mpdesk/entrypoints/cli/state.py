"""Lazy access to the bootstrapped application for CLI commands (one per process)."""

from __future__ import annotations

from mpdesk.bootstrap import App, bootstrap
from mpdesk.services.context import ServiceContext

_apps: dict[bool, App] = {}


def app(with_journal: bool = True) -> App:
    if with_journal not in _apps:
        if not with_journal and True in _apps:
            return _apps[True]
        _apps[with_journal] = bootstrap(with_journal=with_journal)
    return _apps[with_journal]


def ctx(with_journal: bool = True) -> ServiceContext:
    return app(with_journal).ctx


def reset() -> None:
    """Forget the application (tests change the environment between invocations)."""
    for application in _apps.values():
        if application.engine is not None:
            application.engine.dispose()
    _apps.clear()
