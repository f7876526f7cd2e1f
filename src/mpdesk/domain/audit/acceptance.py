"""``acceptance_shortfall`` and ``acceptance_surplus``: shipped versus accepted per supply and
barcode.

Only supplies present in the acceptance data are checked, and only once acceptance is over (an
incomes status other than «Принято», a supply status before «Принято» or no accepted quantity
at all means: not accepted yet, no finding). Accepted quantities of the same supply and barcode
are summed over all their rows. Shipped quantities come from the seller's shipment list, else
from the declared ``quantity`` of the supply goods. A shipped barcode missing from an accepted
supply counts as 0 accepted; an accepted barcode that was not shipped is a surplus (with a
shortfall in the same supply, a sign of пересорт).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVar

from mpdesk.domain.audit.findings import Evidence, Finding, FindingKind, make_finding
from mpdesk.domain.audit.rows import AcceptedRow, ShippedRow, SupplyGoodsRow

T = TypeVar("T", AcceptedRow, ShippedRow, SupplyGoodsRow)


@dataclass
class _Side:
    """One side (shipped or accepted) of a supply: quantities and proving rows per barcode."""

    quantity: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    evidence: dict[str, list[Evidence]] = field(default_factory=lambda: defaultdict(list))

    def add(self, barcode: str, quantity: int, evidence: Evidence) -> None:
        self.quantity[barcode] += quantity
        self.evidence[barcode].append(evidence)


def _by_supply(rows: Iterable[T]) -> dict[str, list[T]]:
    grouped: dict[str, list[T]] = defaultdict(list)
    for row in rows:
        grouped[row.supply_id].append(row)
    return grouped


def _latest(dates: Iterable[date | None]) -> date | None:
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def _accepted_side(
    incomes: Sequence[AcceptedRow], goods: Sequence[SupplyGoodsRow]
) -> tuple[_Side, date | None] | None:
    """Accepted quantities of one supply, or None while its acceptance is not over."""
    side = _Side()
    if incomes:
        if not all(r.is_accepted for r in incomes):
            return None
        for r in incomes:
            side.add(r.barcode, r.quantity, Evidence(r.ref, r.evidence_values(), "accepted"))
        return side, _latest(r.accepted_on for r in incomes)
    if not all(g.supply_accepted for g in goods) or all(g.accepted is None for g in goods):
        return None
    for g in goods:
        side.add(g.barcode, g.accepted or 0, Evidence(g.ref, g.evidence_values(), "goods"))
    return side, _latest(g.accepted_on for g in goods)


def _shipped_side(shipped: Sequence[ShippedRow], goods: Sequence[SupplyGoodsRow]) -> _Side | None:
    side = _Side()
    if shipped:
        for s in shipped:
            side.add(s.barcode, s.quantity, Evidence(s.ref, s.evidence_values(), "shipped"))
        return side
    if goods:
        for g in goods:
            side.add(g.barcode, g.quantity, Evidence(g.ref, g.evidence_values(), "goods"))
        return side
    return None


def _prices(shipped: Iterable[ShippedRow]) -> dict[tuple[str, str], Decimal]:
    """Unit price per (supply, barcode), with the barcode's price in any supply as fallback
    under the key ("", barcode)."""
    prices: dict[tuple[str, str], Decimal] = {}
    for s in shipped:
        if s.unit_price is not None:
            prices.setdefault((s.supply_id, s.barcode), s.unit_price)
            prices.setdefault(("", s.barcode), s.unit_price)
    return prices


def find_acceptance(
    shipped: Iterable[ShippedRow],
    accepted: Iterable[AcceptedRow],
    goods: Iterable[SupplyGoodsRow],
) -> list[Finding]:
    shipped_rows = list(shipped)
    shipped_by = _by_supply(shipped_rows)
    incomes_by = _by_supply(accepted)
    goods_by = _by_supply(goods)
    prices = _prices(shipped_rows)
    vendor_codes = {(s.supply_id, s.barcode): s.vendor_code for s in shipped_rows if s.vendor_code}
    findings: list[Finding] = []
    for supply in sorted(set(incomes_by) | set(goods_by)):
        acceptance = _accepted_side(incomes_by.get(supply, []), goods_by.get(supply, []))
        sent = _shipped_side(shipped_by.get(supply, []), goods_by.get(supply, []))
        if acceptance is None or sent is None:
            continue
        got, accepted_on = acceptance
        for barcode in sorted(set(sent.quantity) | set(got.quantity)):
            n_sent, n_got = sent.quantity.get(barcode, 0), got.quantity.get(barcode, 0)
            if n_sent == n_got:
                continue
            keys = {"supply_id": supply, "barcode": barcode}
            evidence = [*sent.evidence.get(barcode, []), *got.evidence.get(barcode, [])]
            details: dict[str, object] = {"shipped": n_sent, "accepted": n_got}
            vendor_code = vendor_codes.get((supply, barcode))
            if vendor_code:
                details["vendor_code"] = vendor_code
            if n_sent > n_got:
                kind, amount = FindingKind.ACCEPTANCE_SHORTFALL, None
                details["missing"] = n_sent - n_got
                price = prices.get((supply, barcode), prices.get(("", barcode)))
                if price is not None:
                    details["unit_price"] = f"{price:.2f}"
                    amount = price * (n_sent - n_got)
            else:
                kind, amount = FindingKind.ACCEPTANCE_SURPLUS, None
                details["extra"] = n_got - n_sent
            findings.append(
                make_finding(kind, "wb", keys, details, evidence, amount, accepted_on, group=supply)
            )
    return findings
