"""Marketplace and category identifiers shared by every part of the domain."""

from __future__ import annotations

from enum import StrEnum


class CategoryId(StrEnum):
    """The seven problem categories of the triage contract (stable ids)."""

    ACCEPTANCE = "acceptance"
    LOGISTICS = "logistics"
    LISTING = "listing"
    INVENTORY = "inventory"
    COMPLIANCE = "compliance"
    FINANCE = "finance"
    OTHER = "other"


class MissingItem(StrEnum):
    """Checklist items whose absence triage reports (stable ids of the contract)."""

    IDENTIFIER = "identifier"
    DATE = "date"
    DESCRIPTION = "description"
    EVIDENCE = "evidence"
