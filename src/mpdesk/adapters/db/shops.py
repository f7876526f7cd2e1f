"""Shops in the journal's database: add, find, lock, and delete with every row of theirs."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from mpdesk.adapters.db import tables as t
from mpdesk.domain.legal import SellerLegal
from mpdesk.domain.shops import Shop


def _shop(row: Any) -> Shop:
    return Shop(row.id, row.name, row.marketplace, bool(row.is_default), row.created_at)


#: every shop, by id: the columns of a ``Shop``; built once (each journal page asks)
_LIST = select(
    *(t.shops.c[name] for name in ("id", "name", "marketplace", "is_default", "created_at"))
).order_by(t.shops.c.id)


class SqlShopRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, name: str, marketplace: str, is_default: bool, now: datetime) -> Shop:
        result = self.conn.execute(
            insert(t.shops)
            .values(name=name, marketplace=marketplace, is_default=is_default, created_at=now)
            .returning(t.shops.c.id)
        )
        return Shop(int(result.scalar_one()), name, marketplace, is_default, now)

    def get(self, shop_id: int) -> Shop | None:
        row = self.conn.execute(select(t.shops).where(t.shops.c.id == shop_id)).first()
        return _shop(row) if row else None

    def find(self, name: str) -> Shop | None:
        row = self.conn.execute(select(t.shops).where(t.shops.c.name == name)).first()
        return _shop(row) if row else None

    def default_for(self, marketplace: str) -> Shop | None:
        row = self.conn.execute(
            select(t.shops)
            .where(t.shops.c.marketplace == marketplace, t.shops.c.is_default.is_(True))
            .order_by(t.shops.c.id)
        ).first()
        return _shop(row) if row else None

    def list(self) -> builtins.list[Shop]:
        return [_shop(r) for r in self.conn.execute(_LIST).all()]

    def lock(self, shop_id: int) -> Shop | None:
        """The shop, locked until the transaction ends: ``FOR UPDATE`` on PostgreSQL (which
        also blocks new tickets of the shop, their key refers to the row); on SQLite a write
        to the row takes the database's write lock now instead of at the first real write."""
        if self.conn.dialect.name == "sqlite":
            self.conn.execute(
                update(t.shops).where(t.shops.c.id == shop_id).values(name=t.shops.c.name)
            )
        row = self.conn.execute(
            select(t.shops).where(t.shops.c.id == shop_id).with_for_update()
        ).first()
        return _shop(row) if row else None

    def delete(self, shop_id: int) -> int:
        """Delete the shop with every row of it; returns the number of its tickets removed."""
        from mpdesk.adapters.db.shop_data import delete_shop_rows

        return delete_shop_rows(self.conn, shop_id)["tickets"]

    def get_legal(self, shop_id: int) -> SellerLegal | None:
        row = self.conn.execute(
            select(t.shop_legal).where(t.shop_legal.c.shop_id == shop_id)
        ).first()
        if row is None:
            return None
        return SellerLegal(
            row.name, row.inn, row.ogrn, row.address, row.contract_number, row.contract_date
        )

    def save_legal(self, shop_id: int, legal: SellerLegal, now: datetime) -> None:
        """Replace the shop's row (delete + insert: one statement shape on both databases)."""
        self.conn.execute(delete(t.shop_legal).where(t.shop_legal.c.shop_id == shop_id))
        self.conn.execute(
            insert(t.shop_legal).values(
                shop_id=shop_id,
                name=legal.name,
                inn=legal.inn,
                ogrn=legal.ogrn,
                address=legal.address,
                contract_number=legal.contract_number,
                contract_date=legal.contract_date,
                updated_at=now,
            )
        )
