"""Accounts of the web app: users, their role in each shop, and what a role allows (pure rules).

    viewer  — reads tickets, attachments and exports of the shop
    manager — viewer + creates tickets, logs answers, changes statuses
    owner   — manager + manages the shop's members
An administrator (``User.is_admin``) sees and manages every shop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

#: passwords shorter than this are refused
MIN_PASSWORD_LENGTH = 8


class Role(StrEnum):
    VIEWER = "viewer"
    MANAGER = "manager"
    OWNER = "owner"


_RANK = {Role.VIEWER: 1, Role.MANAGER: 2, Role.OWNER: 3}


def role_allows(role: Role, needed: Role) -> bool:
    return _RANK[role] >= _RANK[needed]


@dataclass
class User:
    login: str
    name: str
    created_at: datetime
    password_hash: str = ""
    is_admin: bool = False
    active: bool = True
    last_login_at: datetime | None = None
    id: int | None = None

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)


@dataclass(frozen=True)
class Principal:
    """Who is acting: the user and the role in every shop they may see."""

    user_id: int
    login: str
    name: str
    is_admin: bool
    roles: dict[int, Role] = field(default_factory=dict)
    via_token: bool = False

    @property
    def shop_ids(self) -> list[int] | None:
        """Shops the principal may see; ``None`` means all (administrator)."""
        return None if self.is_admin else sorted(self.roles)

    def role_in(self, shop_id: int) -> Role | None:
        if self.is_admin:
            return Role.OWNER
        return self.roles.get(shop_id)

    def can_view(self, shop_id: int) -> bool:
        return self.role_in(shop_id) is not None

    def can(self, shop_id: int, needed: Role) -> bool:
        role = self.role_in(shop_id)
        return role is not None and role_allows(role, needed)

    def editable_shops(self, all_shop_ids: list[int]) -> list[int]:
        return [s for s in all_shop_ids if self.can(s, Role.MANAGER)]


#: who the CLI acts as: the owner of every shop of the local journal
LOCAL_OWNER = Principal(user_id=0, login="cli", name="", is_admin=True)


def is_password_acceptable(password: str, login: str) -> bool:
    return len(password) >= MIN_PASSWORD_LENGTH and password.strip().lower() != login.lower()


@dataclass(frozen=True)
class Membership:
    user_id: int
    shop_id: int
    role: Role


@dataclass(frozen=True)
class ApiToken:
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked: bool = False


@dataclass(frozen=True)
class WebSession:
    id: int
    user_id: int
    csrf: str  # the form token (the database keeps only its SHA-256)
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime
