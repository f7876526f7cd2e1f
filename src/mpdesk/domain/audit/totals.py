"""Totals of saved findings per kind."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class FindingTotal:
    """Saved findings of one kind that match a filter: how many, money at stake, recovered."""

    kind: str
    count: int
    amount: Decimal
    recovered: Decimal
