"""Marketplace credentials encrypted at rest with Fernet (``cryptography``), and key rotation.

May import ``mpdesk.domain`` and ``cryptography``. ``FernetCredentialVault`` turns a
``Credentials`` value into an opaque token (bytes, safe to store in the database) and back. Keys
come from the caller: a list of Fernet keys (the first encrypts, all decrypt — MultiFernet),
e.g. from an ``MPDESK_SECRET_KEY`` setting split on commas, or from a key file that
``load_or_create_key_file`` makes with mode 0600 on first use. ``reencrypt`` re-encrypts stored
tokens under the newest key so an old key can be retired. Errors are ``SecretKeyError`` /
``CredentialsError``; no key, token or plaintext appears in them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from mpdesk.domain.api_errors import CredentialsError, SecretKeyError
from mpdesk.domain.credentials import Credentials, OzonCredentials, WbCredentials

#: the purpose label of the derived key: a secret shared with session signing never encrypts
#: credentials as it is (HMAC-SHA256 of the label under the secret, RFC 2104)
_VAULT_LABEL = b"mpdesk credential vault v1"


def derive_key(secret: bytes) -> str:
    """A Fernet key derived from an installation secret (``MPDESK_SECRET_KEY`` or the
    generated key file), distinct from the secret itself and from every other use of it."""
    digest = hmac.new(secret, _VAULT_LABEL, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def load_or_create_key_file(path: Path) -> str:
    """The key in ``path``; a new key is written there (mode 0600) if the file does not exist."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SecretKeyError(problem="unsafe_permissions", source=str(path)) from None
        return path.read_text(encoding="ascii").strip()
    key = generate_key()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def _fernet(keys: Sequence[str], source: str) -> MultiFernet:
    if not keys:
        raise SecretKeyError(problem="missing", source=source)
    try:
        return MultiFernet([Fernet(key.strip().encode("ascii")) for key in keys])
    except (ValueError, UnicodeError):
        raise SecretKeyError(problem="malformed", source=source) from None


def _to_json(credentials: Credentials) -> bytes:
    if isinstance(credentials, WbCredentials):
        data = {"marketplace": "wb", "token": credentials.token}
    else:
        data = {"marketplace": "ozon", "client_id": credentials.client_id,
                "api_key": credentials.api_key}  # fmt: skip
    return json.dumps(data).encode("utf-8")


def _from_json(raw: bytes) -> Credentials:
    try:
        data = json.loads(raw)
        if data["marketplace"] == "wb":
            return WbCredentials(data["token"])
        if data["marketplace"] == "ozon":
            return OzonCredentials(data["client_id"], data["api_key"])
    except (ValueError, KeyError, TypeError):
        pass
    raise CredentialsError(marketplace="unknown", field="stored", problem="unreadable")


class FernetCredentialVault:
    """Encrypts with ``keys[0]``; decrypts with any of ``keys``. ``source`` names them in errors."""

    def __init__(self, keys: Sequence[str], source: str = "MPDESK_SECRET_KEY") -> None:
        self._source = source
        self._fernet = _fernet(keys, source)

    def encrypt(self, credentials: Credentials) -> bytes:
        return self._fernet.encrypt(_to_json(credentials))

    def decrypt(self, token: bytes) -> Credentials:
        try:
            raw = self._fernet.decrypt(token)
        except InvalidToken:
            raise SecretKeyError(problem="wrong_key", source=self._source) from None
        return _from_json(raw)

    def seal_text(self, secret: str) -> bytes:
        """A secret that is not a marketplace credential (a mailbox password), encrypted."""
        return self._fernet.encrypt(secret.encode("utf-8"))

    def open_text(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except (InvalidToken, UnicodeDecodeError):
            raise SecretKeyError(problem="wrong_key", source=self._source) from None

    def rotate(self, token: bytes) -> bytes:
        """One token encrypted again under the newest key."""
        return self.reencrypt([token])[0]

    def reencrypt(self, tokens: Iterable[bytes]) -> list[bytes]:
        """Each token encrypted again under the newest key (for rotation)."""
        try:
            return [self._fernet.rotate(token) for token in tokens]
        except InvalidToken:
            raise SecretKeyError(problem="wrong_key", source=self._source) from None


def reencrypt(tokens: Iterable[bytes], old_keys: Sequence[str], new_key: str) -> list[bytes]:
    """Rotate: decrypt with any old key, encrypt with ``new_key``; all or nothing."""
    return FernetCredentialVault([new_key, *old_keys], source="key rotation").reencrypt(tokens)
