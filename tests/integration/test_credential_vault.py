"""Credentials encrypted at rest: round trip, key file, rotation, wrong keys."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mpdesk.adapters.credential_vault import (
    FernetCredentialVault,
    generate_key,
    load_or_create_key_file,
    reencrypt,
)
from mpdesk.domain.api_errors import SecretKeyError
from mpdesk.domain.credentials import OzonCredentials, WbCredentials

WB = WbCredentials("eyJhbGciOiJFUzI1NiJ9.eyJzIjoxfQ.c2ln")
OZON = OzonCredentials("123456", "0f1e2d3c-api-key")


def test_credentials_round_trip_and_the_secret_is_not_stored_in_clear() -> None:
    vault = FernetCredentialVault([generate_key()])
    wb_blob, ozon_blob = vault.encrypt(WB), vault.encrypt(OZON)
    assert b"eyJhbGciOiJFUzI1NiJ9" not in wb_blob and b"api-key" not in ozon_blob
    assert vault.decrypt(wb_blob) == WB and vault.decrypt(ozon_blob) == OZON


def test_a_new_key_file_is_private_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    key = load_or_create_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key_file(path) == key
    FernetCredentialVault([key])  # a valid Fernet key


def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    load_or_create_key_file(path)
    os.chmod(path, 0o644)
    with pytest.raises(SecretKeyError) as caught:
        load_or_create_key_file(path)
    assert caught.value.fields["problem"] == "unsafe_permissions"


def test_rotation_reencrypts_under_the_new_key_so_the_old_one_can_go() -> None:
    old, new = generate_key(), generate_key()
    blobs = [FernetCredentialVault([old]).encrypt(c) for c in (WB, OZON)]

    rotated = reencrypt(blobs, [old], new)

    assert [FernetCredentialVault([new]).decrypt(b) for b in rotated] == [WB, OZON]
    with pytest.raises(SecretKeyError):
        FernetCredentialVault([old]).decrypt(rotated[0])


@pytest.mark.parametrize(
    ("keys", "problem"), [([], "missing"), (["short"], "malformed"), (["я" * 44], "malformed")]
)
def test_missing_or_malformed_keys_are_named_without_the_key(keys: list[str], problem: str) -> None:
    with pytest.raises(SecretKeyError) as caught:
        FernetCredentialVault(keys, source="MPDESK_SECRET_KEY")
    assert caught.value.fields == {"problem": problem, "source": "MPDESK_SECRET_KEY"}


def test_a_blob_under_another_key_is_a_wrong_key_error() -> None:
    blob = FernetCredentialVault([generate_key()]).encrypt(WB)
    other_key = generate_key()
    with pytest.raises(SecretKeyError) as caught:
        FernetCredentialVault([other_key]).decrypt(blob)
    assert caught.value.fields["problem"] == "wrong_key"
    assert other_key not in str(caught.value)
    with pytest.raises(SecretKeyError):
        reencrypt([blob], [generate_key()], generate_key())


def test_a_decryptable_blob_that_is_not_credentials_is_refused() -> None:
    from cryptography.fernet import Fernet

    from mpdesk.domain.api_errors import CredentialsError

    key = generate_key()
    blob = Fernet(key.encode()).encrypt(b'{"marketplace": "avito"}')
    with pytest.raises(CredentialsError) as caught:
        FernetCredentialVault([key]).decrypt(blob)
    assert caught.value.fields["problem"] == "unreadable"
