"""The parties of a pre-trial claim: the seller's legal details (entered once per shop) and a
marketplace's legal entity (from the knowledge base), with the checks of their registration
numbers.

ИНН (taxpayer number): 10 digits for an organisation, 12 for a person (an individual
entrepreneur); ОГРН (state registration number): 13 digits for an organisation, ОГРНИП 15 for an
individual entrepreneur. Both carry check digits, verified by python-stdnum (``stdnum.ru``),
a pure checksum library like the EAN check in ``identifiers.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

#: the seller's details in the order a claim names them (also the order of "what is missing")
SELLER_FIELDS = ("name", "inn", "ogrn", "address", "contract_number", "contract_date")

#: longest text accepted per field (a name, an address, a contract number)
MAX_LENGTHS = {"name": 300, "address": 500, "contract_number": 100}


@dataclass(frozen=True)
class SellerLegal:
    """The seller's legal details of one shop; empty strings / ``None`` are not filled in."""

    name: str = ""
    inn: str = ""
    ogrn: str = ""
    address: str = ""
    contract_number: str = ""
    contract_date: date | None = None

    @property
    def is_entrepreneur(self) -> bool:
        """An individual entrepreneur (12-digit ИНН, 15-digit ОГРНИП)."""
        return len(self.ogrn) == 15 or len(self.inn) == 12

    def missing(self) -> list[str]:
        """The fields not filled in, in ``SELLER_FIELDS`` order."""
        return [f for f in SELLER_FIELDS if getattr(self, f) in ("", None)]

    def as_dict(self) -> dict[str, str]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["contract_date"] = self.contract_date.isoformat() if self.contract_date else ""
        return out


@dataclass(frozen=True)
class LegalSource:
    """Where the facts about a legal entity come from, and when they were last checked."""

    title: str
    url: str
    checked_on: date


@dataclass(frozen=True)
class LegalEntity:
    """A marketplace's legal entity: the addressee of a pre-trial claim."""

    name: str
    inn: str
    ogrn: str
    address: str
    sources: tuple[LegalSource, ...] = ()


def digits(value: str) -> str:
    """A registration number as typed («77 0421 7370», «7704-217370») with the separators
    people use removed; letters stay, so that the check can refuse them."""
    return "".join(ch for ch in value.strip() if ch not in " -\u00a0\t")


def inn_problem(value: str) -> str | None:
    """``None`` for a valid ИНН, else ``"digits"``, ``"length"`` or ``"checksum"``."""
    if not value.isdigit():
        return "digits"
    if len(value) not in (10, 12):
        return "length"
    return None if stdnum_inn.is_valid(value) else "checksum"


def ogrn_problem(value: str) -> str | None:
    """``None`` for a valid ОГРН (13 digits) or ОГРНИП (15), else ``"digits"``, ``"length"``
    or ``"checksum"``."""
    if not value.isdigit():
        return "digits"
    if len(value) not in (13, 15):
        return "length"
    return None if stdnum_ogrn.is_valid(value) else "checksum"


def kinds_disagree(inn: str, ogrn: str) -> bool:
    """An organisation's ИНН (10 digits) with an entrepreneur's ОГРНИП (15), or the reverse."""
    if not inn or not ogrn:
        return False
    return (len(inn) == 12) != (len(ogrn) == 15)
