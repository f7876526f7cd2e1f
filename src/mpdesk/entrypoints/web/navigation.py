"""The navigation bar's items and the blocks of «Сводка» that page modules add."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    key: str


@dataclass(frozen=True)
class DashboardPartial:
    """A block on «Сводка»: ``template`` is rendered with ``context(request, principal)``."""

    template: str
    context: Callable[..., dict[str, Any]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
