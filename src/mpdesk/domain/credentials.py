"""Marketplace API credentials as value objects, and what can be read from a WB token.

Pure: standard library and ``mpdesk.domain`` only. A credential's ``repr`` never shows the secret;
``fingerprint`` names a credential in logs and rate-limit keys without revealing it.

WB tokens are JWTs. ``read_wb_token`` decodes the payload *without verifying the signature*
(mpdesk has no key for that and needs none: the marketplace checks the token on every call) to
show when it expires and which category bits it carries. Claim names (``exp`` — Unix time of
expiry, ``s`` — bit mask of API categories) follow the WB knowledge-base article «Декодирование и
проверка токенов WB API» (dev.wildberries.ru, updated 2026-04-03); the bits are kept as numbers
because the article's bit-to-category table is not pinned in the repository.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from mpdesk.domain.api_errors import CredentialsError


def _fingerprint(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


def _require_text(marketplace: str, name: str, value: str) -> None:
    if not value or value != value.strip() or any(ch.isspace() for ch in value):
        raise CredentialsError(marketplace, name, "empty_or_whitespace")


@dataclass(frozen=True)
class WbCredentials:
    """A Wildberries API token (sent as the ``Authorization`` header)."""

    token: str = field(repr=False)
    marketplace = "wb"

    def __post_init__(self) -> None:
        _require_text("wb", "token", self.token)

    @property
    def fingerprint(self) -> str:
        return _fingerprint("wb", self.token)


@dataclass(frozen=True)
class OzonCredentials:
    """An Ozon Seller API pair (``Client-Id`` and ``Api-Key`` headers)."""

    client_id: str
    api_key: str = field(repr=False)
    marketplace = "ozon"

    def __post_init__(self) -> None:
        _require_text("ozon", "client_id", self.client_id)
        _require_text("ozon", "api_key", self.api_key)
        if not self.client_id.isdigit():
            raise CredentialsError(marketplace="ozon", field="client_id", problem="not_digits")

    @property
    def fingerprint(self) -> str:
        return _fingerprint("ozon", self.client_id, self.api_key)


Credentials = WbCredentials | OzonCredentials


@dataclass(frozen=True)
class WbTokenInfo:
    """What a WB token says about itself (unverified)."""

    expires_at: datetime | None
    category_bits: frozenset[int]

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def days_left(self, now: datetime) -> int | None:
        """Whole days until expiry (negative once expired); None when the token has no ``exp``."""
        if self.expires_at is None:
            return None
        return (self.expires_at - now).days

    def has_category_bit(self, bit: int) -> bool:
        return bit in self.category_bits


def _b64url_json(segment: str) -> object:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        return json.loads(raw)
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise CredentialsError(marketplace="wb", field="token", problem="not_a_jwt") from exc


def read_wb_token(token: str) -> WbTokenInfo:
    """Decode a WB token's payload without verification; ``CredentialsError`` if unreadable."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise CredentialsError(marketplace="wb", field="token", problem="not_a_jwt")
    payload = _b64url_json(parts[1])
    if not isinstance(payload, dict):
        raise CredentialsError(marketplace="wb", field="token", problem="not_a_jwt")
    exp = payload.get("exp")
    if exp is not None and (isinstance(exp, bool) or not isinstance(exp, int | float)):
        raise CredentialsError(marketplace="wb", field="token", problem="bad_exp_claim")
    mask = payload.get("s", 0)
    if isinstance(mask, bool) or not isinstance(mask, int) or mask < 0:
        raise CredentialsError(marketplace="wb", field="token", problem="bad_categories_claim")
    try:
        expires_at = datetime.fromtimestamp(exp, tz=UTC) if exp is not None else None
    except (OverflowError, OSError, ValueError) as exc:
        raise CredentialsError(marketplace="wb", field="token", problem="bad_exp_claim") from exc
    bits = frozenset(i for i in range(mask.bit_length()) if mask >> i & 1)
    return WbTokenInfo(expires_at=expires_at, category_bits=bits)
