"""Normalisation of report header names and of free-text operation values.

Headers are matched by normalised name, never by position: case, ё/е, non-breaking and doubled
spaces, and trailing dots or colons do not matter (shared/spec/audit-contract.md).
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\ufeff]+")


def normalize_header(text: str) -> str:
    """``' Кол-во. '`` → ``'кол-во'``; ``'Размер  кВВ'`` → ``'размер квв'``. Idempotent."""
    value = _SPACES.sub(" ", str(text)).strip().lower().replace("ё", "е")
    return value.rstrip(".:; ").strip()


def normalize_value(text: str) -> str:
    """Free-text values («Логистика  сторно») compare the way headers do."""
    return normalize_header(text)
