"""Shops: a seller's store on one marketplace; tickets and findings belong to one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Shop:
    id: int
    name: str
    marketplace: str
    is_default: bool = False
    created_at: datetime | None = None
